using EmbedClassify.Tests.TestDoubles;
using Microsoft.Extensions.AI;

namespace EmbedClassify.Tests.Caching;

public partial class CachingEmbeddingGeneratorTests
{
    public static IEnumerable<TestCaseData> Stores()
    {
        yield return new TestCaseData(new Func<IEmbeddingCacheStore>(() => new InMemoryEmbeddingCacheStore())).SetArgDisplayNames("InMemory");
        yield return new TestCaseData(new Func<IEmbeddingCacheStore>(() => new RecordingCacheStore())).SetArgDisplayNames("Recording");
        yield return new TestCaseData(new Func<IEmbeddingCacheStore>(() => new DistributedCacheEmbeddingStore(new InMemoryDistributedCache())))
            .SetArgDisplayNames("Distributed");
    }

    /// <summary>An inner generator whose calls all wait for <paramref name="gate"/>.</summary>
    private static ScriptedEmbeddingGenerator Gated(Task gate, int dimensions = 8) =>
        new(async (texts, _, _) =>
        {
            await gate;
            return [.. texts.Select(t => ScriptedEmbeddingGenerator.VectorFor(t, dimensions))];
        });

    [TestCaseSource(nameof(Stores))]
    public async Task GenerateAsync_SendsEachTextOnce_WhenEightCallersAskForTheSame100TextsAtOnce(Func<IEmbeddingCacheStore> newStore)
    {
        // Row 1 of issue 12: with an inner generator that takes 200 ms, each of the 8 callers fetched its own misses and
        // 800 texts reached the provider. The count is exact whatever the timing: a caller either joins the fetch in
        // flight or, once it is stored, finds the texts in the cache.
        var inner = new ScriptedEmbeddingGenerator(async (texts, _, _) =>
        {
            await Task.Delay(200);
            return [.. texts.Select(t => ScriptedEmbeddingGenerator.VectorFor(t))];
        });
        using var cache = new CachingEmbeddingGenerator(inner, newStore());
        string[] texts = Texts(100);

        GeneratedEmbeddings<Embedding<float>>[] results =
            await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => cache.GenerateAsync(texts))));

        Assert.Multiple(() =>
        {
            Assert.That(inner.TextsSent, Has.Count.EqualTo(100));
            Assert.That(inner.TextsSent, Is.EquivalentTo(texts));
            Assert.That(cache.Statistics.SharedTexts + cache.Statistics.Hits, Is.EqualTo(700));
            foreach (GeneratedEmbeddings<Embedding<float>> result in results)
            {
                AssertVectorsFor(result, texts);
            }
        });
    }

    [Test]
    public async Task GenerateAsync_FailsEveryWaiter_AndCachesNothing_WhenTheSharedFetchFails()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int callsWithB = 0;
        var inner = new ScriptedEmbeddingGenerator(async (texts, _, _) =>
        {
            await gate.Task;
            return texts.Contains("b") && Interlocked.Increment(ref callsWithB) == 1 ? throw new HttpRequestException("503") : await Embed(texts);
        });
        var store = new RecordingCacheStore();
        using var cache = new CachingEmbeddingGenerator(inner, store);
        Task<GeneratedEmbeddings<Embedding<float>>> first = cache.GenerateAsync(["a", "b"]);
        Task<GeneratedEmbeddings<Embedding<float>>> second = cache.GenerateAsync(["b", "c"]);
        gate.SetResult();

        var firstError = await Assert.ThrowsAsync<EmbeddingBatchException>(() => first);
        var secondError = await Assert.ThrowsAsync<EmbeddingBatchException>(() => second);
        GeneratedEmbeddings<Embedding<float>> retry = await cache.GenerateAsync(["a", "b", "c"]);

        Assert.Multiple(() =>
        {
            Assert.That(firstError!.FailedIndices, Is.EqualTo(new[] { 0, 1 }));
            Assert.That(secondError!.FailedIndices, Is.EqualTo(new[] { 0 }), "'b' was the first caller's fetch, and it failed; 'c' was the second's own");
            Assert.That(secondError.InnerException, Is.InstanceOf<HttpRequestException>());
            Assert.That(inner.TextsSent.Count(t => t == "b"), Is.EqualTo(2), "sent once by the shared fetch, once by the retry");
            AssertVectorsFor(retry, ["a", "b", "c"]);
            Assert.That(store.Entries, Has.Count.EqualTo(3));
        });
    }

    [Test]
    public async Task GenerateAsync_LetsTheOtherCallerFinish_WhenTheCallerThatStartedTheFetchIsCanceled()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tokens = new List<CancellationToken>();
        var inner = new ScriptedEmbeddingGenerator(async (texts, _, ct) =>
        {
            lock (tokens)
            {
                tokens.Add(ct);
            }

            await gate.Task;
            return await Embed(texts);
        });
        using var cache = new CachingEmbeddingGenerator(inner, new InMemoryEmbeddingCacheStore());
        using var cts = new CancellationTokenSource();
        Task<GeneratedEmbeddings<Embedding<float>>> starter = cache.GenerateAsync(["a", "b"], cancellationToken: cts.Token);
        Task<GeneratedEmbeddings<Embedding<float>>> waiter = cache.GenerateAsync(["b", "a"]);

        await cts.CancelAsync();
        Assert.That(() => starter, Throws.InstanceOf<OperationCanceledException>(), "the canceled caller stops waiting at once");
        gate.SetResult();
        GeneratedEmbeddings<Embedding<float>> result = await waiter;

        Assert.Multiple(() =>
        {
            AssertVectorsFor(result, ["b", "a"]);
            Assert.That(inner.Calls, Has.Count.EqualTo(1));
            Assert.That(tokens.Single().IsCancellationRequested, Is.False, "the shared fetch was not canceled");
        });
    }

    [Test]
    public async Task GenerateAsync_DoesNotCancelTheFetch_WhenAWaiterIsCanceled()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ScriptedEmbeddingGenerator inner = Gated(gate.Task);
        using var cache = new CachingEmbeddingGenerator(inner, new InMemoryEmbeddingCacheStore());
        using var cts = new CancellationTokenSource();
        Task<GeneratedEmbeddings<Embedding<float>>> starter = cache.GenerateAsync(["a"]);
        Task<GeneratedEmbeddings<Embedding<float>>> waiter = cache.GenerateAsync(["a"], cancellationToken: cts.Token);

        await cts.CancelAsync();
        Assert.That(() => waiter, Throws.InstanceOf<OperationCanceledException>());
        gate.SetResult();

        AssertVectorsFor(await starter, ["a"]);
        Assert.That(inner.Calls, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task GenerateAsync_CancelsTheFetch_WhenEveryCallerWaitingForItIsCanceled()
    {
        var tokens = new List<CancellationToken>();
        var inner = new ScriptedEmbeddingGenerator(async (texts, call, ct) =>
        {
            if (call == 0)
            {
                lock (tokens)
                {
                    tokens.Add(ct);
                }

                await Task.Delay(TimeSpan.FromSeconds(10), ct);
            }

            return await Embed(texts);
        });
        using var cache = new CachingEmbeddingGenerator(inner, new InMemoryEmbeddingCacheStore());
        using var first = new CancellationTokenSource();
        using var second = new CancellationTokenSource();
        Task<GeneratedEmbeddings<Embedding<float>>> a = cache.GenerateAsync(["x"], cancellationToken: first.Token);
        Task<GeneratedEmbeddings<Embedding<float>>> b = cache.GenerateAsync(["x"], cancellationToken: second.Token);

        await first.CancelAsync();
        await second.CancelAsync();

        Assert.Multiple(() =>
        {
            Assert.That(() => a, Throws.InstanceOf<OperationCanceledException>());
            Assert.That(() => b, Throws.InstanceOf<OperationCanceledException>());
        });
        AssertVectorsFor(await cache.GenerateAsync(["x"]), ["x"]);
        Assert.Multiple(() =>
        {
            Assert.That(inner.Calls, Has.Count.EqualTo(2), "the abandoned fetch is not reused");
            Assert.That(tokens.Single().IsCancellationRequested, Is.True, "nobody waited, so the fetch was canceled");
        });
    }
}
