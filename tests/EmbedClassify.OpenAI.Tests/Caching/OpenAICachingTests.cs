using EmbedClassify.OpenAI.Tests.TestDoubles;

namespace EmbedClassify.OpenAI.Tests;

/// <summary>
/// "Nothing paid for is lost" takes both layers: the generator hands the vectors of its successful requests back in
/// <see cref="EmbeddingBatchException.Embeddings"/>, and the caching layer stores them with each batch. These tests put
/// the cache in front of the real generator and the fake server.
/// </summary>
public class OpenAICachingTests
{
    private OpenAITestContext _context = null!;

    private FakeOpenAIServer Server => _context.Server;

    [SetUp]
    public async Task SetUp() => _context = await OpenAITestContext.StartAsync();

    [TearDown]
    public async Task TearDown() => await _context.DisposeAsync();

    [Test]
    public async Task CachingGenerator_KeepsEveryCompletedBatch_WhenOneRequestFailsForGood()
    {
        string[] texts = [.. Enumerable.Range(0, 10).Select(i => $"text {i}")];
        Server.Faults = request => request.Inputs.Contains("text 4") ? FakeFault.Status(503) : null;
        var store = new InMemoryEmbeddingCacheStore();
        using var openAI = _context.CreateGenerator(o => o.MaxRetries = 1);
        using var cached = new CachingEmbeddingGenerator(openAI, store, new CachingEmbeddingGeneratorOptions { BatchSize = 2, MaxConcurrency = 1 });

        var ex = await Assert.ThrowsAsync<EmbeddingBatchException>(() => cached.GenerateAsync(texts));

        // The caching layer may stop starting batches after a failure; whatever completed must be stored.
        IReadOnlyList<int> failed = ex!.FailedIndices;
        Assert.Multiple(() =>
        {
            Assert.That(failed, Does.Contain(4).And.Contain(5));
            Assert.That(store.Count, Is.EqualTo(texts.Length - failed.Count), "every batch that succeeded is stored");
            Assert.That(store.Count, Is.GreaterThanOrEqualTo(4), "the batches before the failure completed");
        });

        Server.Faults = null;
        int before = Server.Requests.Count;
        var result = await cached.GenerateAsync(texts);

        Assert.Multiple(() =>
        {
            Assert.That(Server.Requests.Skip(before).SelectMany(r => r.Inputs).Order(), Is.EqualTo(failed.Select(i => texts[i]).Order()), "the rerun sends only what was lost");
            Assert.That(result.Select(e => e.Vector.ToArray()), Is.EqualTo(texts.Select(t => FakeOpenAIServer.VectorFor(t, Server.Dimensions))).Within(1e-6f));
        });
    }

    [Test]
    public async Task CachingGenerator_StoresTheOtherRequestsOfABatch_WhenOneOfItsRequestsFailsForGood()
    {
        // One cache batch of 10 texts becomes requests of 3: 0-2 | 3-5 | 6-8 | 9; the second fails for good.
        string[] texts = [.. Enumerable.Range(0, 20).Select(i => $"text {i}")];
        Server.Faults = request => request.Inputs.Contains("text 4") ? FakeFault.Status(503) : null;
        var store = new InMemoryEmbeddingCacheStore();
        using var openAI = _context.CreateGenerator(o =>
        {
            o.MaxRetries = 1;
            o.MaxInputsPerRequest = 3;
        });
        using var cached = new CachingEmbeddingGenerator(openAI, store, new CachingEmbeddingGeneratorOptions { BatchSize = 10, MaxConcurrency = 1 });

        var ex = await Assert.ThrowsAsync<EmbeddingBatchException>(() => cached.GenerateAsync(texts));

        int[] lost = [3, 4, 5, .. Enumerable.Range(10, 10)];
        Assert.Multiple(() =>
        {
            Assert.That(ex!.FailedIndices, Is.EqualTo(lost), "only the failed request and the batch never started");
            Assert.That(store.Count, Is.EqualTo(7), "the three requests that succeeded are stored");
            Assert.That(Server.Requests.SelectMany(r => r.Inputs).Distinct(), Is.EquivalentTo(texts[..10]), "the second batch was not started");
        });

        Server.Faults = null;
        int before = Server.Requests.Count;
        var result = await cached.GenerateAsync(texts);

        Assert.Multiple(() =>
        {
            Assert.That(Server.Requests.Skip(before).SelectMany(r => r.Inputs).Order(), Is.EqualTo(lost.Select(i => texts[i]).Order()), "the rerun sends exactly the failed texts");
            Assert.That(result.Select(e => e.Vector.ToArray()), Is.EqualTo(texts.Select(t => FakeOpenAIServer.VectorFor(t, Server.Dimensions))).Within(1e-6f));
        });
    }

    [Test]
    public async Task CachingGenerator_NeverCallsServer_WhenEverythingIsCached()
    {
        var store = new InMemoryEmbeddingCacheStore();
        using var openAI = _context.CreateGenerator();
        using var cached = new CachingEmbeddingGenerator(openAI, store);
        await cached.GenerateAsync(["a", "b"]);
        int before = Server.Requests.Count;

        await cached.GenerateAsync(["b", "a"]);

        Assert.That(Server.Requests, Has.Count.EqualTo(before));
    }
}
