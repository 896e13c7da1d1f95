namespace EmbedClassify;

/// <summary>
/// Represents the score one class received for one input.
/// </summary>
/// <param name="Label">The class label.</param>
/// <param name="Score">
/// How strongly the input belongs to the class; higher is more. For <see cref="EmbeddingClassifier"/> it is a cosine
/// similarity in [-1, 1] (or a probability from <see cref="EmbeddingClassifier.PredictProbabilities"/>); other classifiers
/// document their own scale (for example a probability, or 1 minus a compression distance).
/// </param>
public readonly record struct ClassScore(string Label, float Score);
