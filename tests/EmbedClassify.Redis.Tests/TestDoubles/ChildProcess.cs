using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace EmbedClassify.Redis.Tests.TestDoubles;

/// <summary>
/// One run of EmbedClassify.Redis.Tests.Child (built next to the tests): its standard output line by line, the number
/// of batches it reported stored, and its closing "done …" report.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<IReadOnlyDictionary<string, long>> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _stored;

    private ChildProcess(IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "EmbedClassify.Redis.Tests.Child.dll"));
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        _process = Process.Start(startInfo)!;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_stderr)
            {
                _stderr.AppendLine(e.Data);
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Gets a task that completes when the child has connected and waits for the go.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Gets the child's closing report: calls, sent, hits, misses, waits, takeovers, wrong, ms.</summary>
    public Task<IReadOnlyDictionary<string, long>> Done => _done.Task;

    /// <summary>Gets the number of batches the child reported stored.</summary>
    public int Stored => Volatile.Read(ref _stored);

    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static ChildProcess Start(params string[] arguments) => new(arguments);

    /// <summary>Tells a child started with --go to begin.</summary>
    public async Task GoAsync()
    {
        await _process.StandardInput.WriteLineAsync("go");
        await _process.StandardInput.FlushAsync();
    }

    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>Waits for the child to exit and fails with its standard error when it did not report done.</summary>
    public async Task<IReadOnlyDictionary<string, long>> WaitForDoneAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        Assert.That(_done.Task.IsCompletedSuccessfully, () => $"the child exited with {_process.ExitCode} without reporting: {StandardError}");
        return await _done.Task;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath!
        : "dotnet";

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line == "ready")
        {
            _ready.TrySetResult();
        }
        else if (line.StartsWith("stored ", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _stored);
        }
        else if (line.StartsWith("done ", StringComparison.Ordinal))
        {
            _done.TrySetResult(line["done ".Length..].Split(' ').Select(pair => pair.Split('='))
                .ToDictionary(pair => pair[0], pair => long.Parse(pair[1], CultureInfo.InvariantCulture)));
        }
    }
}
