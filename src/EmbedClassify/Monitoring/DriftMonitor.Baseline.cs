using MathNet.Numerics.Distributions;

namespace EmbedClassify;

public sealed partial class DriftMonitor
{
    // The baseline window's class counts, and the two-sample chi-square statistic of the current window against them,
    // Σ (a - b)² / (a + b) over classes with a + b > 0, kept as counts move so that a check is O(1).
    private readonly int[] _baselineCounts;
    private readonly double[] _chiSquareThresholds;
    private double _chiSquare;
    private int _occupiedClasses;
    private double _baselineConfidenceMean;
    private double _baselineConfidenceSpread;
    private double _baselineUnknownShare;
    private bool _hasBaseline;

    // The baseline window's similarity shifts: once it is full, the similarity check compares with production's own
    // level instead of the examples'. NaN spread: the window had too few similarities to take over.
    private double _baselineShiftMean;
    private double _baselineShiftSpread = double.NaN;
    private int _baselineShiftCount;

    /// <summary>Takes the full window as the baseline: O(window + classes), once.</summary>
    private void CaptureBaseline()
    {
        int n = _count;
        double confidenceMean = _confidenceSum / n;
        double squares = 0;
        for (int i = 0; i < n; i++)
        {
            double d = _confidences[i] - confidenceMean;
            squares += d * d;
        }

        _baselineConfidenceMean = confidenceMean;
        _baselineConfidenceSpread = Math.Sqrt(squares / (n - 1));
        _baselineUnknownShare = (double)_unknownCount / n;
        CaptureSimilarityBaseline();
        Array.Copy(_classCounts, _baselineCounts, _classCounts.Length);
        _occupiedClasses = _classCounts.Count(count => count > 0);
        _chiSquare = 0;
        _baselineThresholdCount = -1;
        _hasBaseline = true;
    }

    /// <summary>
    /// Takes the window's similarity shifts as the similarity check's reference. The examples' leave-one-out level is
    /// only a guess at production's: examples picked because they were hard (as the labelling loop's suggestions are)
    /// sit far from their classes, so texts from the same collection showed shifts of +0.65 to +1.2 on the
    /// spam e-mails, and State of the Union passages replacing one class never got below the examples' threshold.
    /// </summary>
    private void CaptureSimilarityBaseline()
    {
        _baselineShiftSpread = double.NaN;
        _similarityThresholdCount = -1;
        if (!_reference.IsAvailable || _shiftCount < 2)
        {
            return;
        }

        double mean = _shiftSum / _shiftCount;
        double squares = 0;
        for (int i = 0; i < _count; i++)
        {
            if (!float.IsNaN(_shifts[i]))
            {
                double d = _shifts[i] - mean;
                squares += d * d;
            }
        }

        double spread = Math.Sqrt(squares / (_shiftCount - 1));
        if (spread > 1e-9)
        {
            _baselineShiftMean = mean;
            _baselineShiftSpread = spread;
            _baselineShiftCount = _shiftCount;
        }
    }

    /// <summary>Whether the similarity check compares with the baseline window (else with the examples).</summary>
    private bool SimilarityFromBaseline => _hasBaseline && !double.IsNaN(_baselineShiftSpread);

    /// <summary>The similarity shift the check counts as normal: the baseline window's mean, or 0 (the examples' level).</summary>
    private double SimilarityReferenceShift => SimilarityFromBaseline ? _baselineShiftMean : 0;

    /// <summary>
    /// The shift below which a window of <paramref name="n"/> similarities is drift: against the baseline, both windows'
    /// noise at the sliding-window quantile (as for confidence); before it, the examples' bound.
    /// </summary>
    private double SimilarityThreshold(int n) => SimilarityFromBaseline
        ? _baselineShiftMean - (_z * _baselineShiftSpread * Math.Sqrt((1.0 / n) + (1.0 / _baselineShiftCount)))
        : _reference.Threshold(n);

    /// <summary>Updates the chi-square statistic for class <paramref name="c"/>, whose count has just moved by <paramref name="delta"/>.</summary>
    private void MoveBaseline(int c, int delta)
    {
        if (!_hasBaseline)
        {
            return;
        }

        int b = _baselineCounts[c];
        int now = _classCounts[c];
        int before = now - delta;
        _chiSquare += Term(now, b) - Term(before, b);
        if (before + b == 0)
        {
            _occupiedClasses++;
        }
        else if (now + b == 0)
        {
            _occupiedClasses--;
        }

        static double Term(int a, int b) => a + b == 0 ? 0 : (double)(a - b) * (a - b) / (a + b);
    }

    /// <summary>The chi-square quantile for the classes seen in either window, computed once per degree of freedom.</summary>
    private double ChiSquareThreshold()
    {
        int degreesOfFreedom = _occupiedClasses - 1;
        if (degreesOfFreedom < 1)
        {
            return double.PositiveInfinity;
        }

        double threshold = _chiSquareThresholds[degreesOfFreedom];
        if (threshold == 0)
        {
            threshold = ChiSquared.InvCDF(degreesOfFreedom, 1 - _checkTail);
            _chiSquareThresholds[degreesOfFreedom] = threshold;
        }

        return threshold;
    }

    /// <summary>The total-variation distance of the window's class mix from the baseline's: O(classes), for snapshots.</summary>
    private double BaselineDistance()
    {
        double sum = 0;
        for (int c = 0; c < _classCounts.Length; c++)
        {
            sum += Math.Abs(((double)_classCounts[c] / _count) - ((double)_baselineCounts[c] / _classes.Length));
        }

        return sum / 2;
    }

    // Two windows' binomial noise around the baseline's share, which is kept off 0 by half a prediction: a baseline
    // with no unknown text would otherwise alarm at the first one.
    private double UnknownShareThreshold(int n)
    {
        double p = Math.Max(_baselineUnknownShare, 0.5 / _classes.Length);
        return _baselineUnknownShare + (_z * Math.Sqrt(p * (1 - p) * ((1.0 / n) + (1.0 / _classes.Length)))) + (0.5 / n);
    }

    // Both windows' noise at the sliding-window quantile: the baseline's error is one draw for the whole stream, and
    // checking it at the one-check quantile instead let an unlucky baseline raise hundreds of times in 1,000 windows.
    private double ConfidenceThreshold(int n) =>
        _baselineConfidenceMean - (_z * _baselineConfidenceSpread * Math.Sqrt((1.0 / n) + (1.0 / _classes.Length)));

    /// <summary>
    /// Returns the normal quantile z at which a statistic averaged over a sliding window of <paramref name="window"/>
    /// crosses with probability <paramref name="falseAlarmRate"/> per window of predictions when nothing drifted.
    /// </summary>
    /// <remarks>
    /// Checked after every prediction, a sliding window's mean crosses far more often than one check's tail says: the
    /// standardized mean moves by a step of variance 2/window per prediction, so it up-crosses z about
    /// φ(z)/√(π·window) times per prediction (Rice's formula for the step), φ(z)·√(window/π) times per window, plus
    /// the chance 1 - Φ(z) of already being above. Solving that for z makes the option mean what it says over a long
    /// stream (at 20,000 predictions and a window of 200, the per-check quantile 3.09 crossed about 3 times; this one,
    /// about 3.9, crosses about 0.1 times).
    /// </remarks>
    private static double ScanQuantile(double falseAlarmRate, int window)
    {
        double low = 0;
        double high = 40;
        for (int i = 0; i < 100; i++)
        {
            double z = (low + high) / 2;
            double rate = (Normal.PDF(0, 1, z) * Math.Sqrt(window / Math.PI)) + (1 - Normal.CDF(0, 1, z));
            (low, high) = rate > falseAlarmRate ? (z, high) : (low, z);
        }

        return high;
    }
}
