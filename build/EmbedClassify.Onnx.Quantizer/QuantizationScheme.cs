namespace EmbedClassify.Onnx.Quantizer;

/// <summary>The choices that define one int8 variant of a graph.</summary>
/// <param name="Form">The operators the quantized MatMuls are written with.</param>
/// <param name="PerColumn">One weight scale per output column (true) or one per weight tensor.</param>
/// <param name="MaxLevel">
/// The largest weight magnitude: 127 uses the full int8 range; 63 ("reduce range") avoids the 16-bit
/// saturation of the u8×s8 instruction (vpmaddubsw) that AVX2 machines without VNNI use.
/// </param>
/// <param name="Selection">Which weight MatMuls are quantized.</param>
/// <param name="FuseBias">In the fused form, whether a following bias Add becomes the operator's bias input.</param>
internal sealed record QuantizationScheme(QuantizationForm Form, bool PerColumn, int MaxLevel, MatMulSelection Selection, bool FuseBias)
{
    /// <summary>The scheme the shipped int8 model is built with (chosen by measurement, docs/accuracy.md).</summary>
    public static QuantizationScheme Default { get; } = new(QuantizationForm.Standard, PerColumn: true, MaxLevel: 127, MatMulSelection.All, FuseBias: true);

    /// <summary>Returns whether a weight of <paramref name="rows"/> × <paramref name="columns"/> is quantized.</summary>
    public bool Includes(long rows, long columns) => Selection switch
    {
        MatMulSelection.FeedForwardOnly => rows != columns,

        // The feed-forward output is the one weight whose inner dimension is the wide intermediate layer.
        MatMulSelection.AllButFeedForwardOutput => rows <= columns,
        _ => true,
    };
}
