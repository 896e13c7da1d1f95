using EmbedClassify.Onnx;
using EmbedClassify.Onnx.ArcticXs;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers the snowflake-arctic-embed-xs generator with dependency injection.
/// </summary>
public static class ArcticXsEmbeddingGeneratorServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ArcticXsEmbeddingGenerator.Create"/>'s generator as the
    /// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>, with its settings bound from <paramref name="configuration"/>:
    /// every property of <see cref="OnnxEmbeddingGeneratorOptions"/> (<c>MaxSequenceLength</c>, <c>MaxBatchSize</c>,
    /// <c>MaxBatchTokens</c>, <c>MaxDegreeOfParallelism</c>, <c>ModelId</c>, <c>LowerCase</c>, <c>Precision</c>
    /// (<c>Float32</c> or <c>Int8</c>)), as for <c>AddOnnxEmbeddingGenerator</c> but without <c>ModelDirectory</c>: the model
    /// is the one in this package.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The settings section, or <see langword="null"/> for the defaults.</param>
    /// <returns>The generator builder, to add a cache or telemetry (for example <c>.UseEmbeddingCache()</c>).</returns>
    /// <remarks>
    /// The settings are bound and checked here, when the application registers its services, so a bad value or an unknown
    /// key stops the application before it starts. The model is loaded on first use and disposed with the container.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">A setting is unknown or out of range; the message names it.</exception>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddArcticXsEmbeddingGenerator(
        this IServiceCollection services,
        IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OnnxEmbeddingGeneratorOptions options = OnnxEmbeddingSettings.Bind(configuration, allowModelDirectory: false, out _);
        return services.AddEmbeddingGenerator(_ => ArcticXsEmbeddingGenerator.Create(options));
    }
}
