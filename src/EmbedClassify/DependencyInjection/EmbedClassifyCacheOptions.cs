namespace EmbedClassify;

/// <summary>
/// Represents the embedding cache settings bound by <c>AddEmbedClassify</c> from the <c>"Cache"</c> subsection of the EmbedClassify configuration.
/// </summary>
/// <remarks>
/// The setters accept any value so that start-up validation can report a bad one with its configuration path. The
/// defaults are those of <see cref="CachingEmbeddingGeneratorOptions"/>. Instances are not thread-safe while being modified.
/// </remarks>
public sealed class EmbedClassifyCacheOptions
{
    private static readonly CachingEmbeddingGeneratorOptions Defaults = new();

    /// <summary>Gets or sets the largest number of texts per inner call; see <see cref="CachingEmbeddingGeneratorOptions.BatchSize"/>. It must be at least 1.</summary>
    public int BatchSize { get; set; } = Defaults.BatchSize;

    /// <summary>Gets or sets the largest number of concurrent inner calls; see <see cref="CachingEmbeddingGeneratorOptions.MaxConcurrency"/>. It must be at least 1.</summary>
    public int MaxConcurrency { get; set; } = Defaults.MaxConcurrency;

    /// <summary>
    /// Gets or sets the name that identifies the model in cache keys; see <see cref="CachingEmbeddingGeneratorOptions.ModelIdentity"/>.
    /// Never put a credential here.
    /// </summary>
    public string? ModelIdentity { get; set; } = Defaults.ModelIdentity;

    /// <summary>
    /// Creates the caching generator settings these options describe.
    /// </summary>
    /// <returns>A new <see cref="CachingEmbeddingGeneratorOptions"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; start-up validation reports this earlier and more clearly.</exception>
    public CachingEmbeddingGeneratorOptions ToCachingOptions() => new()
    {
        BatchSize = BatchSize,
        MaxConcurrency = MaxConcurrency,
        ModelIdentity = ModelIdentity,
    };
}
