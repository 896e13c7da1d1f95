namespace EmbedClassify.FineTuning;

/// <summary>BERT's exact GELU, 0.5·x·(1 + erf(x/√2)), and its derivative.</summary>
internal static class Gelu
{
    private const double InverseSqrt2 = 0.70710678118654752440;

    // 1/√(2π): the standard normal density's constant, the derivative of Φ(x) = 0.5·(1 + erf(x/√2)).
    private const double InverseSqrt2Pi = 0.39894228040143267794;

    /// <summary>Writes GELU(<paramref name="input"/>) to <paramref name="output"/> (they may be the same span).</summary>
    public static void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        for (int i = 0; i < input.Length; i++)
        {
            double x = input[i];
            output[i] = (float)(0.5 * x * (1.0 + ErrorFunction.Erf(x * InverseSqrt2)));
        }
    }

    /// <summary>
    /// Given the pre-activations <paramref name="input"/> and d(loss)/d(GELU output) in <paramref name="gradient"/>,
    /// overwrites <paramref name="gradient"/> with d(loss)/d(input), and writes GELU(input) to
    /// <paramref name="output"/> (the backward pass recomputes it there instead of keeping it from the forward pass).
    /// </summary>
    public static void Backward(ReadOnlySpan<float> input, Span<float> gradient, Span<float> output)
    {
        for (int i = 0; i < input.Length; i++)
        {
            double x = input[i];
            double cdf = 0.5 * (1.0 + ErrorFunction.Erf(x * InverseSqrt2));
            double density = InverseSqrt2Pi * Math.Exp(-0.5 * x * x);
            output[i] = (float)(x * cdf);
            gradient[i] = (float)(gradient[i] * (cdf + x * density));
        }
    }
}
