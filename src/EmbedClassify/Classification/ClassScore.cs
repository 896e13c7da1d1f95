namespace EmbedClassify;

/// <summary>
/// Represents the score one class received for one input.
/// </summary>
/// <param name="Label">The class label.</param>
/// <param name="Score">The cosine similarity between the input and the class, in [-1, 1].</param>
public readonly record struct ClassScore(string Label, float Score);
