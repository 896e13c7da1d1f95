using EmbedClassify.Tests.TestDoubles;
using Microsoft.Extensions.AI;

namespace EmbedClassify.Tests.Caching;

public partial class CachingEmbeddingGeneratorTests
{
    private static Task<IReadOnlyList<float[]>> Embed(IReadOnlyList<string> texts) =>
        Task.FromResult<IReadOnlyList<float[]>>([.. texts.Select(t => ScriptedEmbeddingGenerator.VectorFor(t))]);

    private static CachingEmbeddingGeneratorOptions Batches(int size, int concurrency = 1) =>
        new() { BatchSize = size, MaxConcurrency = concurrency };

    [Test]
    public async Task GenerateAsync_SendsMissesInBatches_AndStoresEachBatchInOneWrite()
    {
        var inner = ScriptedEmbeddingGenerator.Deterministic();
        var store = new RecordingCacheStore();
        using var cache = new CachingEmbeddingGenerator(inner, store, Batches(10, 3));
        string[] texts = Texts(95);

        GeneratedEmbeddings<Embedding<float>> result = await cache.GenerateAsync(texts);

        Assert.Multiple(() =>
        {
            AssertVectorsFor(result, texts);
            Assert.That(inner.Calls, Has.Count.EqualTo(10));
            Assert.That(inner.Calls.Select(c => c.Count).Order(), Is.EqualTo(new[] { 5, 10, 10, 10, 10, 10, 10, 10, 10, 10 }));
            Assert.That(inner.TextsSent, Is.EquivalentTo(texts));
            Assert.That(store.Writes, Has.Count.EqualTo(10));
            Assert.That(store.Entries, Has.Count.EqualTo(95));
            Assert.That(store.Reads, Is.EqualTo(1), "all lookups go in one read");
        });
    }

    [Test]
    public async Task GenerateAsync_RunsAtMostMaxConcurrencyCalls_AndReachesIt()
    {
        const int MaxConcurrency = 3;
        var allBusy = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int running = 0;
        var inner = new ScriptedEmbeddingGenerator(async (texts, _, _) =>
        {
            // The first calls wait until MaxConcurrency of them overlap, so the test proves the bound is reached
            // without timing; a fourth concurrent call would show up in MaxConcurrentCalls.
            if (Interlocked.Increment(ref running) == MaxConcurrency)
            {
                allBusy.TrySetResult();
            }

            await allBusy.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Interlocked.Decrement(ref running);
            return await Embed(texts);
        });
        using var cache = new CachingEmbeddingGenerator(inner, new RecordingCacheStore(), Batches(5, MaxConcurrency));

        await cache.GenerateAsync(Texts(100));

        Assert.Multiple(() =>
        {
            Assert.That(inner.MaxConcurrentCalls, Is.EqualTo(MaxConcurrency));
            Assert.That(inner.Calls, Has.Count.EqualTo(20));
        });
    }

    [Test]
    public async Task GenerateAsync_KeepsCompletedBatches_AndListsExactlyTheFailedInputs_WhenTheThirdBatchFails()
    {
        var failing = new ScriptedEmbeddingGenerator((texts, call, _) =>
            call == 2 ? throw new HttpRequestException("503 Service Unavailable") : Embed(texts));
        var store = new RecordingCacheStore();
        string[] texts = Texts(50);
        using var cache = new CachingEmbeddingGenerator(failing, store, Batches(10));

        var error = await Assert.ThrowsAsync<EmbeddingBatchException>(() => cache.GenerateAsync(texts));

        IReadOnlyList<IReadOnlyList<KeyValuePair<string, byte[]>>> writes = store.Writes;
        var working = ScriptedEmbeddingGenerator.Deterministic();
        using var rerun = new CachingEmbeddingGenerator(working, store, Batches(10));
        GeneratedEmbeddings<Embedding<float>> result = await rerun.GenerateAsync(texts);
        Assert.Multiple(() =>
        {
            Assert.That(error!.FailedIndices, Is.EqualTo(Enumerable.Range(20, 30)));
            Assert.That(error.InputCount, Is.EqualTo(50));
            Assert.That(error.InnerException, Is.InstanceOf<HttpRequestException>());
            Assert.That(failing.Calls, Has.Count.EqualTo(3), "no batch starts after a failure");
            Assert.That(writes, Has.Count.EqualTo(2), "one write per completed batch, none for the failed one");
            Assert.That(writes.SelectMany(w => w).Select(e => e.Key).Distinct().Count(), Is.EqualTo(20));
            Assert.That(working.TextsSent, Is.EqualTo(texts[20..]), "the rerun sends only what is missing");
            AssertVectorsFor(result, texts);
        });
    }

    [Test]
    public async Task GenerateAsync_MapsFailedIndicesThroughDuplicatesAndHits()
    {
        var store = new RecordingCacheStore();
        using (var warm = new CachingEmbeddingGenerator(ScriptedEmbeddingGenerator.Deterministic(), store))
        {
            await warm.GenerateAsync(["hit"]);
        }

        // Distinct misses in first-seen order: a, c | b, d; the second batch fails.
        var failing = new ScriptedEmbeddingGenerator((texts, call, _) => call == 1 ? throw new InvalidDataException("bad") : Embed(texts));
        using var cache = new CachingEmbeddingGenerator(failing, store, Batches(2));

        var error = await Assert.ThrowsAsync<EmbeddingBatchException>(() => cache.GenerateAsync(["a", "c", "hit", "b", "a", "d", "c", "hit", "b"]));

        Assert.That(error!.FailedIndices, Is.EqualTo(new[] { 3, 5, 8 }));
    }

    [Test]
    public async Task GenerateAsync_LetsBatchesInFlightFinishAndStore_WhenAnotherBatchFails()
    {
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inner = new ScriptedEmbeddingGenerator(async (texts, _, _) =>
        {
            if (texts[0] == "text 10")
            {
                failed.SetResult();
                throw new HttpRequestException("500");
            }

            // Batch 0 completes only after batch 1 has failed.
            await failed.Task.WaitAsync(TimeSpan.FromSeconds(10));
            return await Embed(texts);
        });
        var store = new RecordingCacheStore();
        using var cache = new CachingEmbeddingGenerator(inner, store, Batches(10, concurrency: 2));

        var error = await Assert.ThrowsAsync<EmbeddingBatchException>(() => cache.GenerateAsync(Texts(40)));

        Assert.Multiple(() =>
        {
            Assert.That(error!.FailedIndices, Is.EqualTo(Enumerable.Range(10, 30)));
            Assert.That(store.Entries, Has.Count.EqualTo(10));
            Assert.That(inner.Calls, Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task GenerateAsync_ReportsTheWholeBatch_WhenTheInnerGeneratorThrowsEmbeddingBatchException()
    {
        // The inner exception says only input 1 of the batch failed, but it was built without the vectors of the
        // others, so nothing of the batch can be cached or returned: every input of it must be reported as failed.
        var inner = new ScriptedEmbeddingGenerator((texts, call, _) =>
            call == 1 ? throw new EmbeddingBatchException([1], texts.Count, new HttpRequestException("429")) : Embed(texts));
        var store = new RecordingCacheStore();
        using var cache = new CachingEmbeddingGenerator(inner, store, Batches(4));

        var error = await Assert.ThrowsAsync<EmbeddingBatchException>(() => cache.GenerateAsync(Texts(10)));

        Assert.Multiple(() =>
        {
            Assert.That(error!.FailedIndices, Is.EqualTo(Enumerable.Range(4, 6)));
            Assert.That(error.InnerException, Is.InstanceOf<EmbeddingBatchException>());
            Assert.That(store.Entries, Has.Count.EqualTo(4));
        });
    }

    [TestCase(9, 8, TestName = "GenerateAsync_FailsTheBatch_WhenTheProviderReturnsTooFewEmbeddings")]
    [TestCase(10, 7, TestName = "GenerateAsync_FailsTheBatch_WhenTheProviderReturnsTheWrongVectorLength")]
    public async Task GenerateAsync_FailsTheBatchWithoutCachingIt_WhenTheProviderAnswerIsMalformed(int returned, int length)
    {
        var inner = new ScriptedEmbeddingGenerator((texts, _, _) =>
            Task.FromResult<IReadOnlyList<float[]>>([.. texts.Take(returned).Select(t => ScriptedEmbeddingGenerator.VectorFor(t, length))]));
        var store = new RecordingCacheStore();
        using var cache = new CachingEmbeddingGenerator(inner, store);

        var error = await Assert.ThrowsAsync<EmbeddingBatchException>(() => cache.GenerateAsync(Texts(10), new EmbeddingGenerationOptions { Dimensions = 8 }));

        Assert.Multiple(() =>
        {
            Assert.That(error!.FailedIndices, Has.Count.EqualTo(10));
            Assert.That(error.InnerException, Is.InstanceOf<InvalidOperationException>());
            Assert.That(store.Entries, Is.Empty);
        });
    }

    [Test]
    public async Task GenerateAsync_KeepsCompletedBatches_WhenCanceledMidway()
    {
        using var cts = new CancellationTokenSource();
        var inner = new ScriptedEmbeddingGenerator((texts, call, ct) =>
        {
            if (call == 2)
            {
                cts.Cancel();
                ct.ThrowIfCancellationRequested();
            }

            return Embed(texts);
        });
        var store = new RecordingCacheStore();
        string[] texts = Texts(50);
        using var cache = new CachingEmbeddingGenerator(inner, store, Batches(10));

        Assert.That(() => cache.GenerateAsync(texts, cancellationToken: cts.Token), Throws.InstanceOf<OperationCanceledException>());

        var working = ScriptedEmbeddingGenerator.Deterministic();
        using var rerun = new CachingEmbeddingGenerator(working, store, Batches(10));
        await rerun.GenerateAsync(texts);
        Assert.Multiple(() =>
        {
            Assert.That(inner.Calls, Has.Count.EqualTo(3));
            Assert.That(working.TextsSent, Is.EqualTo(texts[20..]));
        });
    }

    [Test]
    public void GenerateAsync_StoresABatchThatCompleted_EvenWhenCanceledJustBefore()
    {
        using var cts = new CancellationTokenSource();
        var inner = new ScriptedEmbeddingGenerator((texts, call, _) =>
        {
            if (call == 1)
            {
                // The provider has answered (and charged) by the time the caller cancels.
                cts.Cancel();
            }

            return Embed(texts);
        });
        var store = new RecordingCacheStore();
        using var cache = new CachingEmbeddingGenerator(inner, store, Batches(10));

        Assert.That(() => cache.GenerateAsync(Texts(50), cancellationToken: cts.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.Multiple(() =>
        {
            Assert.That(store.Entries, Has.Count.EqualTo(20));
            Assert.That(inner.Calls, Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task GenerateAsync_ReturnsThePaidVectors_CountsTheFailedWrite_AndRetriesItOnTheNextCall()
    {
        // Issue 12, item 3 (never lose a paid vector): a write that fails after the provider was paid used to throw and discard the vectors.
        var store = new RecordingCacheStore();
        int writes = 0;
        store.BeforeWrite = _ =>
        {
            if (Interlocked.Increment(ref writes) == 2)
            {
                throw new IOException("disk full");
            }
        };
        var inner = ScriptedEmbeddingGenerator.Deterministic();
        var logger = new ListLogger();
        using var cache = new CachingEmbeddingGenerator(inner, store, Batches(10), logger);
        string[] texts = Texts(50);

        GeneratedEmbeddings<Embedding<float>> first = await cache.GenerateAsync(texts);
        int entriesAfterFirst = store.Entries.Count;
        int pendingAfterFirst = cache.PendingWriteCount;
        GeneratedEmbeddings<Embedding<float>> second = await cache.GenerateAsync(texts);

        Assert.Multiple(() =>
        {
            AssertVectorsFor(first, texts);
            AssertVectorsFor(second, texts);
            Assert.That(entriesAfterFirst, Is.EqualTo(40), "one batch of ten could not be written");
            Assert.That(pendingAfterFirst, Is.EqualTo(10));
            Assert.That(store.Entries, Has.Count.EqualTo(50), "the next call wrote the held batch");
            Assert.That(cache.PendingWriteCount, Is.Zero);
            Assert.That(inner.TextsSent, Has.Count.EqualTo(50), "nothing was paid for twice");
            Assert.That(cache.Statistics.FailedWrites, Is.EqualTo(1));
            Assert.That(logger.Entries.Any(e => e.Exception is IOException), Is.True, "the failed write is logged");
        });
    }

    [Test]
    public async Task GenerateAsync_AnswersFromHeldVectors_AndKeepsRetrying_WhileTheStoreStaysUnwritable()
    {
        var store = new RecordingCacheStore { BeforeWrite = _ => throw new IOException("read-only file system") };
        var inner = ScriptedEmbeddingGenerator.Deterministic();
        using var cache = new CachingEmbeddingGenerator(inner, store);

        await cache.GenerateAsync(["a", "b"]);
        GeneratedEmbeddings<Embedding<float>> again = await cache.GenerateAsync(["a", "b"]);

        Assert.Multiple(() =>
        {
            AssertVectorsFor(again, ["a", "b"]);
            Assert.That(inner.Calls, Has.Count.EqualTo(1));
            Assert.That(cache.Statistics.FailedWrites, Is.EqualTo(2), "the first write and its retry");
            Assert.That(cache.PendingWriteCount, Is.EqualTo(2));
        });
    }

    [Test]
    public void GenerateAsync_MakesNoCall_WhenCanceledBeforeStarting()
    {
        var inner = ScriptedEmbeddingGenerator.Deterministic();
        var store = new RecordingCacheStore();
        using var cache = new CachingEmbeddingGenerator(inner, store);

        Assert.That(() => cache.GenerateAsync(Texts(5), cancellationToken: new CancellationToken(canceled: true)), Throws.InstanceOf<OperationCanceledException>());
        Assert.Multiple(() =>
        {
            Assert.That(inner.Calls, Is.Empty);
            Assert.That(store.Reads, Is.Zero);
        });
    }
}
