namespace EmbedClassify;

/// <summary>
/// Represents the result of classifying one input.
/// </summary>
/// <param name="Label">The predicted class label.</param>
/// <param name="Score">The score of the predicted class (the same value as its entry in <paramref name="Scores"/>): a cosine for <see cref="EmbeddingClassifier"/>, otherwise on the scale the classifier documents.</param>
/// <param name="Scores">
/// Every class's score, in the classifier's class order (<see cref="EmbeddingClassifier.Labels"/>).
/// What a class score means depends on the strategy; see <see cref="ClassificationStrategy"/>.
/// </param>
public readonly record struct Prediction(string Label, float Score, IReadOnlyList<ClassScore> Scores)
{
    /// <summary>
    /// Gets a value indicating whether the input is farther from every class than the classifier's examples are from
    /// their own (<see cref="EmbeddingClassifier.UnknownThreshold"/>): a text that belongs to none of the classes.
    /// <see cref="Label"/> still names the nearest class. Always <see langword="false"/> unless
    /// <see cref="FewShotClassifierOptions.DetectUnknown"/> is set.
    /// </summary>
    public bool IsUnknown { get; init; }

    /// <summary>
    /// Gets the cosine similarity between the input's embedding and the mean embedding of the predicted class's
    /// examples (as given: not centered, not refined on unlabelled texts), whatever the strategy, for predictions of
    /// <see cref="FewShotClassifier"/>; <see langword="null"/> otherwise (<see cref="EmbeddingClassifier.Predict"/> leaves
    /// it out to stay one scoring pass). <see cref="DriftMonitor"/> compares it with the examples' own similarities to
    /// notice texts unlike the examples.
    /// </summary>
    public float? EmbeddingSimilarity { get; init; }
}
