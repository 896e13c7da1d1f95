namespace EmbedClassify;

/// <summary>
/// Provides data for <see cref="DriftMonitor.DriftDetected"/>: which statistic crossed its threshold, its value, the
/// threshold and by how much it was crossed.
/// </summary>
/// <param name="signal">The statistic that crossed its threshold.</param>
/// <param name="value">The statistic's value over the window when it crossed.</param>
/// <param name="threshold">The threshold it crossed, for the window's size at that moment.</param>
/// <param name="windowCount">The number of predictions in the window.</param>
/// <param name="totalCount">The number of predictions the monitor had observed in all, this one included.</param>
public sealed class DriftDetectedEventArgs(DriftSignal signal, double value, double threshold, int windowCount, long totalCount) : EventArgs
{
    /// <summary>Gets the statistic that crossed its threshold.</summary>
    public DriftSignal Signal { get; } = signal;

    /// <summary>Gets the statistic's value over the window when it crossed (the unit of the matching <see cref="DriftSnapshot"/> property).</summary>
    public double Value { get; } = value;

    /// <summary>Gets the threshold it crossed.</summary>
    public double Threshold { get; } = threshold;

    /// <summary>
    /// Gets how far past the threshold the value is, always positive: <see cref="Value"/> minus <see cref="Threshold"/>
    /// for statistics that alarm upwards (<see cref="DriftSignal.UnknownShare"/>, <see cref="DriftSignal.ClassMix"/>),
    /// <see cref="Threshold"/> minus <see cref="Value"/> for those that alarm downwards.
    /// </summary>
    public double Excess => Signal is DriftSignal.UnknownShare or DriftSignal.ClassMix ? Value - Threshold : Threshold - Value;

    /// <summary>Gets the number of predictions in the window.</summary>
    public int WindowCount { get; } = windowCount;

    /// <summary>Gets the number of predictions the monitor had observed in all, the one that crossed included.</summary>
    public long TotalCount { get; } = totalCount;
}
