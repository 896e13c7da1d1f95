namespace EmbedClassify;

/// <summary>
/// Represents the result of classifying one input.
/// </summary>
/// <param name="Label">The predicted class label.</param>
/// <param name="Score">The cosine score of the predicted class (the same value as its entry in <paramref name="Scores"/>).</param>
/// <param name="Scores">
/// Every class's score, in the classifier's class order (<see cref="EmbeddingClassifier.Labels"/>).
/// What a class score means depends on the strategy; see <see cref="ClassificationStrategy"/>.
/// </param>
public readonly record struct Prediction(string Label, float Score, IReadOnlyList<ClassScore> Scores);
