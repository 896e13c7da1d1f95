using EmbedClassify.Onnx;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers the local ONNX embedding generator with dependency injection.
/// </summary>
public static class OnnxEmbeddingGeneratorServiceCollectionExtensions
{
    /// <summary>
    /// Registers an <see cref="OnnxEmbeddingGenerator"/> as the <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>, with its
    /// settings bound from <paramref name="configuration"/>: every property of <see cref="OnnxEmbeddingGeneratorOptions"/>
    /// (<c>MaxSequenceLength</c>, <c>MaxBatchSize</c>, <c>MaxBatchTokens</c>, <c>MaxDegreeOfParallelism</c>, <c>ModelId</c>,
    /// <c>LowerCase</c>, <c>Precision</c> (<c>Float32</c> or <c>Int8</c>)) and <c>ModelDirectory</c>, a folder with <c>model.onnx</c> and <c>vocab.txt</c> (omit it for the
    /// built-in all-MiniLM-L6-v2).
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
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddOnnxEmbeddingGenerator(
        this IServiceCollection services,
        IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OnnxEmbeddingGeneratorOptions options = OnnxEmbeddingSettings.Bind(configuration, allowModelDirectory: true, out string? modelDirectory);
        return services.AddEmbeddingGenerator(_ => modelDirectory is null
            ? OnnxEmbeddingGenerator.CreateDefault(options)
            : OnnxEmbeddingGenerator.FromDirectory(modelDirectory, options));
    }
}
