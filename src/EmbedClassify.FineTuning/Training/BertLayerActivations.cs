namespace EmbedClassify.FineTuning;

/// <summary>
/// What one layer's forward pass keeps for the backward pass; every buffer is [tokens, width] row-major. The attention
/// probabilities and the attention LayerNorm's output are not kept: the backward pass recomputes them cheaply.
/// </summary>
internal sealed class BertLayerActivations
{
    /// <summary>Gets the layer's input, [tokens, hidden].</summary>
    public GrowOnlyBuffer Input { get; } = new();

    /// <summary>Gets the query projections, [tokens, hidden].</summary>
    public GrowOnlyBuffer Query { get; } = new();

    /// <summary>Gets the key projections, [tokens, hidden].</summary>
    public GrowOnlyBuffer Key { get; } = new();

    /// <summary>Gets the value projections, [tokens, hidden].</summary>
    public GrowOnlyBuffer Value { get; } = new();

    /// <summary>Gets the attention context (the heads' weighted values, concatenated), [tokens, hidden].</summary>
    public GrowOnlyBuffer Context { get; } = new();

    /// <summary>Gets the normalised rows of the LayerNorm after attention, [tokens, hidden].</summary>
    public GrowOnlyBuffer AttentionNormalized { get; } = new();

    /// <summary>Gets each row's 1/σ of the LayerNorm after attention, [tokens].</summary>
    public GrowOnlyBuffer AttentionInverseDeviation { get; } = new();

    /// <summary>Gets the feed-forward pre-activations (GELU's input), [tokens, intermediate].</summary>
    public GrowOnlyBuffer Intermediate { get; } = new();

    /// <summary>Gets the normalised rows of the LayerNorm after the feed-forward block, [tokens, hidden].</summary>
    public GrowOnlyBuffer OutputNormalized { get; } = new();

    /// <summary>Gets each row's 1/σ of the LayerNorm after the feed-forward block, [tokens].</summary>
    public GrowOnlyBuffer OutputInverseDeviation { get; } = new();

    /// <summary>Gets the bytes held by this layer's buffers.</summary>
    public long Bytes =>
        Input.Bytes + Query.Bytes + Key.Bytes + Value.Bytes + Context.Bytes
        + AttentionNormalized.Bytes + AttentionInverseDeviation.Bytes + Intermediate.Bytes
        + OutputNormalized.Bytes + OutputInverseDeviation.Bytes;
}
