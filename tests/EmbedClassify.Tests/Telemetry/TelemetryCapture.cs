using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace EmbedClassify.Tests.Telemetry;

/// <summary>
/// Records the activities and measurements EmbedClassify emits, but only those emitted from the test's own async flow.
/// </summary>
/// <remarks>
/// The meter and activity source are process-wide, so other tests can emit on them at the same time. An
/// <see cref="AsyncLocal{T}"/> set here flows into every await and <c>Task.Run</c> of the code under test and nowhere
/// else, which is what makes the counts exact.
/// </remarks>
public sealed class TelemetryCapture : IDisposable
{
    private readonly AsyncLocal<TelemetryCapture?> _owner = new();
    private readonly ActivityListener _activityListener;
    private readonly MeterListener _meterListener;
    private readonly ConcurrentQueue<Activity> _activities = new();
    private readonly ConcurrentQueue<(string Instrument, long Value, KeyValuePair<string, object?>[] Tags)> _measurements = new();

    public TelemetryCapture()
    {
        _owner.Value = this;
        _activityListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == EmbedClassifyTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (_owner.Value == this)
                {
                    _activities.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_activityListener);

        _meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == EmbedClassifyTelemetry.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meterListener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (_owner.Value == this)
            {
                _measurements.Enqueue((instrument.Name, value, tags.ToArray()));
            }
        });
        _meterListener.Start();
    }

    public IReadOnlyList<Activity> Activities => [.. _activities];

    public IReadOnlyList<Activity> ActivitiesNamed(string name) => [.. _activities.Where(a => a.OperationName == name)];

    /// <summary>Returns the sum of the measurements of one instrument, optionally only those carrying a tag value.</summary>
    public long Sum(string instrument, string? tag = null, object? tagValue = null) =>
        _measurements
            .Where(m => m.Instrument == instrument)
            .Where(m => tag is null || m.Tags.Any(t => t.Key == tag && Equals(t.Value, tagValue)))
            .Sum(m => m.Value);

    public IReadOnlyList<KeyValuePair<string, object?>> TagsOf(string instrument) =>
        [.. _measurements.Where(m => m.Instrument == instrument).SelectMany(m => m.Tags)];

    public void Dispose()
    {
        _activityListener.Dispose();
        _meterListener.Dispose();
    }
}
