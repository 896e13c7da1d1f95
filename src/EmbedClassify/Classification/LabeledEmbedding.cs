namespace EmbedClassify;

/// <summary>
/// Represents one labelled training vector, for callers that already hold embeddings (for example from a cache).
/// </summary>
/// <param name="Label">The class the vector belongs to. Labels are compared ordinally (case-sensitive).</param>
/// <param name="Vector">The embedding. It need not be normalized; it must be finite and not all zeros.</param>
public readonly record struct LabeledEmbedding(string Label, ReadOnlyMemory<float> Vector);
