using EmbedClassify;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.AI;

/// <summary>
/// Provides extension methods for adding a <see cref="CachingEmbeddingGenerator"/> to an embedding generator pipeline.
/// </summary>
public static class CachingEmbeddingGeneratorBuilderExtensions
{
    /// <summary>
    /// Adds a persistent embedding cache to the pipeline: texts already in the store are answered from it, and every
    /// batch the inner generator completes is stored before it counts as done.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="store">
    /// The store that holds the cache entries, or <see langword="null"/> for the <see cref="IEmbeddingCacheStore"/>
    /// registered in the service provider the pipeline is built with.
    /// </param>
    /// <param name="configure">A callback that adjusts the options, or <see langword="null"/> to keep them.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// The options start from the "Cache" settings that <c>AddEmbedClassify</c> bound from configuration, when it was
    /// called, and from the defaults otherwise; <paramref name="configure"/> then adjusts them. When the service provider
    /// offers an <see cref="ILoggerFactory"/>, the generator logs corrupt entries and failed batches through it. Building
    /// the pipeline throws <see cref="InvalidOperationException"/> when <paramref name="store"/> is <see langword="null"/>
    /// and no <see cref="IEmbeddingCacheStore"/> is registered.
    /// </remarks>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> UseEmbeddingCache(
        this EmbeddingGeneratorBuilder<string, Embedding<float>> builder,
        IEmbeddingCacheStore? store = null,
        Action<CachingEmbeddingGeneratorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((innerGenerator, services) =>
        {
            CachingEmbeddingGeneratorOptions options =
                (services.GetService(typeof(IOptions<EmbedClassifyCacheOptions>)) as IOptions<EmbedClassifyCacheOptions>)?.Value.ToCachingOptions()
                ?? new CachingEmbeddingGeneratorOptions();
            configure?.Invoke(options);
            return new CachingEmbeddingGenerator(
                innerGenerator,
                store ?? services.GetRequiredService<IEmbeddingCacheStore>(),
                options,
                services.GetService<ILoggerFactory>()?.CreateLogger<CachingEmbeddingGenerator>());
        });
    }
}
