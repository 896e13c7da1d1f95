namespace EmbedClassify;

/// <summary>
/// Represents a metric measured over repeated random draws: its mean and a 95% confidence interval for that mean.
/// </summary>
/// <param name="Mean">The mean over the draws.</param>
/// <param name="Lower">The lower end of the 95% confidence interval of the mean (Student's t), or <paramref name="Mean"/> for a single draw.</param>
/// <param name="Upper">The upper end of the 95% confidence interval of the mean, or <paramref name="Mean"/> for a single draw.</param>
/// <param name="StandardDeviation">The sample standard deviation over the draws, or 0 for a single draw.</param>
/// <param name="Count">The number of draws.</param>
public readonly record struct Estimate(double Mean, double Lower, double Upper, double StandardDeviation, int Count)
{
    /// <summary>Returns the mean and interval, for example <c>0.812 [0.795, 0.829]</c>.</summary>
    /// <returns>The formatted estimate.</returns>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Mean:F3} [{Lower:F3}, {Upper:F3}]");

    /// <summary>Computes the estimate of a set of per-draw values.</summary>
    internal static Estimate Of(IReadOnlyList<double> values)
    {
        double mean = MathNet.Numerics.Statistics.Statistics.Mean(values);
        if (values.Count < 2)
        {
            return new Estimate(mean, mean, mean, 0, values.Count);
        }

        double sd = MathNet.Numerics.Statistics.Statistics.StandardDeviation(values);
        double halfWidth = MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, values.Count - 1, 0.975) * sd / Math.Sqrt(values.Count);
        return new Estimate(mean, mean - halfWidth, mean + halfWidth, sd, values.Count);
    }
}
