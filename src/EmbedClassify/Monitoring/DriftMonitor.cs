using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace EmbedClassify;

/// <summary>
/// Watches the predictions a running <see cref="FewShotClassifier"/> makes and tells when production stops looking like
/// the examples: over a window of the most recent predictions it keeps the share of unknown texts, the mean calibrated
/// confidence, the class mix, and how close the texts are to their classes in embedding space compared with the
/// examples; it publishes them as gauges and raises <see cref="DriftDetected"/> when one crosses its threshold.
/// </summary>
/// <remarks>
/// <para>
/// Feed it every prediction with <see cref="Observe(Prediction)"/> (from <see cref="FewShotClassifier.PredictAsync"/>,
/// <see cref="FewShotClassifier.PredictBatchAsync"/> or the streaming API). Each call costs a few array writes under a
/// lock, independent of the window size and the number of classes; memory is about 13 bytes per prediction of the
/// window plus about 50 bytes per class, whatever the stream's length.
/// </para>
/// <para>
/// Thresholds, each set so that a statistic crosses about <see cref="DriftMonitorOptions.FalseAlarmRate"/> times per
/// <see cref="DriftMonitorOptions.WindowSize"/> predictions when nothing drifted, although it is checked after every
/// prediction:
/// </para>
/// <list type="bullet">
/// <item><description>
/// <see cref="DriftSignal.Similarity"/>, calibrated on the examples when the monitor is created: each example's
/// cosine to the mean of the other examples of its class (leave-one-out) gives each class's expected
/// <see cref="Prediction.EmbeddingSimilarity"/> and the spread around it, and each prediction's shift is its
/// similarity minus its class's expected one, over that spread. Until the baseline window is full, the window's mean
/// shift is compared with a bound that counts both the window's noise and the uncertainty of means taken from a few
/// examples (Student's t); held-out examples are slightly farther from their class than new texts are from the full
/// class, so that check errs towards silence. From the baseline on, the mean shift is compared with the baseline
/// window's, counting both windows' noise, as confidence is: examples chosen because they were hard (the labelling
/// loop's) are not typical of production, and compared with them a whole class replaced by other texts went unnoticed.
/// With no class of two examples there is nothing to standardize by, and the similarity is reported but not checked.
/// </description></item>
/// <item><description>
/// <see cref="DriftSignal.UnknownShare"/> (only when the classifier detects unknown texts), <see cref="DriftSignal.Confidence"/>
/// and <see cref="DriftSignal.ClassMix"/>, calibrated on the baseline: the first full window (<see cref="ResetBaseline"/>
/// takes the current window instead). The few examples cannot say what production's class mix or confidence is, nor
/// even its unknown share: the unknown threshold is the 5th percentile of as few as 20 held-out probabilities, and on
/// the spam e-mails it flagged 1% to 9% of texts from the same collection depending on the examples drawn. Unknown
/// share: a normal bound above the baseline's share, counting both windows' binomial noise. Confidence: a normal bound
/// below the baseline's mean, counting the noise of both windows. Class mix: the two-sample chi-square test of the
/// window's class counts against the baseline's, Σ (a − b)² / (a + b) over the classes seen in either, against the
/// chi-square quantile with one degree of freedom fewer than those classes. Counting the baseline's noise like the
/// window's errs towards silence (measured: no class-mix alarm in 1,000 steady windows where 50 crossings were allowed).
/// </description></item>
/// </list>
/// <para>
/// An event is raised when a statistic crosses its threshold, once, and again only after it has come back at least
/// halfway from the threshold to its reference value (so that a window hovering at the threshold raises once).
/// Handlers run on the thread that called <see cref="Observe(Prediction)"/>, after the monitor's lock is released.
/// </para>
/// <para>
/// All members are thread-safe. The gauges (<see cref="EmbedClassifyTelemetry.DriftUnknownShareInstrumentName"/> and the
/// others) report every monitor that has not been disposed, tagged with <see cref="DriftMonitorOptions.Name"/>.
/// </para>
/// </remarks>
public sealed partial class DriftMonitor : IDisposable
{
    private const int SignalCount = 4;

    private readonly Lock _lock = new();
    private readonly DriftMonitorOptions _options;
    private readonly IReadOnlyList<string> _labels;
    private readonly Dictionary<string, int> _labelIndex;
    private readonly Dictionary<string, int> _labelInstanceIndex;
    private readonly bool _detectUnknown;
    private readonly double _z;
    private readonly double _checkTail;

    // The window, a ring of the last WindowSize predictions. _shifts is NaN for a prediction without a similarity.
    private readonly int[] _classes;
    private readonly float[] _confidences;
    private readonly float[] _shifts;
    private readonly bool[] _unknown;
    private readonly int[] _classCounts;
    private int _next;
    private int _count;
    private long _total;
    private double _confidenceSum;
    private double _shiftSum;
    private double _referenceSum;
    private int _shiftCount;
    private int _unknownCount;

    // What was raised and not yet cleared, per DriftSignal.
    private readonly bool[] _raised = new bool[SignalCount];

    // Thresholds of the last check and the window counts they were computed for; -1 forces a computation.
    private int _similarityThresholdCount = -1;
    private double _similarityThreshold;
    private int _baselineThresholdCount = -1;
    private double _shareThreshold;
    private double _confidenceThreshold;
    private bool _disposed;

    /// <summary>
    /// Initializes a new instance of the <see cref="DriftMonitor"/> class for the predictions of
    /// <paramref name="classifier"/>, calibrating the similarity check on its examples.
    /// </summary>
    /// <param name="classifier">The classifier whose predictions will be observed.</param>
    /// <param name="options">The settings, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="classifier"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> holds a bad setting (the message names each).</exception>
    public DriftMonitor(FewShotClassifier classifier, DriftMonitorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        options = options?.Clone() ?? new DriftMonitorOptions();
        List<string> failures = options.Failures();
        if (failures.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", failures), nameof(options));
        }

        _options = options;
        _labels = classifier.Labels;
        _labelIndex = new Dictionary<string, int>(_labels.Count, StringComparer.Ordinal);
        _labelInstanceIndex = new Dictionary<string, int>(_labels.Count, ReferenceEqualityComparer.Instance);
        for (int c = 0; c < _labels.Count; c++)
        {
            _labelIndex[_labels[c]] = c;
            _labelInstanceIndex[_labels[c]] = c;
        }

        _detectUnknown = classifier.Options.DetectUnknown;
        _z = ScanQuantile(options.FalseAlarmRate, options.WindowSize);
        _checkTail = 1 - MathNet.Numerics.Distributions.Normal.CDF(0, 1, _z);
        _classes = new int[options.WindowSize];
        _confidences = new float[options.WindowSize];
        _shifts = new float[options.WindowSize];
        _unknown = new bool[options.WindowSize];
        _classCounts = new int[_labels.Count];
        _reference = SimilarityReference.Of(classifier.Model, options.FalseAlarmRate, _z);
        _exampleMix = ExampleMix(classifier.Model);
        _baselineCounts = new int[_labels.Count];
        _chiSquareThresholds = new double[_labels.Count];
        Instrumentation.Register(this);
    }

    /// <summary>
    /// Occurs when a statistic crosses its threshold; raised once per crossing, on the thread that observed the
    /// prediction that crossed it.
    /// </summary>
    public event EventHandler<DriftDetectedEventArgs>? DriftDetected;

    /// <summary>Gets the class labels of the monitored classifier, in its order.</summary>
    public IReadOnlyList<string> Labels => _labels;

    /// <summary>Gets the monitor's name, the value of its gauges' <see cref="EmbedClassifyTelemetry.MonitorTagName"/> tag.</summary>
    public string Name => _options.Name;

    /// <summary>Gets a copy of the monitor's settings.</summary>
    public DriftMonitorOptions Options => _options.Clone();

    /// <summary>
    /// Gets a value indicating whether the similarity check could be calibrated: at least one class of the classifier
    /// has two examples (one to hold out) and the held-out similarities vary.
    /// </summary>
    public bool CanCheckSimilarity => _reference.IsAvailable;

    /// <summary>Gets a value indicating whether the baseline window is full, so that the confidence and class-mix checks run.</summary>
    public bool HasBaseline
    {
        get
        {
            lock (_lock)
            {
                return _hasBaseline;
            }
        }
    }

    /// <summary>Adds one prediction of the monitored classifier to the window and checks the thresholds.</summary>
    /// <param name="prediction">A prediction made by the classifier the monitor was created for.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="prediction"/> names a label the classifier does not have (or none), or its
    /// <see cref="Prediction.Score"/> is not a probability, or its <see cref="Prediction.EmbeddingSimilarity"/> is not finite.
    /// </exception>
    /// <remarks>
    /// An exception thrown by a <see cref="DriftDetected"/> handler reaches the caller once every signal this prediction
    /// crossed has been raised (the first such exception, when several handlers throw); the prediction is counted.
    /// </remarks>
    public void Observe(Prediction prediction)
    {
        int c = IndexOf(prediction.Label);
        float confidence = prediction.Score;
        if (!(confidence >= 0 && confidence <= 1))
        {
            throw new ArgumentException($"The prediction's Score is {confidence}; a calibrated probability is between 0 and 1.", nameof(prediction));
        }

        float shift = float.NaN;
        if (prediction.EmbeddingSimilarity is { } similarity)
        {
            if (!float.IsFinite(similarity))
            {
                throw new ArgumentException($"The prediction's EmbeddingSimilarity is {similarity}; it must be finite.", nameof(prediction));
            }

            shift = _reference.Shift(c, similarity);
        }

        Crossing crossing;
        long total;
        int windowCount;
        lock (_lock)
        {
            Add(c, confidence, shift, prediction.IsUnknown);
            crossing = _count >= _options.MinimumPredictions ? Check() : default;
            total = _total;
            windowCount = _count;
        }

        if (crossing.Count > 0)
        {
            Raise(crossing, windowCount, total);
        }
    }

    /// <summary>Returns the statistics over the current window, with their thresholds.</summary>
    /// <returns>The statistics; see <see cref="DriftSnapshot"/>.</returns>
    public DriftSnapshot GetSnapshot()
    {
        lock (_lock)
        {
            int n = _count;
            double classMix = double.NaN;
            if (n > 0)
            {
                // O(classes): snapshots are read every few seconds at most, so this stays off the per-prediction path.
                double sum = 0;
                for (int c = 0; c < _classCounts.Length; c++)
                {
                    sum += Math.Abs(((double)_classCounts[c] / n) - _exampleMix[c]);
                }

                classMix = sum / 2;
            }

            return new DriftSnapshot(
                n,
                _total,
                n > 0 ? (double)_unknownCount / n : double.NaN,
                _detectUnknown && _hasBaseline ? UnknownShareThreshold(n) : double.NaN,
                n > 0 ? _confidenceSum / n : double.NaN,
                _hasBaseline ? ConfidenceThreshold(n) : double.NaN,
                classMix,
                _hasBaseline ? BaselineDistance() : double.NaN,
                _hasBaseline ? _chiSquare : double.NaN,
                _hasBaseline ? ChiSquareThreshold() : double.NaN,
                _shiftCount > 0 ? MeanSimilarity() : double.NaN,
                _shiftCount > 0 && _reference.IsAvailable ? _shiftSum / _shiftCount : double.NaN,
                _shiftCount > 0 && _reference.IsAvailable ? SimilarityThreshold(_shiftCount) : double.NaN);
        }
    }

    /// <summary>
    /// Makes the current window the baseline of the confidence and class-mix checks (for example after retraining, or
    /// once a change is accepted as the new normal) and clears every raised signal. With a window not yet full, the
    /// baseline is taken when it fills.
    /// </summary>
    public void ResetBaseline()
    {
        lock (_lock)
        {
            _hasBaseline = false;
            Array.Clear(_raised);
            if (_count == _classes.Length)
            {
                CaptureBaseline();
            }
        }
    }

    /// <summary>Stops publishing this monitor's gauges. Observing and snapshots keep working.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        Instrumentation.Unregister(this);
    }

    private int IndexOf(string label)
    {
        if (label is null)
        {
            throw new ArgumentException("The prediction has no label; pass predictions made by the monitored classifier.", "prediction");
        }

        // The classifier hands out its own label strings, found by reference without hashing the text; an equal string
        // from elsewhere (a deserialized prediction) is found by value.
        if (!_labelInstanceIndex.TryGetValue(label, out int c) && !_labelIndex.TryGetValue(label, out c))
        {
            throw new ArgumentException(
                $"The prediction's label is not one of the monitored classifier's {_labels.Count} labels; pass predictions made by that classifier.",
                "prediction");
        }

        return c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Add(int c, float confidence, float shift, bool unknown)
    {
        int slot = _next;
        if (_count == _classes.Length)
        {
            int old = _classes[slot];
            _classCounts[old]--;
            MoveBaseline(old, -1);
            _confidenceSum -= _confidences[slot];
            if (!float.IsNaN(_shifts[slot]))
            {
                _shiftSum -= _shifts[slot];
                _referenceSum -= _reference.MeanOf(old);
                _shiftCount--;
            }

            if (_unknown[slot])
            {
                _unknownCount--;
            }
        }
        else
        {
            _count++;
        }

        _classes[slot] = c;
        _confidences[slot] = confidence;
        _shifts[slot] = shift;
        _unknown[slot] = unknown;
        _classCounts[c]++;
        MoveBaseline(c, +1);
        _confidenceSum += confidence;
        if (!float.IsNaN(shift))
        {
            _shiftSum += shift;
            _referenceSum += _reference.MeanOf(c);
            _shiftCount++;
        }

        if (unknown)
        {
            _unknownCount++;
        }

        _total++;
        _next = slot + 1 == _classes.Length ? 0 : slot + 1;
        if (_next == 0)
        {
            // Once per window: sums kept by adding and subtracting drift by rounding over a long stream; summing the
            // window again costs O(window) every window, O(1) per prediction.
            Resum();
        }

        if (!_hasBaseline && _count == _classes.Length)
        {
            CaptureBaseline();
        }
    }

    private void Resum()
    {
        double confidence = 0;
        double shift = 0;
        double reference = 0;
        for (int i = 0; i < _count; i++)
        {
            confidence += _confidences[i];
            if (!float.IsNaN(_shifts[i]))
            {
                shift += _shifts[i];
                reference += _reference.MeanOf(_classes[i]);
            }
        }

        _confidenceSum = confidence;
        _shiftSum = shift;
        _referenceSum = reference;
    }

    // A shift is (similarity - its class's mean) / spread, so the similarities' mean comes back from the two sums.
    private double MeanSimilarity() => (_referenceSum + (_reference.Spread * _shiftSum)) / _shiftCount;


    private Crossing Check()
    {
        var crossing = default(Crossing);
        int n = _count;
        if (_reference.IsAvailable && _shiftCount >= _options.MinimumPredictions)
        {
            double shift = _shiftSum / _shiftCount;
            if (_shiftCount != _similarityThresholdCount)
            {
                // Constant once the window is full: computed again only when the count changes.
                _similarityThreshold = SimilarityThreshold(_shiftCount);
                _similarityThresholdCount = _shiftCount;
            }

            double threshold = _similarityThreshold;
            double reference = SimilarityReferenceShift;
            Update(ref crossing, DriftSignal.Similarity, (shift < threshold), (shift > (reference + threshold) / 2), shift, threshold);
        }

        if (_hasBaseline)
        {
            if (n != _baselineThresholdCount)
            {
                _shareThreshold = _detectUnknown ? UnknownShareThreshold(n) : double.NaN;
                _confidenceThreshold = ConfidenceThreshold(n);
                _baselineThresholdCount = n;
            }

            if (_detectUnknown)
            {
                double share = (double)_unknownCount / n;
                double shareThreshold = _shareThreshold;
                Update(ref crossing, DriftSignal.UnknownShare, share > shareThreshold, share < (_baselineUnknownShare + shareThreshold) / 2, share, shareThreshold);
            }

            double confidence = _confidenceSum / n;
            double threshold = _confidenceThreshold;
            Update(ref crossing, DriftSignal.Confidence, (confidence < threshold), (confidence > (_baselineConfidenceMean + threshold) / 2), confidence, threshold);
            double chiSquare = Math.Max(0, _chiSquare);
            double mixThreshold = ChiSquareThreshold();
            Update(ref crossing, DriftSignal.ClassMix, chiSquare > mixThreshold, chiSquare < mixThreshold / 2, chiSquare, mixThreshold);
        }

        return crossing;
    }

    /// <summary>
    /// Raises a signal when it crosses, and re-arms it only once the statistic is back halfway from the threshold to
    /// its reference: a window hovering at the threshold would otherwise raise at every other prediction.
    /// </summary>
    private void Update(ref Crossing crossing, DriftSignal signal, bool crossed, bool cleared, double value, double threshold)
    {
        if (crossed && !_raised[(int)signal])
        {
            _raised[(int)signal] = true;
            crossing.Add(signal, value, threshold);
        }
        else if (cleared)
        {
            _raised[(int)signal] = false;
        }
    }

    private void Raise(Crossing crossing, int windowCount, long total)
    {
        EventHandler<DriftDetectedEventArgs>? handler = DriftDetected;
        if (handler is null)
        {
            return;
        }

        // Each crossing is marked raised before its handler runs and is not raised again until it clears: a handler that
        // throws on one must not cost the others of the same prediction their only event.
        ExceptionDispatchInfo? first = null;
        for (int i = 0; i < crossing.Count; i++)
        {
            (DriftSignal signal, double value, double threshold) = crossing[i];
            try
            {
                handler(this, new DriftDetectedEventArgs(signal, value, threshold, windowCount, total));
            }
            catch (Exception ex)
            {
                first ??= ExceptionDispatchInfo.Capture(ex);
            }
        }

        first?.Throw();
    }

    private static double[] ExampleMix(EmbeddingClassifier model)
    {
        var mix = new double[model.Labels.Count];
        int[] classes = model.ExampleClasses;
        foreach (int c in classes)
        {
            mix[c] += 1.0 / classes.Length;
        }

        return mix;
    }

    /// <summary>The signals one observation crossed: at most one of each, kept without allocating.</summary>
    private struct Crossing
    {
        private Entry _e0;
        private Entry _e1;
        private Entry _e2;
        private Entry _e3;

        public int Count { get; private set; }

        public readonly (DriftSignal Signal, double Value, double Threshold) this[int index]
        {
            get
            {
                Entry e = index switch { 0 => _e0, 1 => _e1, 2 => _e2, _ => _e3 };
                return (e.Signal, e.Value, e.Threshold);
            }
        }

        public void Add(DriftSignal signal, double value, double threshold)
        {
            var entry = new Entry(signal, value, threshold);
            switch (Count++)
            {
                case 0: _e0 = entry; break;
                case 1: _e1 = entry; break;
                case 2: _e2 = entry; break;
                default: _e3 = entry; break;
            }
        }

        private readonly record struct Entry(DriftSignal Signal, double Value, double Threshold);
    }
}
