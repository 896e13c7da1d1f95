using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace EmbedClassify;

/// <summary>
/// Holds the process-wide activity source, meter and counters behind <see cref="EmbedClassifyTelemetry"/>.
/// </summary>
/// <remarks>
/// Static rather than created through <c>IMeterFactory</c> because classifiers and caching generators are built with
/// <see langword="new"/> as often as through dependency injection, and both must report.
/// </remarks>
internal static class Instrumentation
{
    private static readonly string? Version = typeof(Instrumentation).Assembly.GetName().Version?.ToString();

    public static readonly ActivitySource Source = new(EmbedClassifyTelemetry.ActivitySourceName, Version);

    public static readonly Meter Meter = new(EmbedClassifyTelemetry.MeterName, Version);

    public static readonly Counter<long> CacheHits = Meter.CreateCounter<long>(
        EmbedClassifyTelemetry.CacheHitsInstrumentName, "{text}", "Distinct texts answered from the embedding cache.");

    public static readonly Counter<long> CacheMisses = Meter.CreateCounter<long>(
        EmbedClassifyTelemetry.CacheMissesInstrumentName, "{text}", "Distinct texts not found, or found corrupt, in the embedding cache.");

    public static readonly Counter<long> ProviderCalls = Meter.CreateCounter<long>(
        EmbedClassifyTelemetry.ProviderCallsInstrumentName, "{call}", "Calls from the embedding cache to the inner embedding generator.");

    public static readonly Counter<long> Predictions = Meter.CreateCounter<long>(
        EmbedClassifyTelemetry.PredictionsInstrumentName, "{text}", "Texts classified.");

    // Drift monitors publish through gauges created once here, each reporting every registered monitor: instruments
    // created per monitor would repeat the same names on one meter, which exporters report as conflicts.
    private static readonly Lock MonitorsLock = new();
    private static readonly List<DriftMonitor> Monitors = [];

    public static readonly ObservableGauge<double> DriftUnknownShare = Meter.CreateObservableGauge(
        EmbedClassifyTelemetry.DriftUnknownShareInstrumentName, () => Measure(s => s.UnknownShare), "1", "Share of a drift monitor's window flagged as unknown.");

    public static readonly ObservableGauge<double> DriftMeanConfidence = Meter.CreateObservableGauge(
        EmbedClassifyTelemetry.DriftMeanConfidenceInstrumentName, () => Measure(s => s.MeanConfidence), "1", "Mean calibrated confidence over a drift monitor's window.");

    public static readonly ObservableGauge<double> DriftClassMixDistance = Meter.CreateObservableGauge(
        EmbedClassifyTelemetry.DriftClassMixDistanceInstrumentName, () => Measure(s => s.ClassMixDistance), "1", "Total-variation distance of the window's predicted-class mix from the examples'.");

    public static readonly ObservableGauge<double> DriftSimilarityShift = Meter.CreateObservableGauge(
        EmbedClassifyTelemetry.DriftSimilarityShiftInstrumentName, () => Measure(s => s.SimilarityShift), "{standard_deviation}", "Mean shift of the window's similarity to the nearest class from the examples', in the examples' standard deviations.");

    public static readonly ObservableGauge<double> DriftWindowCount = Meter.CreateObservableGauge(
        EmbedClassifyTelemetry.DriftWindowCountInstrumentName, () => Measure(s => s.WindowCount), "{prediction}", "Predictions in a drift monitor's window.");

    public static void Register(DriftMonitor monitor)
    {
        lock (MonitorsLock)
        {
            Monitors.Add(monitor);
        }
    }

    public static void Unregister(DriftMonitor monitor)
    {
        lock (MonitorsLock)
        {
            Monitors.Remove(monitor);
        }
    }

    private static List<Measurement<double>> Measure(Func<DriftSnapshot, double> statistic)
    {
        DriftMonitor[] monitors;
        lock (MonitorsLock)
        {
            monitors = [.. Monitors];
        }

        var measurements = new List<Measurement<double>>(monitors.Length);
        foreach (DriftMonitor monitor in monitors)
        {
            double value = statistic(monitor.GetSnapshot());
            if (!double.IsNaN(value))
            {
                measurements.Add(new Measurement<double>(value, new KeyValuePair<string, object?>(EmbedClassifyTelemetry.MonitorTagName, monitor.Name)));
            }
        }

        return measurements;
    }

    /// <summary>Returns the strategy's name without allocating, for use as a tag value.</summary>
    public static string StrategyName(ClassificationStrategy strategy) => strategy switch
    {
        ClassificationStrategy.NearestCentroid => nameof(ClassificationStrategy.NearestCentroid),
        ClassificationStrategy.KMeans => nameof(ClassificationStrategy.KMeans),
        ClassificationStrategy.KNearestNeighbors => nameof(ClassificationStrategy.KNearestNeighbors),
        ClassificationStrategy.Auto => nameof(ClassificationStrategy.Auto),
        _ => strategy.ToString(),
    };

    /// <summary>Marks an activity as failed with the exception's type only: messages can quote labels or data.</summary>
    public static void RecordError(Activity? activity, Exception exception)
    {
        if (activity is null)
        {
            return;
        }

        string type = exception.GetType().FullName ?? exception.GetType().Name;
        activity.SetTag("error.type", type);
        activity.SetStatus(ActivityStatusCode.Error, type);
    }
}
