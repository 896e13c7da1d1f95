namespace EmbedClassify;

/// <summary>
/// Represents how well one class was recognised.
/// </summary>
/// <param name="Label">The class label.</param>
/// <param name="Precision">Of the inputs predicted as this class, the share that belonged to it (0 when none was predicted).</param>
/// <param name="Recall">Of the inputs of this class, the share predicted as it (0 when there were none).</param>
/// <param name="F1">The harmonic mean of precision and recall (0 when both are 0).</param>
/// <param name="Support">The number of test inputs of this class.</param>
public readonly record struct ClassMetrics(string Label, double Precision, double Recall, double F1, int Support);
