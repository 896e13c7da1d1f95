namespace EmbedClassify;

/// <summary>
/// Represents the settings of a <see cref="CachingEmbeddingGenerator"/>.
/// </summary>
/// <remarks>
/// Options are copied when a generator is built, so changing an instance afterwards does not affect generators already
/// built from it. Instances are not thread-safe while being modified.
/// </remarks>
public sealed class CachingEmbeddingGeneratorOptions
{
    private int _batchSize = 256;
    private int _maxConcurrency = 4;

    /// <summary>
    /// Gets or sets the largest number of texts sent to the inner generator in one call. The default is 256.
    /// </summary>
    /// <remarks>
    /// Each completed batch is written to the store before it counts as done, so this is also the unit of checkpointing:
    /// a crash loses at most the batches that were in flight.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int BatchSize
    {
        get => _batchSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _batchSize = value;
        }
    }

    /// <summary>
    /// Gets or sets the largest number of calls to the inner generator that run at the same time. The default is 4.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxConcurrency
    {
        get => _maxConcurrency;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxConcurrency = value;
        }
    }

    /// <summary>
    /// Gets or sets a name that identifies the model in cache keys in place of the inner generator's
    /// <see cref="Microsoft.Extensions.AI.EmbeddingGeneratorMetadata"/> (provider name, provider URI and default model),
    /// or <see langword="null"/> (the default) to use that metadata.
    /// </summary>
    /// <remarks>
    /// Set it for a provider that reports no metadata, or to share one cache between endpoints that serve the same model
    /// (for example two regions). A per-call <see cref="Microsoft.Extensions.AI.EmbeddingGenerationOptions.ModelId"/> and
    /// the dimension count are still part of the key. Never put a credential here: it is hashed into every key.
    /// </remarks>
    public string? ModelIdentity { get; set; }

    /// <summary>
    /// Creates a copy of these options.
    /// </summary>
    /// <returns>A new instance with the same values.</returns>
    public CachingEmbeddingGeneratorOptions Clone() => (CachingEmbeddingGeneratorOptions)MemberwiseClone();
}
