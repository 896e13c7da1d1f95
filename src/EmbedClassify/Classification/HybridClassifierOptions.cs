namespace EmbedClassify;

/// <summary>
/// Represents the settings of a <see cref="HybridClassifier"/>.
/// </summary>
/// <remarks>Instances are not thread-safe while being modified; classifiers copy them.</remarks>
public sealed class HybridClassifierOptions
{
    private double _compressionWeight = 1;

    /// <summary>
    /// Gets or sets how much the compression view counts next to the embedding view, after both are scaled to the same
    /// spread. 0 leaves the embedding view alone; the default, 1, weighs them equally (which measured best; see docs/accuracy.md).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    public double CompressionWeight
    {
        get => _compressionWeight;
        set
        {
            if (!double.IsFinite(value) || value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The weight must be a finite number of at least 0.");
            }

            _compressionWeight = value;
        }
    }

    /// <summary>Gets or sets the options of the embedding view. The default is centered nearest centroid.</summary>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public FewShotClassifierOptions EmbeddingOptions
    {
        get;
        set => field = value ?? throw new ArgumentNullException(nameof(value));
    } = new() { CenterEmbeddings = true };

    /// <summary>Creates a copy of these options.</summary>
    /// <returns>A new instance with the same values.</returns>
    public HybridClassifierOptions Clone()
    {
        var clone = (HybridClassifierOptions)MemberwiseClone();
        clone.EmbeddingOptions = EmbeddingOptions.Clone();
        return clone;
    }
}
