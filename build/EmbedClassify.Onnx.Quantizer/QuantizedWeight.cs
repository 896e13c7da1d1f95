namespace EmbedClassify.Onnx.Quantizer;

/// <summary>An int8 weight matrix and its scales (one per column, or one for the tensor).</summary>
internal sealed record QuantizedWeight(sbyte[] Values, float[] Scales);
