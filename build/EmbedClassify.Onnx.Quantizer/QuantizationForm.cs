namespace EmbedClassify.Onnx.Quantizer;

/// <summary>How a quantized MatMul is written into the graph.</summary>
internal enum QuantizationForm
{
    /// <summary>ONNX Runtime's contrib operator <c>com.microsoft.DynamicQuantizeMatMul</c>: one node.</summary>
    Fused,

    /// <summary>Standard ONNX operators: <c>DynamicQuantizeLinear</c>, <c>MatMulInteger</c>, <c>Cast</c>, two <c>Mul</c>.</summary>
    Standard,
}
