namespace EmbedClassify;

/// <summary>
/// Provides the names under which EmbedClassify reports traces and metrics, for example to pass to OpenTelemetry's
/// <c>AddSource</c> and <c>AddMeter</c>.
/// </summary>
/// <remarks>
/// <para>
/// The <see cref="System.Diagnostics.ActivitySource"/> named <see cref="ActivitySourceName"/> starts one activity per
/// <see cref="FewShotClassifier"/> creation (<see cref="CreateActivityName"/>), single prediction
/// (<see cref="PredictActivityName"/>) and batch prediction (<see cref="PredictBatchActivityName"/>), tagged with
/// <see cref="StrategyTagName"/>, <see cref="ClassCountTagName"/>, <see cref="BatchSizeTagName"/> and
/// <see cref="ExampleCountTagName"/>.
/// </para>
/// <para>
/// The <see cref="System.Diagnostics.Metrics.Meter"/> named <see cref="MeterName"/> holds the counters
/// <see cref="CacheHitsInstrumentName"/>, <see cref="CacheMissesInstrumentName"/> and
/// <see cref="ProviderCallsInstrumentName"/> (recorded by <see cref="CachingEmbeddingGenerator"/>, tagged with
/// <see cref="ProviderTagName"/>) and <see cref="PredictionsInstrumentName"/> (recorded by
/// <see cref="FewShotClassifier"/>, tagged with <see cref="StrategyTagName"/>).
/// </para>
/// <para>
/// It also holds the observable gauges of every <see cref="DriftMonitor"/> not yet disposed, each measurement tagged
/// with <see cref="MonitorTagName"/>: <see cref="DriftUnknownShareInstrumentName"/>,
/// <see cref="DriftMeanConfidenceInstrumentName"/>, <see cref="DriftClassMixDistanceInstrumentName"/>,
/// <see cref="DriftSimilarityShiftInstrumentName"/> and <see cref="DriftWindowCountInstrumentName"/>. A gauge with
/// nothing to report yet (an empty window) reports nothing for that monitor.
/// </para>
/// <para>
/// No input text, label, cache key or credential is ever a tag: traces and metrics often leave the trust boundary of
/// the data. Embedding calls themselves are traced by Microsoft.Extensions.AI's <c>UseOpenTelemetry()</c>.
/// </para>
/// </remarks>
public static class EmbedClassifyTelemetry
{
    /// <summary>The name of the activity source: <c>EmbedClassify</c>.</summary>
    public const string ActivitySourceName = "EmbedClassify";

    /// <summary>The name of the meter: <c>EmbedClassify</c>.</summary>
    public const string MeterName = "EmbedClassify";

    /// <summary>The name of the activity around embedding examples and fitting a classifier.</summary>
    public const string CreateActivityName = "embedclassify.classifier.create";

    /// <summary>The name of the activity around classifying one text.</summary>
    public const string PredictActivityName = "embedclassify.classifier.predict";

    /// <summary>The name of the activity around classifying a batch of texts.</summary>
    public const string PredictBatchActivityName = "embedclassify.classifier.predict_batch";

    /// <summary>The name of the counter of distinct texts a caching generator answered from its store.</summary>
    public const string CacheHitsInstrumentName = "embedclassify.cache.hits";

    /// <summary>The name of the counter of distinct texts a caching generator did not find (or found corrupt) in its store.</summary>
    public const string CacheMissesInstrumentName = "embedclassify.cache.misses";

    /// <summary>The name of the counter of calls a caching generator made to its inner generator.</summary>
    public const string ProviderCallsInstrumentName = "embedclassify.provider.calls";

    /// <summary>The name of the counter of texts classified.</summary>
    public const string PredictionsInstrumentName = "embedclassify.predictions";

    /// <summary>The name of the gauge of the share of a drift monitor's window flagged as unknown (<see cref="DriftSnapshot.UnknownShare"/>).</summary>
    public const string DriftUnknownShareInstrumentName = "embedclassify.drift.unknown_share";

    /// <summary>The name of the gauge of the mean calibrated confidence over a drift monitor's window (<see cref="DriftSnapshot.MeanConfidence"/>).</summary>
    public const string DriftMeanConfidenceInstrumentName = "embedclassify.drift.mean_confidence";

    /// <summary>The name of the gauge of the total-variation distance of a drift monitor's predicted-class mix from the examples' (<see cref="DriftSnapshot.ClassMixDistance"/>).</summary>
    public const string DriftClassMixDistanceInstrumentName = "embedclassify.drift.class_mix_distance";

    /// <summary>The name of the gauge of a drift monitor's embedding similarity shift, in the examples' standard deviations (<see cref="DriftSnapshot.SimilarityShift"/>).</summary>
    public const string DriftSimilarityShiftInstrumentName = "embedclassify.drift.similarity_shift";

    /// <summary>The name of the gauge of the number of predictions in a drift monitor's window (<see cref="DriftSnapshot.WindowCount"/>).</summary>
    public const string DriftWindowCountInstrumentName = "embedclassify.drift.window_count";

    /// <summary>The tag that names a drift monitor (<see cref="DriftMonitorOptions.Name"/>).</summary>
    public const string MonitorTagName = "embedclassify.monitor";

    /// <summary>The tag that names the fitted decision rule (a <see cref="ClassificationStrategy"/> name).</summary>
    public const string StrategyTagName = "embedclassify.strategy";

    /// <summary>The tag that gives the number of classes of a classifier.</summary>
    public const string ClassCountTagName = "embedclassify.class_count";

    /// <summary>The tag that gives the number of texts in one call.</summary>
    public const string BatchSizeTagName = "embedclassify.batch_size";

    /// <summary>The tag that gives the number of labelled examples a classifier was created from.</summary>
    public const string ExampleCountTagName = "embedclassify.example_count";

    /// <summary>
    /// The tag that names the embedding provider behind a cache: <see cref="Microsoft.Extensions.AI.EmbeddingGeneratorMetadata.ProviderName"/>,
    /// or the inner generator's type name when it reports none.
    /// </summary>
    public const string ProviderTagName = "embedclassify.provider";
}
