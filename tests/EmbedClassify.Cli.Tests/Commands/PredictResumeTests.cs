using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using EmbedClassify.Cli.Tests.TestDoubles;
using EmbedClassify.Sqlite;
using Microsoft.Data.Sqlite;

namespace EmbedClassify.Cli.Tests.Commands;

/// <summary><c>predict</c> killed mid-run keeps every chunk it finished in the cache, and a second run completes the output.</summary>
[TestFixture]
public sealed partial class PredictResumeTests
{
    private Workspace _workspace = null!;

    [OneTimeSetUp]
    public void CreateWorkspace() => _workspace = new Workspace();

    [OneTimeTearDown]
    public void Cleanup() => _workspace.Dispose();

    [Test]
    public async Task Predict_KilledMidRun_KeepsFinishedChunksInTheCache_AndTheNextRunCompletes()
    {
        ToolProcess.Result train = await _workspace.RunAsync("train", "data.csv", "-o", "model.ecm", "--cache", _workspace.CachePath);
        Assert.That(train.ExitCode, Is.Zero, train.StandardError);
        string[] lines = [.. Enumerable.Range(0, 2000).Select(i => i % 2 == 0 ? $"invoice {i} was charged twice" : $"screen {i} crashes at start")];
        File.WriteAllLines(_workspace.PathOf("big.txt"), lines);
        string cache = _workspace.PathOf("resume.db");

        // Killed (SIGKILL, no chance to clean up) once the first progress line says some chunks are done.
        long doneBeforeKill = await RunUntilFirstProgressThenKillAsync("predict", "model.ecm", "big.txt", "--chunk-size", "100", "--cache", cache);
        long storedAfterKill = CountEntries(cache);

        ToolProcess.Result second = await _workspace.RunAsync("predict", "model.ecm", "big.txt", "--chunk-size", "100", "--cache", cache);

        Assert.Multiple(() =>
        {
            Assert.That(doneBeforeKill, Is.GreaterThanOrEqualTo(100));
            Assert.That(storedAfterKill, Is.GreaterThanOrEqualTo(doneBeforeKill), "every chunk written out was in the cache first");
            Assert.That(second.ExitCode, Is.Zero, second.StandardError);
            Assert.That(second.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(lines.Length));
            Assert.That(CountEntries(cache), Is.EqualTo(lines.Length), "each text stored once, none twice");
        });
    }

    private async Task<long> RunUntilFirstProgressThenKillAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _workspace.Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "EmbedClassify.Cli.dll"));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["XDG_DATA_HOME"] = _workspace.Directory;
        start.Environment["LOCALAPPDATA"] = _workspace.Directory;
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet.");
        Task drainOutput = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            while (await process.StandardError.ReadLineAsync(timeout.Token) is { } line)
            {
                if (Progress().Match(line) is { Success: true } match)
                {
                    return long.Parse(match.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
                }
            }

            throw new AssertionException("predict ended without reporting progress");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            await drainOutput;
        }
    }

    private static long CountEntries(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {SqliteEmbeddingCacheStore.TableName}";
        return (long)command.ExecuteScalar()!;
    }

    [GeneratedRegex(@"classified ([\d,]+) texts \(")]
    private static partial Regex Progress();
}
