using System.Numerics.Tensors;

namespace EmbedClassify.FineTuning;

/// <summary>Row-wise LayerNorm over [rows, width] matrices: forward (optionally keeping what backward needs) and backward.</summary>
internal static class LayerNorm
{
    /// <summary>
    /// output = (x − mean) / √(variance + ε) · scale + bias for each row of <paramref name="input"/>. When
    /// <paramref name="normalized"/> is not empty it receives the normalised rows (before scale and bias) and
    /// <paramref name="inverseDeviation"/> each row's 1/√(variance + ε), which is all <see cref="Backward"/> needs.
    /// <paramref name="output"/> may be <paramref name="input"/>.
    /// </summary>
    public static void Forward(
        ReadOnlySpan<float> input,
        ReadOnlySpan<float> scale,
        ReadOnlySpan<float> bias,
        float epsilon,
        int rows,
        Span<float> output,
        Span<float> normalized,
        Span<float> inverseDeviation)
    {
        int width = scale.Length;
        bool keep = !normalized.IsEmpty;
        for (int row = 0; row < rows; row++)
        {
            ReadOnlySpan<float> x = input.Slice(row * width, width);
            Span<float> y = output.Slice(row * width, width);
            float mean = TensorPrimitives.Sum(x) / width;
            TensorPrimitives.Subtract(x, mean, y);
            float variance = TensorPrimitives.SumOfSquares(y) / width;
            float inverse = 1f / MathF.Sqrt(variance + epsilon);
            TensorPrimitives.Multiply(y, inverse, y);
            if (keep)
            {
                y.CopyTo(normalized.Slice(row * width, width));
                inverseDeviation[row] = inverse;
            }

            TensorPrimitives.FusedMultiplyAdd(y, scale, bias, y);
        }
    }

    /// <summary>
    /// Given d(loss)/d(output) in <paramref name="gradient"/>, adds d(loss)/d(scale) and d(loss)/d(bias) into
    /// <paramref name="scaleGradient"/> and <paramref name="biasGradient"/> (skipped when they are empty) and writes
    /// d(loss)/d(input) to <paramref name="inputGradient"/>, which may be <paramref name="gradient"/>.
    /// </summary>
    public static void Backward(
        ReadOnlySpan<float> gradient,
        ReadOnlySpan<float> normalized,
        ReadOnlySpan<float> inverseDeviation,
        ReadOnlySpan<float> scale,
        int rows,
        Span<float> inputGradient,
        Span<float> scaleGradient,
        Span<float> biasGradient)
    {
        int width = scale.Length;
        bool parameters = !scaleGradient.IsEmpty;
        float[] buffer = System.Buffers.ArrayPool<float>.Shared.Rent(width);
        Span<float> normalizedGradient = buffer.AsSpan(0, width);
        for (int row = 0; row < rows; row++)
        {
            ReadOnlySpan<float> dy = gradient.Slice(row * width, width);
            ReadOnlySpan<float> xhat = normalized.Slice(row * width, width);
            if (parameters)
            {
                TensorPrimitives.FusedMultiplyAdd(dy, xhat, scaleGradient, scaleGradient);
                TensorPrimitives.Add(biasGradient, dy, biasGradient);
            }

            TensorPrimitives.Multiply(dy, scale, normalizedGradient);
            float meanGradient = TensorPrimitives.Sum(normalizedGradient) / width;
            float meanProjection = TensorPrimitives.Dot(normalizedGradient, xhat) / width;

            // dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) / σ: the normalisation's Jacobian applied to dx̂.
            Span<float> dx = inputGradient.Slice(row * width, width);
            TensorPrimitives.MultiplyAdd(xhat, -meanProjection, normalizedGradient, dx);
            TensorPrimitives.Add(dx, -meanGradient, dx);
            TensorPrimitives.Multiply(dx, inverseDeviation[row], dx);
        }

        System.Buffers.ArrayPool<float>.Shared.Return(buffer);
    }
}
