namespace EmbedClassify.FineTuning;

/// <summary>
/// One transformer layer's parameters. Matrices are row-major in the ONNX MatMul layout [input, output] (the
/// transpose of PyTorch's Linear.weight), so that reading them from the graph and writing them back is a copy.
/// </summary>
internal sealed class BertLayerWeights
{
    /// <summary>Creates a layer of zeros shaped by <paramref name="configuration"/>.</summary>
    public BertLayerWeights(BertConfiguration configuration)
    {
        int hidden = configuration.HiddenSize;
        int intermediate = configuration.IntermediateSize;
        Query = new float[hidden * hidden];
        QueryBias = new float[hidden];
        Key = new float[hidden * hidden];
        KeyBias = new float[hidden];
        Value = new float[hidden * hidden];
        ValueBias = new float[hidden];
        AttentionOutput = new float[hidden * hidden];
        AttentionOutputBias = new float[hidden];
        AttentionNormScale = new float[hidden];
        AttentionNormBias = new float[hidden];
        Intermediate = new float[hidden * intermediate];
        IntermediateBias = new float[intermediate];
        Output = new float[intermediate * hidden];
        OutputBias = new float[hidden];
        OutputNormScale = new float[hidden];
        OutputNormBias = new float[hidden];
    }

    /// <summary>Gets the query projection, [hidden, hidden].</summary>
    public float[] Query { get; }

    /// <summary>Gets the query bias, [hidden].</summary>
    public float[] QueryBias { get; }

    /// <summary>Gets the key projection, [hidden, hidden].</summary>
    public float[] Key { get; }

    /// <summary>Gets the key bias, [hidden].</summary>
    public float[] KeyBias { get; }

    /// <summary>Gets the value projection, [hidden, hidden].</summary>
    public float[] Value { get; }

    /// <summary>Gets the value bias, [hidden].</summary>
    public float[] ValueBias { get; }

    /// <summary>Gets the attention output projection, [hidden, hidden].</summary>
    public float[] AttentionOutput { get; }

    /// <summary>Gets the attention output bias, [hidden].</summary>
    public float[] AttentionOutputBias { get; }

    /// <summary>Gets the scale (gamma) of the LayerNorm after attention, [hidden].</summary>
    public float[] AttentionNormScale { get; }

    /// <summary>Gets the bias (beta) of the LayerNorm after attention, [hidden].</summary>
    public float[] AttentionNormBias { get; }

    /// <summary>Gets the feed-forward input projection, [hidden, intermediate].</summary>
    public float[] Intermediate { get; }

    /// <summary>Gets the feed-forward input bias, [intermediate].</summary>
    public float[] IntermediateBias { get; }

    /// <summary>Gets the feed-forward output projection, [intermediate, hidden].</summary>
    public float[] Output { get; }

    /// <summary>Gets the feed-forward output bias, [hidden].</summary>
    public float[] OutputBias { get; }

    /// <summary>Gets the scale (gamma) of the LayerNorm after the feed-forward block, [hidden].</summary>
    public float[] OutputNormScale { get; }

    /// <summary>Gets the bias (beta) of the LayerNorm after the feed-forward block, [hidden].</summary>
    public float[] OutputNormBias { get; }

    /// <summary>
    /// Lists the parameters with their Hugging Face names relative to the layer (for example
    /// <c>attention.self.query.weight</c>), matrices first within each block.
    /// </summary>
    public IEnumerable<(string Name, float[] Values)> Parameters()
    {
        yield return ("attention.self.query.weight", Query);
        yield return ("attention.self.query.bias", QueryBias);
        yield return ("attention.self.key.weight", Key);
        yield return ("attention.self.key.bias", KeyBias);
        yield return ("attention.self.value.weight", Value);
        yield return ("attention.self.value.bias", ValueBias);
        yield return ("attention.output.dense.weight", AttentionOutput);
        yield return ("attention.output.dense.bias", AttentionOutputBias);
        yield return ("attention.output.LayerNorm.weight", AttentionNormScale);
        yield return ("attention.output.LayerNorm.bias", AttentionNormBias);
        yield return ("intermediate.dense.weight", Intermediate);
        yield return ("intermediate.dense.bias", IntermediateBias);
        yield return ("output.dense.weight", Output);
        yield return ("output.dense.bias", OutputBias);
        yield return ("output.LayerNorm.weight", OutputNormScale);
        yield return ("output.LayerNorm.bias", OutputNormBias);
    }
}
