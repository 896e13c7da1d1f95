namespace EmbedClassify.Onnx.Quantizer;

/// <summary>Which of a BERT layer's weight MatMuls are quantized.</summary>
internal enum MatMulSelection
{
    /// <summary>All six: query, key, value, attention output, feed-forward in and out.</summary>
    All,

    /// <summary>The two feed-forward MatMuls only (the non-square weights), two thirds of the multiply-adds.</summary>
    FeedForwardOnly,

    /// <summary>All but the feed-forward output (the one that reads the GELU activations).</summary>
    AllButFeedForwardOutput,
}
