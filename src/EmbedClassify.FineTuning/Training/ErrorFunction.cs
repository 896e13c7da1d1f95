namespace EmbedClassify.FineTuning;

/// <summary>The Gauss error function, which .NET does not provide, for BERT's exact (erf) GELU.</summary>
/// <remarks>
/// Uses the Chebyshev-fitted complementary error function of Numerical Recipes (Press et al., 2nd ed., §6.2,
/// <c>erfcc</c>): erfc(x) = t·exp(−x² + P(t)) with t = 1/(1 + |x|/2), whose fractional error is below 1.2e-7
/// everywhere. Evaluated in double, erf = 1 − erfc therefore has an absolute error below 1.2e-7, about one float
/// ulp at 1, which is the precision GELU needs: it uses erf only through 1 + erf. Below |x| = 0.5 the Maclaurin
/// series (eight terms, truncation under 1e-9 relative) is used instead, so that erf is exactly odd, erf(0) = 0, and
/// small arguments keep their relative precision.
/// </remarks>
internal static class ErrorFunction
{
    /// <summary>Computes erf(<paramref name="x"/>) to an absolute error below 1.2e-7.</summary>
    public static double Erf(double x)
    {
        double z = Math.Abs(x);
        if (z < 0.5)
        {
            // erf(x) = 2/√π · Σ (−1)ⁿ x²ⁿ⁺¹ / (n!·(2n + 1)).
            double square = x * x;
            double term = x;
            double sum = x;
            for (int n = 1; n < 8; n++)
            {
                term *= -square / n;
                sum += term / (2 * n + 1);
            }

            return 1.1283791670955126 * sum;
        }

        double t = 1.0 / (1.0 + 0.5 * z);
        double erfc = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
            + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
            + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1.0 - erfc : erfc - 1.0;
    }
}
