using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace EmbedClassify.Cli.Output;

/// <summary>
/// Progress of a stream of unknown length on standard error: a bar with rate and ETA on a terminal, or a plain line per
/// tenth of the input (every 10 s when its size is unknown) for logs and pipes. The position is in bytes of the input
/// up to the last text done, so the ETA holds for a file of any size without counting its lines first.
/// </summary>
internal sealed class StreamProgress
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(10);

    private readonly TextWriter _error;
    private readonly long _length;
    private readonly int _quietBelow;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _reportedTenths;
    private TimeSpan _lastLine;
    private bool _printed;
    private long _done;

    /// <param name="error">Where the plain lines go.</param>
    /// <param name="length">The size of the input in bytes, or 0 when it is unknown (standard input).</param>
    /// <param name="quietBelow">No plain line until more texts than this are done, so small inputs stay silent.</param>
    public StreamProgress(TextWriter error, long length, int quietBelow)
    {
        _error = error;
        _length = length;
        _quietBelow = quietBelow;
    }

    private bool KnowsLength => _length > 0;

    /// <summary>
    /// Runs <paramref name="work"/>, which calls the action it is given with the number of texts done so far and the
    /// position in the input (bytes) of the last one.
    /// </summary>
    public async Task RunAsync(bool bar, Func<Action<long, long>, Task> work)
    {
        if (!bar)
        {
            await work(ReportPlain).ConfigureAwait(false);
            Complete();
            return;
        }

        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(_error) });
        await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                ProgressTask task = context.AddTask("Classifying", maxValue: KnowsLength ? _length : 1);
                task.IsIndeterminate = !KnowsLength;
                TimeSpan last = TimeSpan.Zero;
                await work((done, position) =>
                {
                    // Redrawn at most ten times a second: the bar must cost nothing next to classifying.
                    TimeSpan now = _clock.Elapsed;
                    if (now - last < TimeSpan.FromMilliseconds(100))
                    {
                        return;
                    }

                    last = now;
                    task.Description = $"Classified {Count(done)} texts ({Rate(done, now)})";
                    if (KnowsLength)
                    {
                        task.Value = Math.Min(position, _length);
                    }
                }).ConfigureAwait(false);
                task.Value = task.MaxValue;
            }).ConfigureAwait(false);
    }

    private void ReportPlain(long done, long position)
    {
        _done = done;
        if (done <= _quietBelow)
        {
            return;
        }

        TimeSpan elapsed = _clock.Elapsed;
        if (KnowsLength)
        {
            long read = Math.Min(position, _length);
            int tenths = (int)(read * 10 / _length);
            if (tenths <= _reportedTenths)
            {
                return;
            }

            _reportedTenths = tenths;
            TimeSpan remaining = TimeSpan.FromSeconds(elapsed.TotalSeconds / Math.Max(read, 1) * (_length - read));
            Line(string.Create(CultureInfo.InvariantCulture, $"classified {Count(done)} texts ({read * 100.0 / _length:0}% of the input, {Rate(done, elapsed)}, ETA {remaining:hh\\:mm\\:ss})"));
        }
        else if (elapsed - _lastLine >= PlainInterval)
        {
            _lastLine = elapsed;
            Line($"classified {Count(done)} texts ({Rate(done, elapsed)})");
        }
    }

    private void Complete()
    {
        if (_printed)
        {
            TimeSpan elapsed = _clock.Elapsed;
            Line(string.Create(CultureInfo.InvariantCulture, $"classified {Count(_done)} texts in {elapsed.TotalSeconds:0.0} s ({Rate(_done, elapsed)})."));
        }
    }

    private void Line(string text)
    {
        _printed = true;
        _error.WriteLine($"embedclassify: {text}");
    }

    private static string Count(long done) => done.ToString("N0", CultureInfo.InvariantCulture);

    private static string Rate(long done, TimeSpan elapsed) =>
        string.Create(CultureInfo.InvariantCulture, $"{done / Math.Max(elapsed.TotalSeconds, 1e-3):N0} texts/s");
}
