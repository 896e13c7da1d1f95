using System.Diagnostics;
using System.Globalization;
using EmbedClassify.OpenAI;
using EmbedClassify.Redis.Tests.Child;
using EmbedClassify.Redis.Tests.TestDoubles;
using EmbedClassify.Testing;
using Microsoft.Extensions.AI;
using StackExchange.Redis;

namespace EmbedClassify.Redis.Tests.Caching;

/// <summary>
/// Single flight across real processes: children (EmbedClassify.Redis.Tests.Child) embed through one fake OpenAI server
/// into one Redis, and the server's request log counts what was paid for, whichever process paid.
/// </summary>
public class RedisCrossProcessTests
{
    private string _configuration = null!;
    private string _prefix = null!;
    private string _directory = null!;

    [SetUp]
    public void SetUp()
    {
        _configuration = RedisTestServer.Configuration();
        _prefix = RedisTestServer.FreshPrefix();
        _directory = Directory.CreateTempSubdirectory("embedclassify-redis-").FullName;
    }

    [TearDown]
    public void TearDown()
    {
        // SetUp ignores the test before making the directory when no redis-server is named (a developer's machine).
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private string WriteTexts(string name, IEnumerable<string> texts)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllLines(path, texts);
        return path;
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task ThreeProcesses_WithHalfTheirTextsInCommon_PayForEachDistinctTextOnce(CancellationToken cancellationToken)
    {
        Run run = await RunProcessesAsync("redis", processes: 3, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(run.Distinct, Has.Length.EqualTo(2000));
            Assert.That(run.Paid, Is.Unique, "no text was paid for twice, by any process");
            Assert.That(run.Paid, Is.EquivalentTo(run.Distinct), "every distinct text was paid for");
            Assert.That(run.Reports.Sum(r => r["sent"]), Is.EqualTo(run.Distinct.Length), "the processes' own counts agree with the server");
            Assert.That(run.Reports.Select(r => r["wrong"]), Is.All.Zero, "every process got the provider's vectors");
            Assert.That(run.Reports.Sum(r => r["hits"] + r["waits"]), Is.GreaterThanOrEqualTo(1000), "the shared texts the others paid for came from Redis");
        });
    }

    /// <summary>
    /// The figures of docs/caching.md: the same load through the leasing Redis store, the lease-free
    /// <see cref="DistributedCacheEmbeddingStore"/> over Redis, and one SQLite file shared by the processes.
    /// </summary>
    [Explicit("A measurement for docs/caching.md, run by hand: dotnet test tests/EmbedClassify.Redis.Tests -c Release --filter Name~Measure")]
    [TestCase("redis", 3)]
    [TestCase("redis-plain", 3)]
    [TestCase("sqlite", 2)]
    [TestCase("sqlite", 3)]
    [CancelAfter(300_000)]
    public async Task Measure_ProcessesWithHalfTheirTextsInCommon(string store, int processes, CancellationToken cancellationToken)
    {
        Run run = await RunProcessesAsync(store, processes, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(run.Paid.Distinct(), Is.EquivalentTo(run.Distinct), "every distinct text was paid for at least once");
            Assert.That(run.Reports.Select(r => r["wrong"]), Is.All.Zero, "every process got the provider's vectors");
        });
    }

    /// <summary>
    /// Starts <paramref name="processes"/> children with 1,000 texts each, the first 500 common to all, lets them
    /// begin at once, and collects what the server was paid for.
    /// </summary>
    private async Task<Run> RunProcessesAsync(string store, int processes, CancellationToken cancellationToken)
    {
        const int PerProcess = 1000;
        await using FakeOpenAIServer server = await FakeOpenAIServer.StartAsync(ChildWorkload.Dimensions);

        // Slow enough that the processes' fetches overlap in time, so the shared texts are contended.
        server.ResponseDelay = TimeSpan.FromMilliseconds(50);
        string[][] texts = ChildWorkload.Texts(processes, PerProcess, shared: PerProcess / 2);
        string[] storeArguments = store == "sqlite"
            ? ["--store", store, "--sqlite", Path.Combine(_directory, "cache.db")]
            : ["--store", store, "--redis", _configuration, "--prefix", _prefix];
        var children = new List<ChildProcess>();
        try
        {
            for (int p = 0; p < processes; p++)
            {
                children.Add(ChildProcess.Start(
                [
                    .. storeArguments, "--endpoint", server.Endpoint.ToString(),
                    "--texts", WriteTexts($"worker{p}.txt", texts[p]), "--batch", "25", "--concurrency", "2",
                    "--calls", "4", "--chunk", "100", "--seed", p.ToString(CultureInfo.InvariantCulture), "--go",
                ]));
            }

            await Task.WhenAll(children.Select(c => c.Ready)).WaitAsync(TimeSpan.FromSeconds(90), cancellationToken);
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(children.Select(c => c.GoAsync()));
            IReadOnlyDictionary<string, long>[] reports = await Task.WhenAll(children.Select(c => c.WaitForDoneAsync(cancellationToken)));
            clock.Stop();

            var run = new Run([.. server.Requests.SelectMany(r => r.Inputs)], [.. texts.SelectMany(t => t).Distinct()], reports);
            await TestContext.Out.WriteLineAsync(
                $"{store}: {processes} processes x {PerProcess} texts, {run.Distinct.Length} distinct: {run.Paid.Length} paid for in "
                + $"{server.Requests.Count} provider calls, {clock.Elapsed.TotalSeconds:F1} s from go to the last exit; per process: "
                + string.Join("; ", reports.Select(r => string.Join(' ', r.Select(kv => $"{kv.Key}={kv.Value}")))));
            return run;
        }
        finally
        {
            foreach (ChildProcess child in children)
            {
                child.Dispose();
            }
        }
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task HolderKilledMidFetch_AnotherProcessTakesOverAfterTheLease_AndNothingPaidForIsLost(CancellationToken cancellationToken)
    {
        const int BatchSize = 10;
        const int Hung = 30;
        string[] texts = [.. Enumerable.Range(0, 100).Select(i => $"kill text {i}")];
        await using FakeOpenAIServer server = await FakeOpenAIServer.StartAsync(ChildWorkload.Dimensions);
        int slowed = 0;

        // The holder's fourth batch never gets an answer: the holder is killed while that provider call is in flight.
        server.Faults = request => request.Inputs.Contains(texts[Hung]) && Interlocked.Exchange(ref slowed, 1) == 0
            ? FakeFault.Slow(TimeSpan.FromMinutes(5))
            : null;
        TimeSpan lease = TimeSpan.FromSeconds(10);
        using ChildProcess holder = ChildProcess.Start(
            "--store", "redis", "--redis", _configuration, "--prefix", _prefix, "--endpoint", server.Endpoint.ToString(),
            "--texts", WriteTexts("holder.txt", texts), "--batch", BatchSize.ToString(CultureInfo.InvariantCulture), "--concurrency", "1",
            "--lease-ms", ((int)lease.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
        while (Volatile.Read(ref slowed) == 0 || holder.Stored < Hung / BatchSize)
        {
            Assert.That(holder.Done.IsCompleted, Is.False, () => $"the holder finished without hanging: {holder.StandardError}");
            await Task.Delay(10, cancellationToken);
        }

        holder.Kill();
        var clock = Stopwatch.StartNew();
        using ConnectionMultiplexer redis = await ConnectionMultiplexer.ConnectAsync(_configuration);
        RedisKey[] leases = [.. redis.GetServers()[0].Keys(pattern: _prefix + "lease:*")];
        int paidBefore = server.Requests.SelectMany(r => r.Inputs).Count();

        GeneratedEmbeddings<Embedding<float>> result;
        EmbeddingCacheStatistics statistics;
        using (HttpClient http = ChildWorkload.CreateHttpClient())
        using (var takeover = new CachingEmbeddingGenerator(
            new OpenAIEmbeddingGenerator(ChildWorkload.OpenAIOptions(server.Endpoint), http),
            new RedisEmbeddingCacheStore(redis, new RedisEmbeddingCacheStoreOptions { KeyPrefix = _prefix }),
            ChildWorkload.CacheOptions(BatchSize, maxConcurrency: 2)))
        {
            result = await takeover.GenerateAsync(texts, ChildWorkload.GenerationOptions, cancellationToken);
            statistics = takeover.Statistics;
        }

        clock.Stop();
        string[] paidByTakeover = [.. server.Requests.SelectMany(r => r.Inputs).Skip(paidBefore)];
        await TestContext.Out.WriteLineAsync(
            $"The holder stored {holder.Stored} batches and left {leases.Length} leases of {lease.TotalSeconds:F0} s; the other process took "
            + $"{statistics.LeaseTakeovers} texts over and paid for {paidByTakeover.Length}, {clock.Elapsed.TotalSeconds:F1} s after the kill.");

        Assert.Multiple(() =>
        {
            Assert.That(leases, Has.Length.EqualTo(texts.Length - Hung), "the killed holder's leases outlived it");
            Assert.That(paidByTakeover, Is.Unique);
            Assert.That(paidByTakeover, Is.EquivalentTo(texts[Hung..]), "exactly the texts the holder had not stored");
            Assert.That(statistics.Hits, Is.EqualTo(Hung), "the holder's stored batches were not lost");
            Assert.That(statistics.LeaseTakeovers, Is.EqualTo(texts.Length - Hung), "taken over once the leases expired");
            Assert.That(
                result.Select(e => e.Vector.ToArray()),
                Is.EqualTo(texts.Select(t => FakeOpenAIServer.VectorFor(t, ChildWorkload.Dimensions))).Within(1e-6f));
            Assert.That(redis.GetServers()[0].Keys(pattern: _prefix + "lease:*"), Is.Empty, "the takeover released its leases");
        });
    }

    private sealed record Run(string[] Paid, string[] Distinct, IReadOnlyDictionary<string, long>[] Reports);
}
