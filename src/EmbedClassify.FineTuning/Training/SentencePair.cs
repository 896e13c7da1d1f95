namespace EmbedClassify.FineTuning;

/// <summary>Two sentences of a batch (indices into its pooled vectors) and the cosine similarity they should have.</summary>
/// <param name="First">Index of the first sentence in the batch.</param>
/// <param name="Second">Index of the second sentence in the batch.</param>
/// <param name="Label">The target similarity: 1 for the same class, 0 for different classes in SetFit.</param>
internal readonly record struct SentencePair(int First, int Second, float Label);
