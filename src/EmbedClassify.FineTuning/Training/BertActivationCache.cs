namespace EmbedClassify.FineTuning;

/// <summary>
/// What a training-mode forward pass keeps for the backward pass, and the backward pass's scratch. Reuse one
/// instance across steps: its buffers grow to the largest batch seen and are never shrunk or reallocated after.
/// Only the layers the backward pass reaches keep activations (see <see cref="BertTrainingScope.LowestBackwardLayer"/>).
/// Not thread-safe: one pass at a time.
/// </summary>
internal sealed class BertActivationCache
{
    /// <summary>Creates an empty cache for <paramref name="configuration"/>.</summary>
    public BertActivationCache(BertConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Configuration = configuration;
        Layers = new BertLayerActivations[configuration.LayerCount];
        for (int layer = 0; layer < Layers.Length; layer++)
        {
            Layers[layer] = new BertLayerActivations();
        }
    }

    /// <summary>Gets the encoder's shape.</summary>
    public BertConfiguration Configuration { get; }

    /// <summary>Gets the batch of the last training forward pass, or null before the first.</summary>
    public TokenBatch? Batch { get; internal set; }

    /// <summary>Gets the scope the last training forward pass kept activations for.</summary>
    public BertTrainingScope? Scope { get; internal set; }

    /// <summary>Gets each layer's kept activations.</summary>
    public BertLayerActivations[] Layers { get; }

    /// <summary>Gets the normalised rows of the embedding LayerNorm, [tokens, hidden].</summary>
    public GrowOnlyBuffer EmbeddingNormalized { get; } = new();

    /// <summary>Gets each row's 1/σ of the embedding LayerNorm, [tokens].</summary>
    public GrowOnlyBuffer EmbeddingInverseDeviation { get; } = new();

    /// <summary>Gets scratch buffers shared by the forward and backward passes (hidden-wide unless named otherwise).</summary>
    public GrowOnlyBuffer[] HiddenScratch { get; } = [new(), new(), new(), new(), new(), new(), new(), new()];

    /// <summary>Gets two intermediate-wide scratch buffers.</summary>
    public GrowOnlyBuffer[] IntermediateScratch { get; } = [new(), new()];

    /// <summary>Gets the bytes held by every buffer: the cache's peak, since buffers only grow.</summary>
    public long Bytes
    {
        get
        {
            long bytes = EmbeddingNormalized.Bytes + EmbeddingInverseDeviation.Bytes;
            foreach (BertLayerActivations layer in Layers)
            {
                bytes += layer.Bytes;
            }

            foreach (GrowOnlyBuffer buffer in HiddenScratch)
            {
                bytes += buffer.Bytes;
            }

            foreach (GrowOnlyBuffer buffer in IntermediateScratch)
            {
                bytes += buffer.Bytes;
            }

            return bytes;
        }
    }
}
