namespace EmbedClassify.FineTuning;

/// <summary>The shape of a BERT encoder: what its weight arrays' lengths follow from.</summary>
/// <param name="VocabularySize">Rows of the token embedding table.</param>
/// <param name="HiddenSize">Length of every token state (384 for MiniLM-L6).</param>
/// <param name="HeadCount">Attention heads per layer; <paramref name="HiddenSize"/> is a multiple of it.</param>
/// <param name="IntermediateSize">Width of each layer's feed-forward block (1536 for MiniLM-L6).</param>
/// <param name="LayerCount">Transformer layers (6 for MiniLM-L6).</param>
/// <param name="MaxPositions">Rows of the position embedding table: the longest sequence the model reads.</param>
/// <param name="LayerNormEpsilon">The epsilon every LayerNorm adds to the variance (1e-12 in BERT).</param>
internal sealed record BertConfiguration(
    int VocabularySize,
    int HiddenSize,
    int HeadCount,
    int IntermediateSize,
    int LayerCount,
    int MaxPositions,
    float LayerNormEpsilon)
{
    /// <summary>all-MiniLM-L6-v2's shape.</summary>
    public static BertConfiguration MiniLML6 { get; } = new(30522, 384, 12, 1536, 6, 512, 1e-12f);

    /// <summary>Gets the length of one head's slice of a token state.</summary>
    public int HeadSize => HiddenSize / HeadCount;
}
