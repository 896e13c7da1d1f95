namespace EmbedClassify;

/// <summary>
/// Represents a prediction with the evidence behind it, from <see cref="FewShotClassifier.ExplainAsync"/>.
/// </summary>
/// <param name="Prediction">The prediction, with calibrated probabilities.</param>
/// <param name="Views">Each view's raw similarities to every class and the factor it was weighed with.</param>
/// <param name="NearestExamples">The labelled examples nearest to the text in the embedding view, most similar first.</param>
public sealed record PredictionExplanation(Prediction Prediction, IReadOnlyList<ViewSimilarities> Views, IReadOnlyList<NearestExample> NearestExamples);
