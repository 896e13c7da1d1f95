using EmbedClassify;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.AI;

/// <summary>
/// Provides an extension method for adding a <see cref="CachingEmbeddingGenerator"/> configured by
/// <c>AddEmbedClassify</c> to an embedding generator pipeline.
/// </summary>
public static class EmbedClassifyEmbeddingGeneratorBuilderExtensions
{
    /// <summary>
    /// Adds a persistent embedding cache to the pipeline over the registered <see cref="IEmbeddingCacheStore"/>, with the
    /// settings of <see cref="EmbedClassify.EmbedClassifyCacheOptions"/> (the <c>"Cache"</c> subsection of the EmbedClassify configuration).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// Building the pipeline throws <see cref="InvalidOperationException"/> when no <see cref="IEmbeddingCacheStore"/> is
    /// registered (see <see cref="EmbeddingCacheServiceCollectionExtensions"/>), and <see cref="OptionsValidationException"/>
    /// when the options are invalid.
    /// </remarks>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> UseConfiguredEmbeddingCache(
        this EmbeddingGeneratorBuilder<string, Embedding<float>> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((innerGenerator, services) => new CachingEmbeddingGenerator(
            innerGenerator,
            services.GetRequiredService<IEmbeddingCacheStore>(),
            services.GetRequiredService<IOptions<EmbedClassifyCacheOptions>>().Value.ToCachingOptions(),
            services.GetService<ILoggerFactory>()?.CreateLogger<CachingEmbeddingGenerator>()));
    }
}
