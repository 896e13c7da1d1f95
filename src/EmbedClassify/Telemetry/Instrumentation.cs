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
