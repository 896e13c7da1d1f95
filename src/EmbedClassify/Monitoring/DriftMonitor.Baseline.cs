namespace EmbedClassify;

public sealed partial class DriftMonitor
{
    // The baseline window: each class's expected count in a window drawn from its mix, and how far the current window's
    // counts are from those in all (the sum of |count - expected|), kept as counts move so a check is O(1).
    private readonly double[] _baselineExpected;
    private double _baselineDeviation;
    private double _classMixThreshold;
    private double _baselineConfidenceMean;
    private double _baselineConfidenceSpread;
    private bool _hasBaseline;

    /// <summary>Takes the full window as the baseline: O(window + classes), once.</summary>
    private void CaptureBaseline()
    {
        int n = _count;
        int classCount = _classCounts.Length;
        double confidenceMean = _confidenceSum / n;
        double squares = 0;
        for (int i = 0; i < n; i++)
        {
            double d = _confidences[i] - confidenceMean;
            squares += d * d;
        }

        _baselineConfidenceMean = confidenceMean;
        _baselineConfidenceSpread = Math.Sqrt(squares / (n - 1));

        // Two windows of n drawn from the same mix differ in class c by a count of variance 2·n·p(1 - p); its absolute
        // value has mean sqrt(2/π)·sd and variance (1 - 2/π)·variance. Classes the baseline never saw still turn up:
        // Good-Turing puts their total share at the baseline's share of classes seen once, each such prediction adding
        // fully to the distance.
        double expected = 0;
        double variance = 0;
        int seenOnce = 0;
        for (int c = 0; c < classCount; c++)
        {
            int count = _classCounts[c];
            _baselineExpected[c] = count;
            double p = (double)count / n;
            double countVariance = 2 * n * p * (1 - p);
            expected += Math.Sqrt(2 / Math.PI * countVariance);
            variance += (1 - (2 / Math.PI)) * countVariance;
            if (count == 1)
            {
                seenOnce++;
            }
        }

        double unseen = (double)seenOnce / n;
        expected += unseen * n;
        variance += unseen * n;
        _classMixThreshold = (expected + (_z * Math.Sqrt(variance))) / (2.0 * n);
        _baselineDeviation = 0;
        _hasBaseline = true;
    }

    /// <summary>Moves class <paramref name="c"/>'s count by <paramref name="delta"/> in the baseline deviation (the count itself has already moved).</summary>
    private void MoveBaseline(int c, int delta)
    {
        if (!_hasBaseline)
        {
            return;
        }

        double expected = _baselineExpected[c];
        int now = _classCounts[c];
        _baselineDeviation += Math.Abs(now - expected) - Math.Abs(now - delta - expected);
    }

    /// <summary>The total-variation distance of the (full) window from the baseline's mix.</summary>
    private double BaselineDistance() => Math.Max(0, _baselineDeviation) / (2.0 * _count);

    private double ConfidenceThreshold(int n) =>
        _baselineConfidenceMean - (_z * _baselineConfidenceSpread * Math.Sqrt((1.0 / n) + (1.0 / _classes.Length)));
}
