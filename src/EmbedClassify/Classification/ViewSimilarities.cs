namespace EmbedClassify;

/// <summary>
/// Represents one view's raw similarity of a text to every class, before calibration: the evidence behind a prediction.
/// </summary>
/// <param name="View">The view's name (<see cref="ClassifierView.EmbeddingName"/> or <see cref="ClassifierView.WordsName"/>).</param>
/// <param name="Scale">The factor the view's similarities are multiplied by before the views are added (see <see cref="ClassifierView.Scale"/>).</param>
/// <param name="Similarities">Each class's raw similarity in this view (a cosine), in the classifier's class order.</param>
public sealed record ViewSimilarities(string View, float Scale, IReadOnlyList<ClassScore> Similarities);
