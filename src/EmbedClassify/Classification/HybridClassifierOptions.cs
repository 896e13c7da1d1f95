namespace EmbedClassify;

/// <summary>
/// Represents the settings of a <see cref="HybridClassifier"/>.
/// </summary>
/// <remarks>Instances are not thread-safe while being modified; classifiers copy them.</remarks>
public sealed class HybridClassifierOptions
{
    private double _wordWeight = 1;
    private double _compressionWeight;
    private double _unlabeledWeight = 30;
    private double _labelDescriptionWeight = 1;

    /// <summary>
    /// Gets or sets how much the word view (TF-IDF weighted words and word pairs) counts next to the embedding view,
    /// after each is divided by its leave-one-out temperature. 0 turns the view off; the default, 1, weighs the two
    /// views by their fitted confidence alone (which measured best across collections; see docs/accuracy.md).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    public double WordWeight
    {
        get => _wordWeight;
        set => _wordWeight = CheckWeight(value);
    }

    /// <summary>
    /// Gets or sets how much the compression view (Deflate distance to each example) counts next to the embedding view,
    /// after each is divided by its leave-one-out temperature. The default, 0, leaves it off: it added nothing measurable
    /// once the word view was on, and it compresses every text against every example (see docs/accuracy.md).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    public double CompressionWeight
    {
        get => _compressionWeight;
        set => _compressionWeight = CheckWeight(value);
    }

    /// <summary>
    /// Gets or sets how much unlabelled texts, when given to
    /// <see cref="HybridClassifier.CreateAsync(Microsoft.Extensions.AI.IEmbeddingGenerator{string, Microsoft.Extensions.AI.Embedding{float}}, IEnumerable{LabeledExample}, IEnumerable{string}, HybridClassifierOptions?, CancellationToken)"/>,
    /// weigh in the refined class centroids: all of them together count as much as this many examples per class, spread
    /// over the classes by their predicted probabilities (so each text counts this much times the number of classes
    /// divided by the number of unlabelled texts, but never more than one example). 0 ignores unlabelled texts. The default, 30, measured best across
    /// collections at 2, 5 and 10 examples per class: a fixed weight lets the batch count for more when the examples
    /// are few and for less when they are many, and with no cap (every text counting as much as an example) the
    /// clusters of a many-class collection pull the centroids away from the classes (see docs/accuracy.md).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    public double UnlabeledWeight
    {
        get => _unlabeledWeight;
        set => _unlabeledWeight = CheckWeight(value);
    }

    /// <summary>
    /// Gets or sets short texts that say what each class is, by label (the label itself, if it is a meaningful word or
    /// phrase, is a good start: "positive", "Food &amp; Drink"). Each description is embedded with the examples and
    /// added to its class's embedding centroid as <see cref="LabelDescriptionWeight"/> examples would be, a prior that
    /// helps most when the examples are few. Empty (no prior) by default; classes without a description get none.
    /// Keys must be labels that the examples use (compared ordinally).
    /// </summary>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public IDictionary<string, string> LabelDescriptions
    {
        get;
        set => field = value ?? throw new ArgumentNullException(nameof(value));
    } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets how many examples each of <see cref="LabelDescriptions"/> counts as in its class's embedding
    /// centroid. The default, 1, measured as the safe choice (see docs/accuracy.md): a heavier weight helped more where
    /// labels are descriptive but cost more where one is misleading ("ham" for wanted mail).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    public double LabelDescriptionWeight
    {
        get => _labelDescriptionWeight;
        set => _labelDescriptionWeight = CheckWeight(value);
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
        clone.LabelDescriptions = new Dictionary<string, string>(LabelDescriptions, StringComparer.Ordinal);
        return clone;
    }

    private static double CheckWeight(double value) =>
        double.IsFinite(value) && value >= 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "The weight must be a finite number of at least 0.");
}
