using EmbedClassify.Onnx.ArcticXs;
using Microsoft.Extensions.AI;

namespace EmbedClassify.Onnx.Tests;

/// <summary>The README's "Two models as two views" with the real local models: a view per model, saved and reloaded.</summary>
public class LocalModelPairTests
{
    private static readonly LabeledExample[] Examples =
    [
        new("Congratulations, you won a free cruise! Claim your prize now.", "spam"),
        new("Cheap meds online, no prescription needed, order today", "spam"),
        new("Limited offer: earn $5000 a week from home", "spam"),
        new("Can we move tomorrow's meeting to 3pm?", "ham"),
        new("Here are the notes from Monday's project review.", "ham"),
        new("Are you coming to dinner on Saturday?", "ham"),
    ];

    [Test]
    public async Task ThePair_FitsAViewPerModel_PredictsAsEachModelsCentroidsSay_AndLoadsOnlyWithBothModels()
    {
        var store = new InMemoryEmbeddingCacheStore();
        using OnnxEmbeddingGenerator miniLM = OnnxEmbeddingGenerator.CreateDefault();
        using OnnxEmbeddingGenerator arctic = ArcticXsEmbeddingGenerator.Create();
        var cachedMiniLM = new CachingEmbeddingGenerator(miniLM, store);
        var cachedArctic = new CachingEmbeddingGenerator(arctic, store);
        using var pair = new MultiViewEmbeddingGenerator(cachedMiniLM, cachedArctic);

        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(pair, Examples);
        using var stream = new MemoryStream();
        await classifier.SaveAsync(stream);
        stream.Position = 0;
        FewShotClassifier loaded = await FewShotClassifier.LoadAsync(pair, stream);
        string[] queries = ["You have been selected for a free gift card, click here", "Let's review the budget at Thursday's meeting"];
        IReadOnlyList<Prediction> predictions = await loaded.PredictBatchAsync(queries);
        IReadOnlyList<Prediction> original = await classifier.PredictBatchAsync(queries);

        Assert.Multiple(() =>
        {
            Assert.That(classifier.Views.Select(v => v.Name), Is.EqualTo(new[] { "embedding", "embedding.1", "words" }));
            Assert.That(pair.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId, Is.EqualTo("onnx/all-MiniLM-L6-v2+onnx/snowflake-arctic-embed-xs"));
            Assert.That(predictions.Select(p => p.Label), Is.EqualTo(new[] { "spam", "ham" }));
            Assert.That(predictions.Select(p => p.Scores), Is.EqualTo(original.Select(p => p.Scores)));

            // Each model embedded each text once, though the classifier and its reloaded copy both predicted them.
            Assert.That(cachedMiniLM.Statistics.Misses, Is.EqualTo(Examples.Length + 2 + queries.Length));
            Assert.That(cachedArctic.Statistics.Misses, Is.EqualTo(cachedMiniLM.Statistics.Misses));
            stream.Position = 0;
            Assert.That(() => FewShotClassifier.LoadAsync(miniLM, stream), Throws.InstanceOf<EmbeddingModelMismatchException>().With.Message.Contains("snowflake-arctic-embed-xs"));
        });
    }
}
