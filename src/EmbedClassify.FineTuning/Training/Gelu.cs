using System.Runtime.Intrinsics;

namespace EmbedClassify.FineTuning;

/// <summary>BERT's exact GELU, 0.5·x·(1 + erf(x/√2)), and its derivative.</summary>
/// <remarks>
/// Where 256-bit vectors are accelerated, eight lanes at a time evaluate the same Numerical Recipes erfc fit as
/// <see cref="ErrorFunction.Erf"/>, in float, with <see cref="Vector256.Exp(Vector256{float})"/>: the result differs
/// from the scalar double path by a few float ulps (the tests bound it), and GELU is 8–10× cheaper, which matters
/// because it runs on every [tokens, 1536] feed-forward activation twice per training step. The remainder and
/// machines without such vectors use the scalar path.
/// </remarks>
internal static class Gelu
{
    private const double InverseSqrt2 = 0.70710678118654752440;

    // 1/√(2π): the standard normal density's constant, the derivative of Φ(x) = 0.5·(1 + erf(x/√2)).
    private const double InverseSqrt2Pi = 0.39894228040143267794;

    /// <summary>Writes GELU(<paramref name="input"/>) to <paramref name="output"/> (they may be the same span).</summary>
    public static void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= input.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> x = Vector256.Create(input.Slice(i, Vector256<float>.Count));
                (Vector256<float> cdf, _) = NormalCdf(x, density: false);
                (x * cdf).CopyTo(output.Slice(i, Vector256<float>.Count));
            }
        }

        for (; i < input.Length; i++)
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
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= input.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> x = Vector256.Create(input.Slice(i, Vector256<float>.Count));
                (Vector256<float> cdf, Vector256<float> pdf) = NormalCdf(x, density: true);
                (x * cdf).CopyTo(output.Slice(i, Vector256<float>.Count));
                Span<float> g = gradient.Slice(i, Vector256<float>.Count);
                (Vector256.Create((ReadOnlySpan<float>)g) * (cdf + x * pdf)).CopyTo(g);
            }
        }

        for (; i < input.Length; i++)
        {
            double x = input[i];
            double cdf = 0.5 * (1.0 + ErrorFunction.Erf(x * InverseSqrt2));
            double density = InverseSqrt2Pi * Math.Exp(-0.5 * x * x);
            output[i] = (float)(x * cdf);
            gradient[i] = (float)(gradient[i] * (cdf + x * density));
        }
    }

    // Φ(x) = 0.5·(1 + erf(x/√2)) from erfc(z) = t·exp(−z² + P(t)), t = 1/(1 + z/2), z = |x|/√2 (ErrorFunction's fit),
    // and, when asked, the density φ(x) = exp(−x²/2)/√(2π) = exp(−z²)/√(2π).
    private static (Vector256<float> Cdf, Vector256<float> Density) NormalCdf(Vector256<float> x, bool density)
    {
        Vector256<float> z = Vector256.Abs(x) * (float)InverseSqrt2;
        Vector256<float> t = Vector256<float>.One / (Vector256<float>.One + z * 0.5f);
        Vector256<float> p = Vector256.Create(0.17087277f);
        p = p * t + Vector256.Create(-0.82215223f);
        p = p * t + Vector256.Create(1.48851587f);
        p = p * t + Vector256.Create(-1.13520398f);
        p = p * t + Vector256.Create(0.27886807f);
        p = p * t + Vector256.Create(-0.18628806f);
        p = p * t + Vector256.Create(0.09678418f);
        p = p * t + Vector256.Create(0.37409196f);
        p = p * t + Vector256.Create(1.00002368f);
        p = p * t + Vector256.Create(-1.26551223f);
        Vector256<float> negativeSquare = -(z * z);
        Vector256<float> halfErfc = 0.5f * t * Vector256.Exp(negativeSquare + p);

        // x ≥ 0: Φ = 1 − erfc/2; x < 0: Φ = erfc/2.
        Vector256<float> cdf = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), halfErfc, Vector256<float>.One - halfErfc);
        return (cdf, density ? Vector256.Exp(negativeSquare) * (float)InverseSqrt2Pi : default);
    }
}
