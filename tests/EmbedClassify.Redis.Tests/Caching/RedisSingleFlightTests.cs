using EmbedClassify.Redis.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using StackExchange.Redis;

namespace EmbedClassify.Redis.Tests.Caching;

/// <summary>
/// Two <see cref="CachingEmbeddingGenerator"/> instances on one <see cref="RedisEmbeddingCacheStore"/>: each instance's
/// own single flight cannot see the other's fetches, so these are the cross-process cases, in one process.
/// </summary>
public class RedisSingleFlightTests
{
    private static readonly string[] Texts = [.. Enumerable.Range(0, 30).Select(i => $"text {i}")];

    private ConnectionMultiplexer _redis = null!;
    private string _prefix = null!;

    [SetUp]
    public async Task SetUp()
    {
        _redis = await RedisTestServer.ConnectAsync();
        _prefix = RedisTestServer.FreshPrefix();
    }

    [TearDown]
    public void TearDown() => _redis?.Dispose();

    private RedisEmbeddingCacheStore NewStore(TimeSpan lease) =>
        new(_redis, new RedisEmbeddingCacheStoreOptions { KeyPrefix = _prefix, LeaseDuration = lease, PollInterval = TimeSpan.FromMilliseconds(20) });

    private static CachingEmbeddingGenerator NewCache(IEmbeddingGenerator<string, Embedding<float>> inner, IEmbeddingCacheStore store) =>
        new(inner, store, new CachingEmbeddingGeneratorOptions { ModelIdentity = "m", BatchSize = 8, MaxConcurrency = 2 });

    private static IEnumerable<float[]> Vectors(GeneratedEmbeddings<Embedding<float>> embeddings) => embeddings.Select(e => e.Vector.ToArray());

    [Test]
    [CancelAfter(30_000)]
    public async Task SecondInstance_WaitsForTheFirstInstancesFetch_InsteadOfPayingAgain(CancellationToken cancellationToken)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = new ScriptedGenerator((_, _) => gate.Task);
        var second = new ScriptedGenerator();
        var secondStore = new SignalingLeaseStore(NewStore(TimeSpan.FromSeconds(30)));
        using CachingEmbeddingGenerator firstCache = NewCache(first, NewStore(TimeSpan.FromSeconds(30)));
        using CachingEmbeddingGenerator secondCache = NewCache(second, secondStore);

        Task<GeneratedEmbeddings<Embedding<float>>> firstCall = firstCache.GenerateAsync(Texts, cancellationToken: cancellationToken);
        await first.Called.WaitAsync(cancellationToken);
        Task<GeneratedEmbeddings<Embedding<float>>> secondCall = secondCache.GenerateAsync([.. Texts, "only the second has this"], cancellationToken: cancellationToken);
        await secondStore.Waiting.WaitAsync(cancellationToken);
        gate.SetResult();
        GeneratedEmbeddings<Embedding<float>> fromFirst = await firstCall;
        GeneratedEmbeddings<Embedding<float>> fromSecond = await secondCall;

        Assert.Multiple(() =>
        {
            Assert.That(first.Texts, Is.EquivalentTo(Texts));
            Assert.That(second.Texts, Is.EqualTo(new[] { "only the second has this" }), "the texts in the first's flight were not paid for again");
            Assert.That(secondCache.Statistics.LeaseWaits, Is.EqualTo(Texts.Length));
            Assert.That(secondCache.Statistics.LeaseTakeovers, Is.Zero);
            Assert.That(Vectors(fromFirst), Is.EqualTo(Texts.Select(ScriptedGenerator.VectorFor)));
            Assert.That(Vectors(fromSecond), Is.EqualTo(Texts.Append("only the second has this").Select(ScriptedGenerator.VectorFor)));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Waiter_TakesOver_WhenTheHoldersProviderFails_AndTheFailureIsNotCached(CancellationToken cancellationToken)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = new ScriptedGenerator(async (_, _) =>
        {
            await gate.Task;
            throw new HttpRequestException("provider down");
        });
        var second = new ScriptedGenerator();
        var secondStore = new SignalingLeaseStore(NewStore(TimeSpan.FromSeconds(30)));
        using CachingEmbeddingGenerator firstCache = NewCache(first, NewStore(TimeSpan.FromSeconds(30)));
        using CachingEmbeddingGenerator secondCache = NewCache(second, secondStore);

        Task<GeneratedEmbeddings<Embedding<float>>> firstCall = firstCache.GenerateAsync(Texts, cancellationToken: cancellationToken);
        await first.Called.WaitAsync(cancellationToken);
        Task<GeneratedEmbeddings<Embedding<float>>> secondCall = secondCache.GenerateAsync(Texts, cancellationToken: cancellationToken);
        await secondStore.Waiting.WaitAsync(cancellationToken);
        gate.SetResult();

        // A 30-second lease that the failure did not release would trip the test's timeout here.
        GeneratedEmbeddings<Embedding<float>> fromSecond = await secondCall;

        Assert.Multiple(() =>
        {
            Assert.That(async () => await firstCall, Throws.InstanceOf<EmbeddingBatchException>().With.InnerException.InstanceOf<HttpRequestException>());
            Assert.That(second.Texts, Is.EquivalentTo(Texts), "the failed texts were fetched by the waiter, not answered from a cached failure");
            Assert.That(secondCache.Statistics.LeaseTakeovers, Is.EqualTo(Texts.Length));
            Assert.That(Vectors(fromSecond), Is.EqualTo(Texts.Select(ScriptedGenerator.VectorFor)));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Waiter_TakesOver_WhenTheHoldersCallIsCanceled(CancellationToken cancellationToken)
    {
        var first = new ScriptedGenerator((_, token) => Task.Delay(Timeout.Infinite, token));
        var second = new ScriptedGenerator();
        var secondStore = new SignalingLeaseStore(NewStore(TimeSpan.FromSeconds(30)));
        using CachingEmbeddingGenerator firstCache = NewCache(first, NewStore(TimeSpan.FromSeconds(30)));
        using CachingEmbeddingGenerator secondCache = NewCache(second, secondStore);
        using var cancelFirst = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        Task<GeneratedEmbeddings<Embedding<float>>> firstCall = firstCache.GenerateAsync(Texts, cancellationToken: cancelFirst.Token);
        await first.Called.WaitAsync(cancellationToken);
        Task<GeneratedEmbeddings<Embedding<float>>> secondCall = secondCache.GenerateAsync(Texts, cancellationToken: cancellationToken);
        await secondStore.Waiting.WaitAsync(cancellationToken);
        await cancelFirst.CancelAsync();
        GeneratedEmbeddings<Embedding<float>> fromSecond = await secondCall;

        Assert.Multiple(() =>
        {
            Assert.That(async () => await firstCall, Throws.InstanceOf<OperationCanceledException>());
            Assert.That(secondCache.Statistics.LeaseTakeovers, Is.EqualTo(Texts.Length));
            Assert.That(Vectors(fromSecond), Is.EqualTo(Texts.Select(ScriptedGenerator.VectorFor)));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task CanceledWaiter_StopsWaiting_WithoutTakingTheKeys(CancellationToken cancellationToken)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = new ScriptedGenerator((_, _) => gate.Task);
        var second = new ScriptedGenerator();
        var secondStore = new SignalingLeaseStore(NewStore(TimeSpan.FromSeconds(30)));
        using CachingEmbeddingGenerator firstCache = NewCache(first, NewStore(TimeSpan.FromSeconds(30)));
        using CachingEmbeddingGenerator secondCache = NewCache(second, secondStore);
        using var cancelSecond = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        Task<GeneratedEmbeddings<Embedding<float>>> firstCall = firstCache.GenerateAsync(Texts, cancellationToken: cancellationToken);
        await first.Called.WaitAsync(cancellationToken);
        Task<GeneratedEmbeddings<Embedding<float>>> secondCall = secondCache.GenerateAsync(Texts, cancellationToken: cancelSecond.Token);
        await secondStore.Waiting.WaitAsync(cancellationToken);
        await cancelSecond.CancelAsync();

        Assert.That(async () => await secondCall, Throws.InstanceOf<OperationCanceledException>());
        gate.SetResult();
        GeneratedEmbeddings<Embedding<float>> fromFirst = await firstCall;
        Assert.Multiple(() =>
        {
            Assert.That(second.Texts, Is.Empty);
            Assert.That(Vectors(fromFirst), Is.EqualTo(Texts.Select(ScriptedGenerator.VectorFor)));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Waiter_TakesOverAfterTheLeaseExpires_AndTheLateHolderStillStoresWhatItPaidFor(CancellationToken cancellationToken)
    {
        // The late holder's provider answers vectors twice as long, so the stored entry shows whose write landed last.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var late = new ScriptedGenerator((_, _) => gate.Task, scale: 2);
        var next = new ScriptedGenerator();
        using CachingEmbeddingGenerator lateCache = NewCache(late, NewStore(TimeSpan.FromMilliseconds(300)));
        using CachingEmbeddingGenerator nextCache = NewCache(next, NewStore(TimeSpan.FromSeconds(30)));
        var reader = new ScriptedGenerator();
        using CachingEmbeddingGenerator readerCache = NewCache(reader, NewStore(TimeSpan.FromSeconds(30)));

        Task<GeneratedEmbeddings<Embedding<float>>> lateCall = lateCache.GenerateAsync(Texts, cancellationToken: cancellationToken);
        await late.Called.WaitAsync(cancellationToken);
        GeneratedEmbeddings<Embedding<float>> fromNext = await nextCache.GenerateAsync(Texts, cancellationToken: cancellationToken);
        gate.SetResult();
        GeneratedEmbeddings<Embedding<float>> fromLate = await lateCall;
        GeneratedEmbeddings<Embedding<float>> stored = await readerCache.GenerateAsync(Texts, cancellationToken: cancellationToken);

        float[][] doubled = [.. Texts.Select(t => ScriptedGenerator.VectorFor(t).Select(v => v * 2).ToArray())];
        Assert.Multiple(() =>
        {
            Assert.That(next.Texts, Is.EquivalentTo(Texts), "the lease expired, so the waiter fetched the texts itself");
            Assert.That(nextCache.Statistics.LeaseTakeovers, Is.EqualTo(Texts.Length));
            Assert.That(Vectors(fromNext), Is.EqualTo(Texts.Select(ScriptedGenerator.VectorFor)));
            Assert.That(Vectors(fromLate), Is.EqualTo(doubled), "the late holder's callers get what it paid for");
            Assert.That(reader.Texts, Is.Empty);
            Assert.That(Vectors(stored), Is.EqualTo(doubled), "the late holder stored its vectors although its lease had expired");
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task OneCall_LeasesOnlyWhatIsMissing_AndFetchesItInOneInnerCall(CancellationToken cancellationToken)
    {
        var inner = new ScriptedGenerator();
        var store = new SignalingLeaseStore(NewStore(TimeSpan.FromSeconds(30)));
        using var cache = new CachingEmbeddingGenerator(inner, store, new CachingEmbeddingGeneratorOptions { ModelIdentity = "m" });
        await cache.GenerateAsync(Texts[..10], cancellationToken: cancellationToken);
        int leasedBefore = store.LeaseRequests.Count;

        await cache.GenerateAsync(Texts, cancellationToken: cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(store.LeaseRequests.Count - leasedBefore, Is.EqualTo(20), "the 10 stored texts were not leased");
            Assert.That(cache.Statistics.ProviderCalls, Is.EqualTo(2), "one inner call per GenerateAsync call");
            Assert.That(inner.Texts, Is.EqualTo(Texts));
        });
    }
}
