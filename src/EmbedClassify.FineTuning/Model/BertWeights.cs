namespace EmbedClassify.FineTuning;

/// <summary>
/// Every parameter of a BERT encoder as plain float arrays: what the trainer reads and updates, and what is read from
/// and written back into the ONNX graph. Gradients and optimizer moments use the same type, so that one walk over
/// <see cref="Parameters"/> pairs them up.
/// </summary>
internal sealed class BertWeights
{
    /// <summary>Creates weights of zeros shaped by <paramref name="configuration"/>.</summary>
    public BertWeights(BertConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Configuration = configuration;
        int hidden = configuration.HiddenSize;
        WordEmbeddings = new float[configuration.VocabularySize * hidden];
        PositionEmbeddings = new float[configuration.MaxPositions * hidden];
        TokenTypeEmbeddings = new float[2 * hidden];
        EmbeddingNormScale = new float[hidden];
        EmbeddingNormBias = new float[hidden];
        Layers = new BertLayerWeights[configuration.LayerCount];
        for (int layer = 0; layer < Layers.Length; layer++)
        {
            Layers[layer] = new BertLayerWeights(configuration);
        }
    }

    /// <summary>Gets the encoder's shape.</summary>
    public BertConfiguration Configuration { get; }

    /// <summary>Gets the token embedding table, [vocabulary, hidden].</summary>
    public float[] WordEmbeddings { get; }

    /// <summary>Gets the position embedding table, [max positions, hidden].</summary>
    public float[] PositionEmbeddings { get; }

    /// <summary>Gets the token type embedding table, [2, hidden]; single-segment input uses row 0 only.</summary>
    public float[] TokenTypeEmbeddings { get; }

    /// <summary>Gets the scale (gamma) of the LayerNorm over the summed embeddings, [hidden].</summary>
    public float[] EmbeddingNormScale { get; }

    /// <summary>Gets the bias (beta) of the LayerNorm over the summed embeddings, [hidden].</summary>
    public float[] EmbeddingNormBias { get; }

    /// <summary>Gets the transformer layers, bottom first.</summary>
    public BertLayerWeights[] Layers { get; }

    /// <summary>
    /// Lists every parameter with its Hugging Face name (<c>embeddings.word_embeddings.weight</c>,
    /// <c>encoder.layer.3.output.dense.bias</c>...), in a fixed order: embeddings first, then the layers bottom up.
    /// </summary>
    public IEnumerable<(string Name, float[] Values)> Parameters()
    {
        yield return ("embeddings.word_embeddings.weight", WordEmbeddings);
        yield return ("embeddings.position_embeddings.weight", PositionEmbeddings);
        yield return ("embeddings.token_type_embeddings.weight", TokenTypeEmbeddings);
        yield return ("embeddings.LayerNorm.weight", EmbeddingNormScale);
        yield return ("embeddings.LayerNorm.bias", EmbeddingNormBias);
        for (int layer = 0; layer < Layers.Length; layer++)
        {
            foreach ((string name, float[] values) in Layers[layer].Parameters())
            {
                yield return ($"encoder.layer.{layer}.{name}", values);
            }
        }
    }

    /// <summary>Creates a deep copy.</summary>
    public BertWeights Clone()
    {
        var copy = new BertWeights(Configuration);
        using IEnumerator<(string Name, float[] Values)> target = copy.Parameters().GetEnumerator();
        foreach ((_, float[] values) in Parameters())
        {
            target.MoveNext();
            values.AsSpan().CopyTo(target.Current.Values);
        }

        return copy;
    }
}
