using System.Diagnostics;
using System.Globalization;
using System.Text;
using EmbedClassify.OpenAI;
using EmbedClassify.Sqlite.Tests.KillChild;
using EmbedClassify.Sqlite.Tests.TestDoubles;
using EmbedClassify.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;

namespace EmbedClassify.Sqlite.Tests.Caching;

public class SqliteKillTests
{
    private const int TextCount = 1000;
    private const int BatchSize = 25;

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath!
        : "dotnet";

    [Test]
    [CancelAfter(60_000)]
    public async Task Rerun_RequestsExactlyTheMissingTexts_AfterTheEmbeddingProcessIsKilledMidway(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var directory = new TemporaryDirectory();
        string database = directory.File("kill.db");
        await using FakeOpenAIServer server = await FakeOpenAIServer.StartAsync(KillChildWorkload.Dimensions);

        // Slow enough that the kill lands long before the 40 batches are done, however late the child is scheduled.
        server.ResponseDelay = TimeSpan.FromMilliseconds(150);
        (bool finished, TimeSpan killedAfter) = await RunChildUntilThreeBatchesAreStoredAsync(database, server.Endpoint, cancellationToken);

        long stored = CountRows(database);
        string[] texts = KillChildWorkload.Texts(TextCount);
        IReadOnlyList<string> missing = await MissingTextsAsync(database, texts, cancellationToken);
        HashSet<string> requestedByChild = [.. server.Requests.SelectMany(r => r.Inputs)];

        server.ResponseDelay = TimeSpan.Zero;
        int before = server.Requests.Count;
        GeneratedEmbeddings<Embedding<float>> result;
        EmbeddingCacheStatistics statistics;
        using (HttpClient http = KillChildWorkload.CreateHttpClient())
        using (var store = new SqliteEmbeddingCacheStore(database))
        using (var rerun = new CachingEmbeddingGenerator(
            new OpenAIEmbeddingGenerator(KillChildWorkload.OpenAIOptions(server.Endpoint), http), store, KillChildWorkload.Options(BatchSize)))
        {
            result = await rerun.GenerateAsync(texts, KillChildWorkload.GenerationOptions, cancellationToken);
            statistics = rerun.Statistics;
        }

        string[] requestedByRerun = [.. server.Requests.Skip(before).SelectMany(r => r.Inputs)];
        await TestContext.Out.WriteLineAsync(
            $"The child stored {stored} of {TextCount} texts and was killed {killedAfter.TotalSeconds:F1} s after it started; "
            + $"the rerun requested {requestedByRerun.Length}; the test took {clock.Elapsed.TotalSeconds:F1} s.");

        Assert.Multiple(() =>
        {
            Assert.That(finished, Is.False, "the child was killed before it finished");
            Assert.That(stored, Is.GreaterThanOrEqualTo(3 * BatchSize).And.LessThan(TextCount));
            Assert.That(stored % BatchSize, Is.Zero, "only whole batches are stored");
            Assert.That(missing, Has.Count.EqualTo(TextCount - stored));
            Assert.That(texts.Except(missing), Is.SubsetOf(requestedByChild), "every stored text was paid for by the child");
            Assert.That(requestedByRerun, Is.Unique, "no text is requested twice");
            Assert.That(requestedByRerun, Is.EquivalentTo(missing), "the rerun requests exactly the missing texts, none already stored");
            Assert.That(statistics.Hits, Is.EqualTo(stored));
            Assert.That(statistics.CorruptEntries, Is.Zero);
            Assert.That(
                result.Select(e => e.Vector.ToArray()),
                Is.EqualTo(texts.Select(t => FakeOpenAIServer.VectorFor(t, KillChildWorkload.Dimensions))).Within(1e-6f));
        });
    }

    private static async Task<(bool Finished, TimeSpan KilledAfter)> RunChildUntilThreeBatchesAreStoredAsync(
        string database, Uri endpoint, CancellationToken cancellationToken)
    {
        string child = Path.Combine(AppContext.BaseDirectory, "EmbedClassify.Sqlite.Tests.KillChild.dll");
        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            ArgumentList =
            {
                child, database, endpoint.ToString(), TextCount.ToString(CultureInfo.InvariantCulture), BatchSize.ToString(CultureInfo.InvariantCulture),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var stderr = new StringBuilder();
        int reported = 0;
        bool finished = false;
        var threeBatchesStored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = Stopwatch.StartNew();

        using var process = Process.Start(startInfo)!;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            if (e.Data == "done")
            {
                Volatile.Write(ref finished, true);
            }

            if (e.Data.StartsWith("stored ", StringComparison.Ordinal) && Interlocked.Increment(ref reported) >= 3)
            {
                threeBatchesStored.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        Task first = await Task.WhenAny(threeBatchesStored.Task, process.WaitForExitAsync(cancellationToken));
        Assert.That(first, Is.SameAs(threeBatchesStored.Task), () => $"the child exited before storing 3 batches: {stderr}");
        process.Kill(entireProcessTree: true);
        TimeSpan killedAfter = started.Elapsed;
        await process.WaitForExitAsync(cancellationToken);
        return (Volatile.Read(ref finished), killedAfter);
    }

    private static long CountRows(string database)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ConnectionString);
        connection.Open();
        using SqliteCommand count = connection.CreateCommand();
        count.CommandText = $"SELECT COUNT(*) FROM {SqliteEmbeddingCacheStore.TableName}";
        return (long)count.ExecuteScalar()!;
    }

    /// <summary>Asks the cache itself which texts it lacks, independently of the server's request log.</summary>
    private static async Task<IReadOnlyList<string>> MissingTextsAsync(string database, string[] texts, CancellationToken cancellationToken)
    {
        var probe = new MissingTextsProbe();
        using var store = new SqliteEmbeddingCacheStore(database);
        var options = KillChildWorkload.Options(batchSize: texts.Length);
        using var cache = new CachingEmbeddingGenerator(probe, store, options);
        await Assert.ThrowsAsync<EmbeddingBatchException>(() => cache.GenerateAsync(texts, KillChildWorkload.GenerationOptions, cancellationToken));
        return probe.TextsAskedFor;
    }
}
