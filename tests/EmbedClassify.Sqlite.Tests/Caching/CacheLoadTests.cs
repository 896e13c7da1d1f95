using EmbedClassify.OpenAI;
using EmbedClassify.Sqlite.Tests.TestDoubles;
using EmbedClassify.Testing;
using Microsoft.Extensions.AI;

namespace EmbedClassify.Sqlite.Tests.Caching;

/// <summary>
/// Issue 12's load test: 16 concurrent callers × 1,000 texts with 30% overlap through each store, against the loopback
/// fake server with faults injected; every distinct text is paid for exactly once and every vector is the server's.
/// The distributed-cache (Redis) run lives in EmbedClassify.Redis.Tests.
/// </summary>
public class CacheLoadTests
{
    private TemporaryDirectory _directory = null!;
    private FakeOpenAIServer _server = null!;

    [SetUp]
    public async Task SetUp()
    {
        _directory = new TemporaryDirectory();
        _server = await FakeOpenAIServer.StartAsync();
    }

    [TearDown]
    public async Task TearDown()
    {
        await _server.DisposeAsync();
        _directory.Dispose();
    }

    public static IEnumerable<TestCaseData> Stores()
    {
        yield return new TestCaseData(new Func<string, IEmbeddingCacheStore>(_ => new InMemoryEmbeddingCacheStore())).SetArgDisplayNames("InMemory");
        yield return new TestCaseData(new Func<string, IEmbeddingCacheStore>(folder => new SqliteEmbeddingCacheStore(Path.Combine(folder, "cache.db"))))
            .SetArgDisplayNames("Sqlite");
    }

    [TestCaseSource(nameof(Stores))]
    public async Task SixteenCallers_PayForEveryDistinctTextExactlyOnce_AndGetTheProvidersVectors_DespiteFaults(Func<string, IEmbeddingCacheStore> newStore)
    {
        IEmbeddingCacheStore store = newStore(_directory.Path);
        try
        {
            CacheLoadReport report = await CacheLoad.RunAsync(_server, store);
            TestContext.Out.WriteLine(report);

            Assert.Multiple(() =>
            {
                Assert.That(report.DistinctTexts, Is.EqualTo(300 + (16 * 700)));
                Assert.That(report.TextsPaidFor, Is.EqualTo(report.DistinctTexts), "nothing paid twice, nothing lost");
                Assert.That(report.FaultedRequests, Is.GreaterThan(0), "faults were injected");
                Assert.That(report.WrongVectors, Is.Zero);
                Assert.That(report.Statistics.FailedWrites, Is.Zero);
            });
        }
        finally
        {
            (store as IDisposable)?.Dispose();
        }
    }

    [TestCase(2)]
    [TestCase(4)]
    public async Task SeveralInstancesSharingOneSqliteFile_PayOnlyForTextsFetchedAtTheSameMoment_AndReturnTheProvidersVectors(int instances)
    {
        // Measures what docs/caching.md says about separate processes: they de-duplicate only through the store, so a
        // text two of them fetch at the same moment is paid twice. Asserts correctness and bounds, prints the figures.
        using var store = new SqliteEmbeddingCacheStore(_directory.File("cache.db"));

        CacheLoadReport report = await CacheLoad.RunAsync(_server, store, instances: instances);
        TestContext.Out.WriteLine($"{instances} instances: {report}");

        Assert.Multiple(() =>
        {
            Assert.That(report.WrongVectors, Is.Zero);
            Assert.That(report.TextsPaidFor, Is.InRange(report.DistinctTexts, report.DistinctTexts + ((instances - 1) * 300)), "only the shared texts can be paid twice");
        });
    }

    [Test]
    public async Task EightCallers_SendEachOfTheSame100TextsOnce_ThroughSqlite_WhenTheProviderTakes200Milliseconds()
    {
        // Row 1 of issue 12 with the SQLite store: each caller fetched its own misses, so 800 texts reached the provider.
        _server.ResponseDelay = TimeSpan.FromMilliseconds(200);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        using var provider = new OpenAIEmbeddingGenerator(
            new OpenAIEmbeddingGeneratorOptions { ApiKey = "sk-test", Model = "fake-embedding-model", Endpoint = _server.Endpoint }, http);
        using var store = new SqliteEmbeddingCacheStore(_directory.File("cache.db"));
        using var cache = new CachingEmbeddingGenerator(provider, store);
        string[] texts = [.. Enumerable.Range(0, 100).Select(i => $"text {i}")];

        GeneratedEmbeddings<Embedding<float>>[] results =
            await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => cache.GenerateAsync(texts))));

        Assert.Multiple(() =>
        {
            Assert.That(_server.Requests.Sum(r => r.Inputs.Count), Is.EqualTo(100));
            foreach (GeneratedEmbeddings<Embedding<float>> result in results)
            {
                Assert.That(result.Select(e => e.Vector.ToArray()), Is.EqualTo(texts.Select(t => FakeOpenAIServer.VectorFor(t, _server.Dimensions))).Within(1e-6f));
            }
        });
    }
}
