namespace EmbedClassify;

/// <summary>
/// Represents one labelled example that explains a prediction: an example near the input, with its similarity.
/// </summary>
/// <param name="Index">The example's position among the examples the classifier was fitted on (in fitting order).</param>
/// <param name="Label">The example's label.</param>
/// <param name="Score">The cosine similarity between the input and the example (in the centered space when centering is on).</param>
/// <param name="Text">The example's text when the classifier knows it (<see cref="FewShotClassifier"/>), otherwise <see langword="null"/>.</param>
public readonly record struct NearestExample(int Index, string Label, float Score, string? Text = null);
