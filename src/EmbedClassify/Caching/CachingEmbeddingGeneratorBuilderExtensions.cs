using EmbedClassify;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.AI;

/// <summary>
/// Provides extension methods for adding a <see cref="CachingEmbeddingGenerator"/> to an embedding generator pipeline.
/// </summary>
public static class CachingEmbeddingGeneratorBuilderExtensions
{
    /// <summary>
    /// Adds a persistent embedding cache to the pipeline: texts already in <paramref name="store"/> are answered from it,
    /// and every batch the inner generator completes is stored before it counts as done.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="store">The store that holds the cache entries.</param>
    /// <param name="configure">A callback that adjusts the options, or <see langword="null"/> for the defaults.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="store"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// When the pipeline is built with a service provider that offers an <see cref="ILoggerFactory"/>, the generator logs
    /// corrupt entries and failed batches through it.
    /// </remarks>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> UseEmbeddingCache(
        this EmbeddingGeneratorBuilder<string, Embedding<float>> builder,
        IEmbeddingCacheStore store,
        Action<CachingEmbeddingGeneratorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(store);
        var options = new CachingEmbeddingGeneratorOptions();
        configure?.Invoke(options);
        return builder.Use((innerGenerator, services) =>
        {
            ILogger? logger = (services.GetService(typeof(ILoggerFactory)) as ILoggerFactory)?.CreateLogger<CachingEmbeddingGenerator>();
            return new CachingEmbeddingGenerator(innerGenerator, store, options, logger);
        });
    }

    /// <summary>
    /// Adds a persistent embedding cache to the pipeline over the <see cref="IEmbeddingCacheStore"/> registered in the
    /// service provider the pipeline is built with.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">A callback that adjusts the options, or <see langword="null"/> for the defaults.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks>Building the pipeline throws <see cref="InvalidOperationException"/> when no <see cref="IEmbeddingCacheStore"/> is registered.</remarks>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> UseEmbeddingCache(
        this EmbeddingGeneratorBuilder<string, Embedding<float>> builder,
        Action<CachingEmbeddingGeneratorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new CachingEmbeddingGeneratorOptions();
        configure?.Invoke(options);
        return builder.Use((innerGenerator, services) => new CachingEmbeddingGenerator(
            innerGenerator,
            services.GetRequiredService<IEmbeddingCacheStore>(),
            options,
            services.GetService<ILoggerFactory>()?.CreateLogger<CachingEmbeddingGenerator>()));
    }
}
