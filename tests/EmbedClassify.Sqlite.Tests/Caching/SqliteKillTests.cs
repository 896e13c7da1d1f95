using System.Diagnostics;
using System.Text;
using EmbedClassify.Sqlite.Tests.KillChild;
using EmbedClassify.Sqlite.Tests.TestDoubles;
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
    public async Task Rerun_EmbedsExactlyTheMissingTexts_AfterTheEmbeddingProcessIsKilledMidway(CancellationToken cancellationToken)
    {
        using var directory = new TemporaryDirectory();
        string database = directory.File("kill.db");
        string child = Path.Combine(AppContext.BaseDirectory, "EmbedClassify.Sqlite.Tests.KillChild.dll");
        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            ArgumentList = { child, database, TextCount.ToString(), BatchSize.ToString(), "100" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var stderr = new StringBuilder();
        int reported = 0;
        bool finished = false;
        var threeBatchesStored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        using (var process = Process.Start(startInfo)!)
        {
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    return;
                }

                finished |= e.Data == "done";
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
            await process.WaitForExitAsync(cancellationToken);
        }

        long stored;
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ConnectionString))
        {
            connection.Open();
            using SqliteCommand count = connection.CreateCommand();
            count.CommandText = $"SELECT COUNT(*) FROM {SqliteEmbeddingCacheStore.TableName}";
            stored = (long)count.ExecuteScalar()!;
        }

        await TestContext.Out.WriteLineAsync($"The child stored {stored} of {TextCount} texts before it was killed.");
        string[] texts = KillChildWorkload.Texts(TextCount);
        var counting = new CountingEmbeddingGenerator();
        using var store = new SqliteEmbeddingCacheStore(database);
        using var rerun = new CachingEmbeddingGenerator(counting, store, KillChildWorkload.Options(BatchSize));
        GeneratedEmbeddings<Embedding<float>> result = await rerun.GenerateAsync(texts, cancellationToken: cancellationToken);

        // Each text is requested at most once and every vector is right, so the texts requested include every missing
        // one; as many were requested as rows were missing, so they are exactly the missing ones.
        Assert.Multiple(() =>
        {
            Assert.That(finished, Is.False, "the child was killed before it finished");
            Assert.That(stored, Is.GreaterThanOrEqualTo(3 * BatchSize).And.LessThan(TextCount));
            Assert.That(stored % BatchSize, Is.Zero, "only whole batches are stored");
            Assert.That(counting.TextsSent, Is.Unique);
            Assert.That(counting.TextsSent, Has.Count.EqualTo(TextCount - stored));
            Assert.That(rerun.Statistics.Hits, Is.EqualTo(stored));
            Assert.That(rerun.Statistics.CorruptEntries, Is.Zero);
            Assert.That(result.Select(e => e.Vector.ToArray()), Is.EqualTo(texts.Select(KillChildWorkload.VectorFor)));
        });
    }
}
