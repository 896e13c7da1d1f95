using System.Runtime.CompilerServices;
using EmbedClassify.Tests.TestDoubles;

namespace EmbedClassify.Tests.Classification;

public class FewShotClassifierStreamingTests
{
    private static readonly LabeledExample[] Examples =
    [
        new("my invoice was charged twice", "billing"),
        new("refund the payment on my card", "billing"),
        new("the app crashes on start", "bug"),
        new("error when saving a file", "bug"),
    ];

    private static readonly FewShotClassifierOptions Options = new() { LabelNamesAsDescriptions = false };

    // Distinct texts that alternate between the two classes' words.
    private static string[] Texts(int count) =>
        [.. Enumerable.Range(0, count).Select(i => i % 2 == 0 ? $"invoice {i} charged twice" : $"app {i} crashes on saving")];

    [Test]
    public async Task PredictStreamAsync_ReturnsThePredictionsOfPredictBatchAsync_InInputOrder()
    {
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(BagOfWords.Generator(), Examples, Options);
        string[] texts = Texts(1000);
        IReadOnlyList<Prediction> expected = await classifier.PredictBatchAsync(texts);

        List<Prediction> streamed = await classifier.PredictStreamAsync(texts.ToAsyncEnumerable(), chunkSize: 64).ToListAsync();

        Assert.That(streamed, Has.Count.EqualTo(texts.Length));
        for (int i = 0; i < texts.Length; i++)
        {
            Assert.That((streamed[i].Label, streamed[i].Score), Is.EqualTo((expected[i].Label, expected[i].Score)), $"text {i}");
        }

        Assert.That(streamed.Select(p => p.Label).Distinct(), Is.EquivalentTo(new[] { "billing", "bug" }), "both classes occur, so order matters");
    }

    [Test]
    public async Task PredictStreamAsync_TakesAChunkSizeLargerThanTheInput_AsOneChunk()
    {
        // A caller who wants everything in one call passes int.MaxValue; the chunk buffers used to be allocated at that
        // capacity up front (OutOfMemoryException), and at 100 million a few texts cost 1.6 GB.
        FakeEmbeddingGenerator generator = BagOfWords.Generator();
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(generator, Examples, Options);
        int callsToCreate = generator.Calls.Count;
        string[] texts = Texts(10);
        IReadOnlyList<Prediction> expected = await classifier.PredictBatchAsync(texts);

        List<Prediction> streamed = await classifier.PredictStreamAsync(texts.ToAsyncEnumerable(), chunkSize: int.MaxValue).ToListAsync();
        List<(int Item, Prediction Prediction)> items = await classifier.PredictStreamAsync(Enumerable.Range(0, 10).ToAsyncEnumerable(), i => texts[i], int.MaxValue).ToListAsync();

        Assert.Multiple(() =>
        {
            Assert.That(streamed.Select(p => (p.Label, p.Score)), Is.EqualTo(expected.Select(p => (p.Label, p.Score))));
            Assert.That(items.Select(r => (r.Prediction.Label, r.Prediction.Score)), Is.EqualTo(expected.Select(p => (p.Label, p.Score))));
            Assert.That(generator.Calls.Skip(callsToCreate + 1), Has.Exactly(2).Items, "one call per stream");
        });
    }

    [Test]
    public async Task PredictStreamAsync_CallsTheGeneratorOncePerChunk()
    {
        FakeEmbeddingGenerator generator = BagOfWords.Generator();
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(generator, Examples, Options);
        int callsToCreate = generator.Calls.Count;
        string[] texts = Texts(1000);

        await classifier.PredictStreamAsync(texts.ToAsyncEnumerable(), chunkSize: 64).ToListAsync();

        IReadOnlyList<IReadOnlyList<string>> calls = [.. generator.Calls.Skip(callsToCreate)];
        Assert.That(calls, Has.Count.EqualTo(16), "1000 texts in chunks of 64");
        Assert.That(calls.SelectMany(c => c), Is.EquivalentTo(texts), "each text once (two chunks may be in flight at a time)");
        Assert.That(calls.Max(c => c.Count), Is.EqualTo(64));
    }

    [Test]
    public async Task PredictStreamAsync_ReadsAtMostTwoChunksAheadOfTheCaller()
    {
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(BagOfWords.Generator(), Examples, Options);
        var source = new CountingSource(Texts(2000));
        int mostAhead = 0;
        int received = 0;

        await foreach (Prediction _ in classifier.PredictStreamAsync(source, chunkSize: 50))
        {
            received++;
            mostAhead = Math.Max(mostAhead, source.Read - received);
        }

        Assert.That(received, Is.EqualTo(2000));
        Assert.That(mostAhead, Is.LessThanOrEqualTo(2 * 50), "memory depends on the chunk size, not on the input length");
    }

    [Test]
    public async Task PredictStreamAsync_WithItems_ReturnsEachItemWithItsPrediction()
    {
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(BagOfWords.Generator(), Examples, Options);
        (int Id, string Text)[] items = [.. Texts(300).Select((text, i) => (Id: 1000 + i, Text: text))];

        List<((int Id, string Text) Item, Prediction Prediction)> results =
            await classifier.PredictStreamAsync(items.ToAsyncEnumerable(), item => item.Text, chunkSize: 7).ToListAsync();

        Assert.That(results.Select(r => r.Item.Id), Is.EqualTo(items.Select(i => i.Id)));
        Assert.That(results.Select(r => r.Prediction.Label), Is.EqualTo(items.Select(i => i.Id % 2 == 0 ? "billing" : "bug")));
    }

    [Test]
    public async Task PredictStreamAsync_AfterAFailedRun_PaysOnlyForTheTextsNotYetCached()
    {
        // A crash in the middle of a run (the provider fails on the chunk holding text 500), then the same run again.
        var store = new InMemoryEmbeddingCacheStore();
        var cacheOptions = new CachingEmbeddingGeneratorOptions { ModelIdentity = "bag-of-words", BatchSize = 100 };
        string[] texts = Texts(1000);
        var paidInFirstRun = new List<string>();
        var failing = new FakeEmbeddingGenerator((batch, _) =>
        {
            if (batch.Contains(texts[500]))
            {
                throw new HttpRequestException("the provider went away");
            }

            lock (paidInFirstRun)
            {
                paidInFirstRun.AddRange(batch);
            }

            return [.. batch.Select(BagOfWords.Embed)];
        });
        using (var cache = new CachingEmbeddingGenerator(failing, store, cacheOptions))
        {
            FewShotClassifier first = await FewShotClassifier.CreateAsync(cache, Examples, Options);
            paidInFirstRun.Clear();
            Assert.That(async () => await first.PredictStreamAsync(texts.ToAsyncEnumerable(), chunkSize: 100).ToListAsync(), Throws.TypeOf<EmbeddingBatchException>().With.InnerException.TypeOf<HttpRequestException>());
        }

        FakeEmbeddingGenerator healthy = BagOfWords.Generator();
        using var again = new CachingEmbeddingGenerator(healthy, store, cacheOptions);
        FewShotClassifier second = await FewShotClassifier.CreateAsync(again, Examples, Options);
        int callsToCreate = healthy.Calls.Count;

        List<Prediction> predictions = await second.PredictStreamAsync(texts.ToAsyncEnumerable(), chunkSize: 100).ToListAsync();

        string[] paidInSecondRun = [.. healthy.Calls.Skip(callsToCreate).SelectMany(c => c)];
        Assert.Multiple(() =>
        {
            Assert.That(predictions, Has.Count.EqualTo(1000));
            Assert.That(callsToCreate, Is.Zero, "the examples were cached by the first run");
            Assert.That(paidInFirstRun, Is.SupersetOf(texts[..500]), "every chunk before the failure was paid and kept");
            Assert.That(paidInSecondRun, Is.EquivalentTo(texts.Except(paidInFirstRun)), "only what the first run did not pay for");
            Assert.That(paidInSecondRun, Does.Contain(texts[500]));
        });
    }

    [Test]
    public async Task PredictStreamAsync_StopsWithOperationCanceled_WhenCanceledMidway()
    {
        FakeEmbeddingGenerator generator = BagOfWords.Generator();
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(generator, Examples, Options);
        using var cancellation = new CancellationTokenSource();
        int received = 0;

        Assert.That(
            async () =>
            {
                await foreach (Prediction _ in classifier.PredictStreamAsync(Texts(1000).ToAsyncEnumerable(), chunkSize: 10, cancellation.Token))
                {
                    if (++received == 25)
                    {
                        await cancellation.CancelAsync();
                    }
                }
            },
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(received, Is.LessThan(50), "nothing after the chunk being returned when it was canceled");
    }

    [Test]
    public async Task PredictStreamAsync_RefusesBadArguments_NamingThem()
    {
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(BagOfWords.Generator(), Examples, Options);
        IAsyncEnumerable<string> texts = Texts(3).ToAsyncEnumerable();

        Assert.Multiple(() =>
        {
            Assert.That(() => classifier.PredictStreamAsync(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("texts"));
            Assert.That(() => classifier.PredictStreamAsync(texts, chunkSize: 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("chunkSize"));
            Assert.That(() => classifier.PredictStreamAsync<string>(null!, t => t), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("items"));
            Assert.That(() => classifier.PredictStreamAsync(texts, (Func<string, string>)null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("textSelector"));
            Assert.That(() => classifier.PredictStreamAsync(texts, t => t, chunkSize: -1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("chunkSize"));
        });
    }

    [Test]
    public async Task PredictStreamAsync_FailsAtABlankText_NamingItsPosition()
    {
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(BagOfWords.Generator(), Examples, Options);
        string[] texts = [.. Texts(5), " \u200B ", .. Texts(3)];

        ArgumentException? error = await Assert.ThrowsAsync<ArgumentException>(async () => await classifier.PredictStreamAsync(texts.ToAsyncEnumerable(), chunkSize: 2).ToListAsync());

        Assert.That(error!.ParamName, Is.EqualTo("texts"));
        Assert.That(error.Message, Does.StartWith("texts[5] is blank"));
    }

    /// <summary>A source that counts how many texts have been read from it.</summary>
    private sealed class CountingSource(string[] texts) : IAsyncEnumerable<string>
    {
        public int Read { get; private set; }

        public async IAsyncEnumerator<string> GetAsyncEnumerator(CancellationToken cancellationToken = default)
        {
            foreach (string text in texts)
            {
                await Task.Yield();
                Read++;
                yield return text;
            }
        }
    }
}
