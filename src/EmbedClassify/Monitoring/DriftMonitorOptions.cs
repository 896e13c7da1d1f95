namespace EmbedClassify;

/// <summary>
/// Represents the settings of a <see cref="DriftMonitor"/>. They are checked when the monitor is created; the monitor
/// keeps its own copy.
/// </summary>
public sealed class DriftMonitorOptions
{
    /// <summary>The default <see cref="WindowSize"/>.</summary>
    public const int DefaultWindowSize = 500;

    /// <summary>
    /// Gets or sets how many of the most recent predictions the statistics cover; at least 10 and at most
    /// <see cref="Array.MaxLength"/>. Memory is a few bytes per
    /// prediction of the window, whatever the stream's length. The first full window is the baseline that the
    /// unknown-share, confidence and class-mix checks compare with. The default is <see cref="DefaultWindowSize"/>.
    /// </summary>
    public int WindowSize { get; set; } = DefaultWindowSize;

    /// <summary>
    /// Gets or sets how many predictions the window must hold before any threshold is checked; at least 10 and at most
    /// <see cref="WindowSize"/>. The default is 50.
    /// </summary>
    public int MinimumPredictions { get; set; } = 50;

    /// <summary>
    /// Gets or sets how often each statistic may cross its threshold when nothing has drifted, as the expected number of
    /// crossings per <see cref="WindowSize"/> predictions (every prediction is checked; the thresholds account for
    /// that). Alarms are fewer: measured at 0.05, 10 to 17 unknown-share alarms and 1 to 17 confidence alarms in 1,000
    /// windows where 50 crossings were allowed. Between 0 and 0.5, exclusive. The default, 0.001, allows about one false
    /// alarm per statistic in 500,000 predictions with the default window.
    /// </summary>
    public double FalseAlarmRate { get; set; } = 0.001;

    /// <summary>
    /// Gets or sets the name the monitor's gauges carry in the <see cref="EmbedClassifyTelemetry.MonitorTagName"/> tag,
    /// to tell several monitors apart. It is a tag value: never put text, labels or secrets in it. The default is
    /// <c>default</c>.
    /// </summary>
    public string Name { get; set; } = "default";

    /// <summary>Creates a copy of these options.</summary>
    /// <returns>A new instance with the same values.</returns>
    public DriftMonitorOptions Clone() => (DriftMonitorOptions)MemberwiseClone();

    /// <summary>Returns one message per bad setting.</summary>
    internal List<string> Failures()
    {
        var failures = new List<string>();
        if (WindowSize < 10)
        {
            failures.Add($"WindowSize is {WindowSize}; it must be at least 10.");
        }
        else if (WindowSize > Array.MaxLength)
        {
            // The window is kept in arrays of WindowSize entries; a larger one would fail as an out-of-memory error.
            failures.Add($"WindowSize is {WindowSize}; it must be at most {Array.MaxLength}, the longest array .NET allocates.");
        }

        if (MinimumPredictions < 10 || MinimumPredictions > Math.Max(WindowSize, 10))
        {
            failures.Add($"MinimumPredictions is {MinimumPredictions}; it must be at least 10 and at most WindowSize ({WindowSize}).");
        }

        if (!(FalseAlarmRate > 0 && FalseAlarmRate < 0.5))
        {
            failures.Add($"FalseAlarmRate is {FalseAlarmRate}; it must be between 0 and 0.5, exclusive.");
        }

        if (string.IsNullOrWhiteSpace(Name))
        {
            failures.Add("Name is blank; give the monitor a name for its gauges' tag.");
        }

        return failures;
    }
}
