namespace EmbedClassify.Onnx.Quantizer;

/// <summary>Symmetric int8 quantization of a row-major [rows, columns] weight matrix.</summary>
internal static class WeightQuantizer
{
    /// <summary>
    /// Quantizes <paramref name="weights"/> to integers in [−<paramref name="maxLevel"/>, <paramref name="maxLevel"/>]
    /// with zero point 0, so that <c>weights[r, c] ≈ values[r, c] × scales[c]</c> (or × scales[0] per tensor).
    /// </summary>
    public static QuantizedWeight Quantize(float[] weights, int rows, int columns, bool perColumn, int maxLevel)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(weights.Length, rows * columns, nameof(weights));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLevel, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxLevel, 127);

        var absMax = new float[perColumn ? columns : 1];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                int slot = perColumn ? c : 0;
                absMax[slot] = MathF.Max(absMax[slot], MathF.Abs(weights[(r * columns) + c]));
            }
        }

        // An all-zero column keeps scale 1 so dequantization never divides by zero; its values are 0 anyway.
        float[] scales = [.. absMax.Select(m => m > 0f ? m / maxLevel : 1f)];
        var values = new sbyte[weights.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                float scale = scales[perColumn ? c : 0];
                float level = MathF.Round(weights[(r * columns) + c] / scale, MidpointRounding.ToEven);
                values[(r * columns) + c] = (sbyte)Math.Clamp(level, -maxLevel, maxLevel);
            }
        }

        return new QuantizedWeight(values, scales);
    }
}
