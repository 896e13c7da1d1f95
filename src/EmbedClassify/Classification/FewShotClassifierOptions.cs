namespace EmbedClassify;

/// <summary>
/// Represents the settings of a <see cref="FewShotClassifier"/> (all of them) or an <see cref="EmbeddingClassifier"/>
/// (those of the embedding view: <see cref="Strategy"/> to <see cref="Seed"/>).
/// </summary>
/// <remarks>
/// A plain settings class: values are checked in one place, <see cref="FewShotClassifierOptionsValidator"/>, when a
/// classifier is created (an <see cref="ArgumentException"/> naming the setting) and when a host starts (dependency
/// injection's <c>ValidateOnStart</c>). Options are copied when a classifier is built, so changing an instance afterwards
/// does not affect classifiers already built from it. Instances are not thread-safe while being modified.
/// </remarks>
public sealed class FewShotClassifierOptions
{
    // The largest WordWeight and LabelDescriptionWeight. Past it the other view or the examples no longer count at all,
    // and from about 1e37 the single-precision arithmetic the classifier scores with overflowed: every probability NaN.
    internal const double MaxViewWeight = 1_000_000;

    /// <summary>
    /// Gets or sets the decision rule of the embedding view. The default is <see cref="ClassificationStrategy.NearestCentroid"/>.
    /// </summary>
    public ClassificationStrategy Strategy { get; set; } = ClassificationStrategy.NearestCentroid;

    /// <summary>
    /// Gets or sets how many neighbours vote in <see cref="ClassificationStrategy.KNearestNeighbors"/>; at least 1. The
    /// default is 3. When it exceeds the number of examples, every example votes.
    /// </summary>
    public int Neighbors { get; set; } = 3;

    /// <summary>
    /// Gets or sets the number of clusters (at least 1) for <see cref="ClassificationStrategy.KMeans"/> with
    /// <see cref="KMeansInitialization.KMeansPlusPlus"/>, or <see langword="null"/> (the default) for one per class.
    /// With <see cref="KMeansInitialization.ClassCentroids"/> there is always one cluster per class and this value must be
    /// <see langword="null"/> or equal to the number of classes.
    /// </summary>
    public int? Clusters { get; set; }

    /// <summary>
    /// Gets or sets how k-means chooses its starting centers. The default is <see cref="KMeansInitialization.KMeansPlusPlus"/>.
    /// </summary>
    public KMeansInitialization Initialization { get; set; } = KMeansInitialization.KMeansPlusPlus;

    /// <summary>
    /// Gets or sets the largest number of Lloyd iterations k-means runs (at least 1); it stops earlier once no
    /// assignment changes. The default is 100.
    /// </summary>
    public int MaxIterations { get; set; } = 100;

    /// <summary>
    /// Gets or sets a value indicating whether vectors are centered before they are compared: the mean of the normalized
    /// examples (and unlabelled vectors) is subtracted from every vector, which is then normalized again. The default is
    /// <see langword="true"/>.
    /// </summary>
    /// <remarks>
    /// Sentence embeddings share a large common direction, which makes every cosine high and squeezes the differences that
    /// matter; removing it ("CL2N" in SimpleShot, Wang et al. 2019) spreads them out. It raised nearest-centroid accuracy
    /// at every number of examples measured (spam at 10 examples per class: 0.806 to 0.836; docs/accuracy.md). The
    /// center is part of the fitted classifier, so raw class similarities are cosines in the centered space.
    /// </remarks>
    public bool CenterEmbeddings { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether predictions flag inputs that belong to none of the classes
    /// (<see cref="Prediction.IsUnknown"/>): those whose calibrated probability is below a threshold fitted by
    /// leave-one-out on the examples. The default is <see langword="false"/>.
    /// </summary>
    public bool DetectUnknown { get; set; }

    /// <summary>
    /// Gets or sets the label that marks examples of "none of these" (for example off-topic texts), or
    /// <see langword="null"/> (the default) for none. Such examples are not a class: they only help place the unknown
    /// threshold between the real classes' examples and them. It must not be blank.
    /// </summary>
    public string? NoneLabel { get; set; }

    /// <summary>
    /// Gets or sets the seed for every random choice (k-means++ seeding, the sample of examples that calibration holds
    /// out), so that the same inputs always give the same classifier. The default is 42.
    /// </summary>
    public int Seed { get; set; } = 42;

    /// <summary>
    /// Gets or sets how much the word view (TF-IDF weighted words and word pairs, nearest centroid) counts next to the
    /// embedding view, after each is divided by its leave-one-out temperature; a number from 0 to 1,000,000. 0 turns the
    /// view off. The default, 1, weighs the two views by their fitted confidence alone, which measured best across
    /// collections (docs/accuracy.md). <see cref="EmbeddingClassifier"/> has no word view and ignores it.
    /// </summary>
    public double WordWeight { get; set; } = 1;

    /// <summary>
    /// Gets or sets how much unlabelled texts, when given to
    /// <see cref="FewShotClassifier.CreateAsync(Microsoft.Extensions.AI.IEmbeddingGenerator{string, Microsoft.Extensions.AI.Embedding{float}}, IEnumerable{LabeledExample}, IEnumerable{string}, FewShotClassifierOptions?, CancellationToken)"/>,
    /// weigh in the refined class centroids: all of them together count as much as this many examples per class, spread
    /// over the classes by their predicted probabilities, and no single text more than one example; a finite number of
    /// at least 0. 0 ignores unlabelled texts. The default, 30, measured best across collections at 2, 5 and 10 examples
    /// per class (docs/accuracy.md).
    /// </summary>
    public double UnlabeledWeight { get; set; } = 30;

    /// <summary>
    /// Gets or sets short texts that say what each class is, by label ("questions about invoices and payments"). Each
    /// description is embedded with the examples and added to its class's embedding centroid as
    /// <see cref="LabelDescriptionWeight"/> examples would be, a prior that helps most when the examples are few. Keys
    /// must be labels that the examples use (compared ordinally); values must not be blank. Empty by default.
    /// </summary>
    public IDictionary<string, string> LabelDescriptions { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets a value indicating whether a class with no entry in <see cref="LabelDescriptions"/> is described by
    /// its own label when the label reads as words (it has at least two letters; '_' and '-' read as spaces). The
    /// default is <see langword="true"/>: measured on every collection in docs/accuracy.md, label names raised accuracy
    /// at 2 examples per class where labels are descriptive and cost at most 0.002 where they are not.
    /// </summary>
    public bool LabelNamesAsDescriptions { get; set; } = true;

    /// <summary>
    /// Gets or sets how many examples each label description counts as in its class's embedding centroid; a number from
    /// 0 to 1,000,000 (0 ignores descriptions). The default, 1, measured as the safe choice (docs/accuracy.md).
    /// </summary>
    public double LabelDescriptionWeight { get; set; } = 1;

    /// <summary>Creates a copy of these options (the label descriptions are copied too).</summary>
    /// <returns>A new instance with the same values.</returns>
    public FewShotClassifierOptions Clone()
    {
        var clone = (FewShotClassifierOptions)MemberwiseClone();
        clone.LabelDescriptions = new Dictionary<string, string>(LabelDescriptions ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        return clone;
    }
}
