using System.Diagnostics;
using EmbedClassify.Tests.TestDoubles;
using Microsoft.Extensions.AI;

namespace EmbedClassify.Tests.Telemetry;

public class EmbedClassifyTelemetryTests
{
    private static readonly LabeledExample[] Examples =
    [
        new("win a free prize now", "spam"),
        new("cheap pills free offer", "spam"),
        new("meeting notes for monday", "ham"),
        new("lunch with the team on monday", "ham"),
    ];

    [Test]
    public void Names_AreTheOnesOpenTelemetryIsToldToListenTo()
    {
        Assert.Multiple(() =>
        {
            Assert.That(EmbedClassifyTelemetry.ActivitySourceName, Is.EqualTo("EmbedClassify"));
            Assert.That(EmbedClassifyTelemetry.MeterName, Is.EqualTo("EmbedClassify"));
            Assert.That(Instrumentation.Source.Name, Is.EqualTo("EmbedClassify"));
            Assert.That(Instrumentation.Meter.Name, Is.EqualTo("EmbedClassify"));
            Assert.That(Instrumentation.CacheHits.Name, Is.EqualTo("embedclassify.cache.hits"));
            Assert.That(Instrumentation.CacheMisses.Name, Is.EqualTo("embedclassify.cache.misses"));
            Assert.That(Instrumentation.ProviderCalls.Name, Is.EqualTo("embedclassify.provider.calls"));
            Assert.That(Instrumentation.Predictions.Name, Is.EqualTo("embedclassify.predictions"));
        });
    }

    [Test]
    public async Task CreateAsync_EmitsCreateActivity_WithFittedStrategyClassCountAndExampleCount()
    {
        using var capture = new TelemetryCapture();

        await FewShotClassifier.CreateAsync(BagOfWords.Generator(), Examples, new FewShotClassifierOptions { Strategy = ClassificationStrategy.KNearestNeighbors });

        Activity create = capture.ActivitiesNamed(EmbedClassifyTelemetry.CreateActivityName).Single();
        Assert.Multiple(() =>
        {
            Assert.That(create.Source.Name, Is.EqualTo(EmbedClassifyTelemetry.ActivitySourceName));
            Assert.That(create.GetTagItem(EmbedClassifyTelemetry.StrategyTagName), Is.EqualTo("KNearestNeighbors"));
            Assert.That(create.GetTagItem(EmbedClassifyTelemetry.ClassCountTagName), Is.EqualTo(2));
            Assert.That(create.GetTagItem(EmbedClassifyTelemetry.ExampleCountTagName), Is.EqualTo(4));
            Assert.That(create.GetTagItem(EmbedClassifyTelemetry.BatchSizeTagName), Is.EqualTo(4));
            Assert.That(create.Status, Is.EqualTo(ActivityStatusCode.Unset));
        });
    }

    [Test]
    public async Task PredictAsync_AndPredictBatchAsync_EmitActivities_WithStrategyClassCountAndBatchSize()
    {
        var classifier = await FewShotClassifier.CreateAsync(BagOfWords.Generator(), Examples);
        using var capture = new TelemetryCapture();

        await classifier.PredictAsync("free prize offer");
        await classifier.PredictBatchAsync(["free prize offer", "team meeting monday", "cheap lunch"]);

        Activity predict = capture.ActivitiesNamed(EmbedClassifyTelemetry.PredictActivityName).Single();
        Activity batch = capture.ActivitiesNamed(EmbedClassifyTelemetry.PredictBatchActivityName).Single();
        Assert.Multiple(() =>
        {
            Assert.That(predict.GetTagItem(EmbedClassifyTelemetry.StrategyTagName), Is.EqualTo("NearestCentroid"));
            Assert.That(predict.GetTagItem(EmbedClassifyTelemetry.ClassCountTagName), Is.EqualTo(2));
            Assert.That(predict.GetTagItem(EmbedClassifyTelemetry.BatchSizeTagName), Is.EqualTo(1));
            Assert.That(batch.GetTagItem(EmbedClassifyTelemetry.StrategyTagName), Is.EqualTo("NearestCentroid"));
            Assert.That(batch.GetTagItem(EmbedClassifyTelemetry.BatchSizeTagName), Is.EqualTo(3));
            Assert.That(capture.ActivitiesNamed(EmbedClassifyTelemetry.CreateActivityName), Is.Empty, "only this test's flow is captured");
        });
    }

    [Test]
    public async Task Activities_NeverCarryInputTextOrLabels()
    {
        using var capture = new TelemetryCapture();

        var classifier = await FewShotClassifier.CreateAsync(BagOfWords.Generator(), Examples);
        await classifier.PredictAsync("secret customer complaint");
        await classifier.PredictBatchAsync(["secret customer complaint"]);

        string[] values = [.. capture.Activities.SelectMany(a => a.TagObjects).Select(t => Convert.ToString(t.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "")];
        Assert.Multiple(() =>
        {
            Assert.That(capture.Activities, Has.Count.EqualTo(3));
            Assert.That(values, Has.None.Contains("secret"));
            Assert.That(values, Has.None.Contains("spam").And.None.Contains("ham"));
            Assert.That(values, Has.None.Contains("prize"));
        });
    }

    [Test]
    public async Task PredictAsync_MarksActivityFailed_WithTheExceptionTypeOnly_WhenTheGeneratorThrows()
    {
        bool fail = false;
        var generator = new FakeEmbeddingGenerator(text => fail ? throw new InvalidOperationException("provider down for 'secret text'") : BagOfWords.Embed(text));
        var classifier = await FewShotClassifier.CreateAsync(generator, Examples);
        fail = true;
        using var capture = new TelemetryCapture();

        Assert.That(() => classifier.PredictAsync("secret text"), Throws.InvalidOperationException);

        Activity predict = capture.ActivitiesNamed(EmbedClassifyTelemetry.PredictActivityName).Single();
        Assert.Multiple(() =>
        {
            Assert.That(predict.Status, Is.EqualTo(ActivityStatusCode.Error));
            Assert.That(predict.StatusDescription, Is.EqualTo("System.InvalidOperationException"));
            Assert.That(predict.GetTagItem("error.type"), Is.EqualTo("System.InvalidOperationException"));
        });
    }

    [Test]
    public async Task Predictions_AreCounted_PerTextClassified_TaggedWithStrategy()
    {
        var centroid = await FewShotClassifier.CreateAsync(BagOfWords.Generator(), Examples);
        var knn = await FewShotClassifier.CreateAsync(BagOfWords.Generator(), Examples, new FewShotClassifierOptions { Strategy = ClassificationStrategy.KNearestNeighbors });
        using var capture = new TelemetryCapture();

        await centroid.PredictAsync("free prize offer");
        await centroid.PredictBatchAsync(["free prize offer", "team meeting monday", "free prize offer"]);
        await knn.PredictAsync("team meeting monday");

        Assert.Multiple(() =>
        {
            Assert.That(capture.Sum(EmbedClassifyTelemetry.PredictionsInstrumentName), Is.EqualTo(5));
            Assert.That(capture.Sum(EmbedClassifyTelemetry.PredictionsInstrumentName, EmbedClassifyTelemetry.StrategyTagName, "NearestCentroid"), Is.EqualTo(4));
            Assert.That(capture.Sum(EmbedClassifyTelemetry.PredictionsInstrumentName, EmbedClassifyTelemetry.StrategyTagName, "KNearestNeighbors"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Predictions_AreNotCounted_WhenPredictionFails()
    {
        bool fail = false;
        var generator = new FakeEmbeddingGenerator(text => fail ? throw new InvalidOperationException("down") : BagOfWords.Embed(text));
        var classifier = await FewShotClassifier.CreateAsync(generator, Examples);
        fail = true;
        using var capture = new TelemetryCapture();

        Assert.That(() => classifier.PredictBatchAsync(["a text"]), Throws.InvalidOperationException);

        Assert.That(capture.Sum(EmbedClassifyTelemetry.PredictionsInstrumentName), Is.Zero);
    }

    [Test]
    public async Task CachingGenerator_CountsHitsMissesAndProviderCalls_TaggedWithProviderOnly()
    {
        var inner = BagOfWords.Generator();
        using var cache = new CachingEmbeddingGenerator(inner, new InMemoryEmbeddingCacheStore(100), new CachingEmbeddingGeneratorOptions { BatchSize = 2 });
        using var capture = new TelemetryCapture();

        await cache.GenerateAsync(["alpha key", "beta key", "gamma key"]);          // 3 misses, 2 calls (batches of 2)
        await cache.GenerateAsync(["alpha key", "beta key", "delta key", "alpha key"]); // 2 hits, 1 miss, 1 call

        Assert.Multiple(() =>
        {
            Assert.That(capture.Sum(EmbedClassifyTelemetry.CacheHitsInstrumentName), Is.EqualTo(2));
            Assert.That(capture.Sum(EmbedClassifyTelemetry.CacheMissesInstrumentName), Is.EqualTo(4));
            Assert.That(capture.Sum(EmbedClassifyTelemetry.ProviderCallsInstrumentName), Is.EqualTo(3));
            Assert.That(capture.Sum(EmbedClassifyTelemetry.ProviderCallsInstrumentName, EmbedClassifyTelemetry.ProviderTagName, nameof(FakeEmbeddingGenerator)), Is.EqualTo(3));
            Assert.That(inner.Calls, Has.Count.EqualTo(3));
            Assert.That(cache.Statistics.Hits, Is.EqualTo(2), "the existing statistics are unchanged");
            Assert.That(cache.Statistics.Misses, Is.EqualTo(4));
            Assert.That(
                capture.TagsOf(EmbedClassifyTelemetry.CacheHitsInstrumentName).Concat(capture.TagsOf(EmbedClassifyTelemetry.CacheMissesInstrumentName)).Select(t => t.Key).Distinct(),
                Is.EqualTo(new[] { EmbedClassifyTelemetry.ProviderTagName }),
                "no key or text is a tag");
        });
    }

    [Test]
    public async Task CachingGenerator_TagsWithTheProviderNameFromMetadata()
    {
        var inner = new MetadataGenerator(new EmbeddingGeneratorMetadata("acme-embeddings", new Uri("https://user:pw@example.test/?key=secret"), "acme-small", BagOfWords.Dimensions));
        using var cache = new CachingEmbeddingGenerator(inner, new InMemoryEmbeddingCacheStore(100));
        using var capture = new TelemetryCapture();

        await cache.GenerateAsync(["one text"]);

        Assert.Multiple(() =>
        {
            Assert.That(capture.Sum(EmbedClassifyTelemetry.CacheMissesInstrumentName, EmbedClassifyTelemetry.ProviderTagName, "acme-embeddings"), Is.EqualTo(1));
            Assert.That(capture.TagsOf(EmbedClassifyTelemetry.ProviderCallsInstrumentName).Select(t => t.Value), Has.None.Contains("secret"));
        });
    }

    private sealed class MetadataGenerator(EmbeddingGeneratorMetadata metadata) : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
            IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(BagOfWords.Embed(v)))));

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(EmbeddingGeneratorMetadata) ? metadata : null;

        public void Dispose()
        {
        }
    }
}
