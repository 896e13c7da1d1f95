using System.Text;
using EmbedClassify.Tests.Persistence;
using EmbedClassify.Tests.TestDoubles;
using Microsoft.Extensions.AI;

namespace EmbedClassify.Tests.Classification;

public class FewShotClassifierMultiViewTests
{
    internal static readonly LabeledExample[] Examples =
    [
        new("win a free prize now", "spam"),
        new("cheap pills free offer", "spam"),
        new("free money claim your prize", "spam"),
        new("meeting notes for monday", "ham"),
        new("lunch with the team on monday", "ham"),
        new("agenda for the team meeting", "ham"),
        new("the garden needs water today", "garden"),
        new("plant tomatoes in the garden", "garden"),
        new("water the plants and the roses", "garden"),
    ];

    internal static readonly string[] Queries =
    [
        "claim a free prize", "team lunch on monday", "roses in the garden", "free pills offer", "monday agenda", "plant the roses",
    ];

    private static readonly string[] Expected = ["spam", "ham", "garden", "spam", "ham", "garden"];

    private static HashedEmbeddings Words() => new("words-64", 64, HashedEmbeddings.Kind.Words);

    private static HashedEmbeddings Trigrams() => new("trigrams-48", 48, HashedEmbeddings.Kind.Trigrams);

    private static HashedEmbeddings Noise() => new("noise-32", 32, HashedEmbeddings.Kind.Noise);

    [Test]
    public async Task GenerateAsync_LaysEachModelsVectorEndToEnd_InViewOrder_CallingEachModelOnce()
    {
        HashedEmbeddings words = Words();
        HashedEmbeddings trigrams = Trigrams();
        using var views = new MultiViewEmbeddingGenerator(words, trigrams);

        GeneratedEmbeddings<Embedding<float>> result = await views.GenerateAsync(["free prize", "monday"]);

        Assert.Multiple(() =>
        {
            Assert.That(views.Dimensions, Is.EqualTo(112));
            Assert.That(result[0].Vector.ToArray(), Is.EqualTo(HashedEmbeddings.Embed("free prize", 64, HashedEmbeddings.Kind.Words).Concat(HashedEmbeddings.Embed("free prize", 48, HashedEmbeddings.Kind.Trigrams))));
            Assert.That(result[1].Vector.Length, Is.EqualTo(112));
            Assert.That(words.Sent, Is.EqualTo(new[] { "free prize", "monday" }));
            Assert.That(trigrams.Sent, Is.EqualTo(new[] { "free prize", "monday" }));
            EmbeddingGeneratorMetadata metadata = views.GetService<EmbeddingGeneratorMetadata>()!;
            Assert.That(metadata.ProviderName, Is.EqualTo(MultiViewEmbeddingGenerator.ProviderName));
            Assert.That(metadata.DefaultModelId, Is.EqualTo("hashed/words-64+hashed/trigrams-48"));
            Assert.That(metadata.DefaultModelDimensions, Is.EqualTo(112));
            Assert.That(views.Models.Select(m => m.ModelId), Is.EqualTo(new[] { "words-64", "trigrams-48" }));
        });
    }

    [Test]
    public void Constructor_RefusesWhatCannotBeTwoViews_NamingTheArgument()
    {
        var noMetadata = new FakeEmbeddingGenerator(BagOfWords.Embed);
        var noDimensions = new MetadataEmbeddingGenerator("p", "m", null);
        Assert.Multiple(() =>
        {
            Assert.That(() => new MultiViewEmbeddingGenerator(Words()), Throws.ArgumentException.With.Property("ParamName").EqualTo("generators").And.Message.Contains("at least two"));
            Assert.That(() => new MultiViewEmbeddingGenerator(Words(), null!), Throws.ArgumentNullException.With.Message.Contains("generators[1]"));
            Assert.That(() => new MultiViewEmbeddingGenerator(Words(), noMetadata), Throws.ArgumentException.With.Message.Contains("generators[1]"));
            Assert.That(() => new MultiViewEmbeddingGenerator(noDimensions, Words()), Throws.ArgumentException.With.Message.Contains("generators[0]").And.Message.Contains("vector length"));
            Assert.That(() => new MultiViewEmbeddingGenerator(Words(), Words()), Throws.ArgumentException.With.Message.Contains("same model"));
            Assert.That(() => new MultiViewEmbeddingGenerator(new MultiViewEmbeddingGenerator(Words(), Trigrams()), Noise()), Throws.ArgumentException.With.Message.Contains("already combines"));
            Assert.That(() => new MultiViewEmbeddingGenerator((IEnumerable<IEmbeddingGenerator<string, Embedding<float>>>)null!), Throws.ArgumentNullException);
        });
    }

    [Test]
    public async Task GenerateAsync_RefusesOptionsThatChangeAView_AndAModelsBadVectors()
    {
        using var views = new MultiViewEmbeddingGenerator(Words(), Trigrams());
        var shortVectors = new MetadataEmbeddingGenerator("bag-of-words", "fnv-64", 32);
        using var bad = new MultiViewEmbeddingGenerator(Words(), shortVectors);

        Assert.Multiple(() =>
        {
            Assert.That(() => views.GenerateAsync(["a"], new EmbeddingGenerationOptions { ModelId = "other" }), Throws.ArgumentException.With.Property("ParamName").EqualTo("options"));
            Assert.That(() => views.GenerateAsync(["a"], new EmbeddingGenerationOptions { Dimensions = 8 }), Throws.ArgumentException.With.Property("ParamName").EqualTo("options"));
            Assert.That(() => bad.GenerateAsync(["free prize"]), Throws.InvalidOperationException.With.Message.Contains("fnv-64").And.Message.Contains("length 64 where 32"));
        });
        Assert.That(await views.GenerateAsync([]), Is.Empty);
    }

    [Test]
    public async Task CreateAsync_FitsAViewPerModel_EachOnItsOwnVectors_AndWeighsTheOneThatSeparatesTheExamples()
    {
        var options = new FewShotClassifierOptions { WordWeight = 0, LabelNamesAsDescriptions = false };
        using var views = new MultiViewEmbeddingGenerator(Noise(), Words());
        FewShotClassifier pair = await FewShotClassifier.CreateAsync(views, Examples, options);
        FewShotClassifier noiseAlone = await FewShotClassifier.CreateAsync(Noise(), Examples, options);
        FewShotClassifier wordsAlone = await FewShotClassifier.CreateAsync(Words(), Examples, options);

        IReadOnlyList<Prediction> predictions = await pair.PredictBatchAsync(Queries);
        Assert.Multiple(() =>
        {
            Assert.That(pair.Views.Select(v => v.Name), Is.EqualTo(new[] { "embedding", "embedding.1" }));

            // Each view is the classifier its model alone would fit (centered on its own examples), so the noise view's
            // scale is what the noise model alone earns, and the words view's is larger.
            EmbeddingClassifierPersistenceTests.AssertIdentical(noiseAlone.Model, pair.Model);
            Assert.That(pair.Views[1].Scale, Is.GreaterThan(pair.Views[0].Scale));
            Assert.That(pair.Views[0].Scale, Is.EqualTo(noiseAlone.Views[0].Scale / 2).Within(1e-5));
            Assert.That(pair.Views[1].Scale, Is.EqualTo(wordsAlone.Views[0].Scale / 2).Within(1e-5));
            Assert.That(predictions.Select(p => p.Label), Is.EqualTo(Expected));
        });
    }

    [Test]
    public async Task ExplainAsync_ShowsEveryModelsView()
    {
        using var views = new MultiViewEmbeddingGenerator(Words(), Trigrams());
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(views, Examples);

        PredictionExplanation explanation = await classifier.ExplainAsync("claim a free prize");

        Assert.Multiple(() =>
        {
            Assert.That(explanation.Views.Select(v => v.View), Is.EqualTo(new[] { "embedding", "embedding.1", "words" }));
            Assert.That(explanation.Views.Select(v => v.Scale), Is.EqualTo(classifier.Views.Select(v => v.Scale)));
            Assert.That(explanation.Prediction.Label, Is.EqualTo("spam"));
            Assert.That(explanation.NearestExamples[0].Label, Is.EqualTo("spam"));
        });
    }

    [Test]
    public async Task SaveAndLoad_RoundTripEveryView_AndTheFileNamesEveryModel()
    {
        using var views = new MultiViewEmbeddingGenerator(Words(), Trigrams());
        FewShotClassifier original = await FewShotClassifier.CreateAsync(views, Examples, ["free prize money", "team meeting monday", "water the garden"]);
        using var stream = new MemoryStream();
        await original.SaveAsync(stream);
        byte[] file = stream.ToArray();

        stream.Position = 0;
        FewShotClassifier loaded = await FewShotClassifier.LoadAsync(new MultiViewEmbeddingGenerator(Words(), Trigrams()), stream);
        stream.Position = 0;
        ModelInfo info = await ModelInfo.ReadAsync(stream);

        Assert.Multiple(async () =>
        {
            Assert.That(loaded.Views, Is.EqualTo(original.Views));
            Assert.That(loaded.Temperature, Is.EqualTo(original.Temperature));
            Assert.That(loaded.UnlabeledCount, Is.EqualTo(3));
            foreach (string query in Queries)
            {
                Prediction expected = await original.PredictAsync(query);
                Prediction actual = await loaded.PredictAsync(query);
                Assert.That(actual.Label, Is.EqualTo(expected.Label));
                Assert.That(actual.Scores, Is.EqualTo(expected.Scores));
            }

            Assert.That(info.Models.Select(m => m.ToString()), Is.EqualTo(new[] { "hashed/words-64 (64 dimensions)", "hashed/trigrams-48 (48 dimensions)" }));
            Assert.That(info.Models, Is.Not.InstanceOf<ModelIdentity[]>(), "a cast must not let a caller rename a model of the info");
            Assert.That(info.Identity.ModelId, Is.EqualTo("hashed/words-64+hashed/trigrams-48"));
            Assert.That(info.Views, Is.EqualTo(new[] { "embedding", "embedding.1", "words" }));
            Assert.That(Encoding.UTF8.GetString(file), Does.Not.Contain("monday"));
        });
    }

    [Test]
    public async Task LoadAsync_RefusesAGeneratorWithoutEveryModel_InTheSavedOrder_NamingThem()
    {
        using var views = new MultiViewEmbeddingGenerator(Words(), Trigrams());
        FewShotClassifier original = await FewShotClassifier.CreateAsync(views, Examples);
        using var stream = new MemoryStream();
        await original.SaveAsync(stream);
        byte[] file = stream.ToArray();

        Assert.Multiple(() =>
        {
            Assert.That(
                () => FewShotClassifier.LoadAsync(Words(), new MemoryStream(file)),
                Throws.InstanceOf<EmbeddingModelMismatchException>().With.Message.Contains("words-64").And.Message.Contains("trigrams-48"));
            Assert.That(() => FewShotClassifier.LoadAsync(new MultiViewEmbeddingGenerator(Trigrams(), Words()), new MemoryStream(file)), Throws.InstanceOf<EmbeddingModelMismatchException>());
            Assert.That(() => FewShotClassifier.LoadAsync(new MultiViewEmbeddingGenerator(Words(), Noise()), new MemoryStream(file)), Throws.InstanceOf<EmbeddingModelMismatchException>());
        });
    }

    [Test]
    public async Task LoadAsync_OfAOneModelFile_RefusesAGeneratorOfSeveral()
    {
        FewShotClassifier original = await FewShotClassifier.CreateAsync(Words(), Examples);
        using var stream = new MemoryStream();
        await original.SaveAsync(stream);

        stream.Position = 0;
        Assert.That(() => FewShotClassifier.LoadAsync(new MultiViewEmbeddingGenerator(Words(), Trigrams()), stream), Throws.InstanceOf<EmbeddingModelMismatchException>());
    }

    [Test]
    public async Task LoadAsync_RefusesAFileMissingAViewOrNamingFewerModels()
    {
        using var views = new MultiViewEmbeddingGenerator(Words(), Trigrams());
        FewShotClassifier original = await FewShotClassifier.CreateAsync(views, Examples);
        using var stream = new MemoryStream();
        await original.SaveAsync(stream);
        byte[] file = stream.ToArray();

        byte[] renamedSection = ModelFiles.WithHeader(file, h => h.Replace("\"name\":\"embedding.1\"", "\"name\":\"embedding.7\""));
        byte[] oneView = ModelFiles.WithHeader(file, h => h.Replace(",{\"provider\":\"hashed\",\"model\":\"trigrams-48\",\"dimensions\":48}", string.Empty));
        byte[] otherModel = ModelFiles.WithHeader(file, h => h.Replace("\"model\":\"trigrams-48\"", "\"model\":\"trigrams-49\""));
        Assert.Multiple(() =>
        {
            Assert.That(ModelFiles.Header(file), Does.Contain("\"name\":\"embedding.1\"").And.Contain("\"model\":\"trigrams-48\""));
            Assert.That(() => FewShotClassifier.LoadAsync(new MultiViewEmbeddingGenerator(Words(), Trigrams()), new MemoryStream(renamedSection)), Throws.InstanceOf<InvalidDataException>());
            Assert.That(() => FewShotClassifier.LoadAsync(new MultiViewEmbeddingGenerator(Words(), Trigrams()), new MemoryStream(oneView)), Throws.InstanceOf<InvalidDataException>());
            Assert.That(() => FewShotClassifier.LoadAsync(new MultiViewEmbeddingGenerator(Words(), Trigrams()), new MemoryStream(otherModel)), Throws.InstanceOf<InvalidDataException>());
        });
    }

    [Test]
    public async Task AddExamplesAsync_EmbedsOnlyTheNewTextsWithEveryModel_AndEqualsAFitOnAllOfThem_AlsoAfterALoadWithoutTexts()
    {
        HashedEmbeddings words = Words();
        HashedEmbeddings trigrams = Trigrams();
        using var views = new MultiViewEmbeddingGenerator(words, trigrams);
        LabeledExample[] first = Examples[..6];
        LabeledExample[] added = Examples[6..];
        FewShotClassifier start = await FewShotClassifier.CreateAsync(views, [.. first, new("plant the roses", "garden")]);
        int sentBefore = words.Sent.Count;
        FewShotClassifier grown = await start.AddExamplesAsync(added);
        string[] wordsSent = [.. words.Sent.Skip(sentBefore)];
        string[] trigramsSent = [.. trigrams.Sent.Skip(sentBefore)];
        using var stream = new MemoryStream();
        await start.SaveAsync(stream);
        stream.Position = 0;
        FewShotClassifier loaded = await FewShotClassifier.LoadAsync(views, stream);
        FewShotClassifier grownFromFile = await loaded.AddExamplesAsync(added);
        FewShotClassifier whole = await FewShotClassifier.CreateAsync(new MultiViewEmbeddingGenerator(Words(), Trigrams()), [.. first, new("plant the roses", "garden"), .. added]);

        Assert.Multiple(async () =>
        {
            Assert.That(wordsSent, Is.EqualTo(added.Select(e => e.Text).ToArray()));
            Assert.That(trigramsSent, Is.EqualTo(added.Select(e => e.Text).ToArray()));
            Assert.That(grownFromFile.Views, Is.EqualTo(grown.Views));

            // A refit reads the stored (normalized) vectors back, a fit on everything the generator's: equal up to rounding,
            // as with one model.
            Assert.That(grown.Views.Select(v => v.Scale), Is.EqualTo(whole.Views.Select(v => v.Scale)).Within(0.1).Percent);
            foreach (string query in Queries)
            {
                Assert.That((await grownFromFile.PredictAsync(query)).Scores, Is.EqualTo((await grown.PredictAsync(query)).Scores));
                Assert.That((await grown.PredictAsync(query)).Scores.Select(s => s.Score), Is.EqualTo((await whole.PredictAsync(query)).Scores.Select(s => s.Score)).Within(1e-4));
            }
        });
    }

    [Test]
    public async Task EveryEntryPoint_TakesTheCombinedGenerator()
    {
        using var views = new MultiViewEmbeddingGenerator(Words(), Trigrams());
        FewShotClassifier fromNames = await FewShotClassifier.CreateFromDescriptionsAsync(views, ["spam", "ham", "garden"], ["free prize money", "plant roses"]);
        FewShotClassifier named = await fromNames.AddExamplesAsync(Examples);
        FewShotEvaluator evaluator = await FewShotEvaluator.CreateAsync(views, Examples);
        EvaluationReport report = await evaluator.EvaluateAsync(2, new FewShotClassifierOptions(), new FewShotEvaluationOptions { Repetitions = 2 });
        IReadOnlyList<LabelingSuggestion> suggestions = await named.SuggestExamplesToLabelAsync(Queries, 2);
        var knn = await FewShotClassifier.CreateAsync(views, Examples, new FewShotClassifierOptions { Strategy = ClassificationStrategy.KNearestNeighbors, Neighbors = 3 });

        Assert.Multiple(async () =>
        {
            Assert.That(fromNames.Views.Select(v => v.Name), Is.EqualTo(new[] { "embedding", "embedding.1", "words" }));
            Assert.That(fromNames.Views[0].Scale, Is.EqualTo(fromNames.Views[1].Scale), "with nothing to hold out, the views share the measured scale");
            Assert.That(named.DescribedOnlyLabels, Is.Empty);
            Assert.That((await named.PredictAsync("claim a free prize")).Label, Is.EqualTo("spam"));
            Assert.That(report.Accuracy.Mean, Is.InRange(0.0, 1.0));
            Assert.That(suggestions, Has.Count.EqualTo(2));
            Assert.That(knn.Views.Select(v => v.Name), Is.EqualTo(new[] { "embedding", "embedding.1", "words" }));
            Assert.That((await knn.PredictAsync("team lunch on monday")).Label, Is.EqualTo("ham"));
        });
    }

    [Test]
    public async Task AClassifierFromDescriptions_SavesAndLoads_AndGrowsAsTheOriginalDoes()
    {
        using var views = new MultiViewEmbeddingGenerator(Words(), Trigrams());
        FewShotClassifier fromNames = await FewShotClassifier.CreateFromDescriptionsAsync(views, ["spam", "ham", "garden"]);
        FewShotClassifier partly = await fromNames.AddExamplesAsync(Examples[..3]);
        using var whole = new MemoryStream();
        using var part = new MemoryStream();
        await fromNames.SaveAsync(whole);
        await partly.SaveAsync(part);
        whole.Position = 0;
        part.Position = 0;

        FewShotClassifier loaded = await FewShotClassifier.LoadAsync(views, whole);
        FewShotClassifier loadedPart = await FewShotClassifier.LoadAsync(views, part);
        FewShotClassifier grown = await loaded.AddExamplesAsync(Examples[..3]);

        Assert.Multiple(async () =>
        {
            Assert.That(loaded.DescribedOnlyLabels, Is.EqualTo(new[] { "spam", "ham", "garden" }));
            Assert.That(loadedPart.DescribedOnlyLabels, Is.EqualTo(new[] { "ham", "garden" }));
            Assert.That(grown.Views, Is.EqualTo(partly.Views));
            Assert.That((await grown.PredictAsync("claim a free prize")).Scores, Is.EqualTo((await partly.PredictAsync("claim a free prize")).Scores));
            Assert.That((await loadedPart.PredictAsync("claim a free prize")).Scores, Is.EqualTo((await partly.PredictAsync("claim a free prize")).Scores));
        });
    }

    [Test]
    public async Task CachedModels_AreNeverPaidTwice_AndKeepWhatTheyWerePaidFor_WhenTheOtherModelFails()
    {
        HashedEmbeddings words = Words();
        HashedEmbeddings trigrams = Trigrams();
        var wordsCache = new InMemoryEmbeddingCacheStore();
        var trigramsCache = new InMemoryEmbeddingCacheStore();
        using var views = new MultiViewEmbeddingGenerator(new CachingEmbeddingGenerator(words, wordsCache), new CachingEmbeddingGenerator(trigrams, trigramsCache));

        trigrams.Failure = new HttpRequestException("provider down");
        Assert.That(() => FewShotClassifier.CreateAsync(views, Examples), Throws.InstanceOf<EmbeddingBatchException>().With.Message.Contains("provider down"));
        int wordsPaid = words.Sent.Count;
        trigrams.Failure = null;
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(views, Examples);
        await FewShotClassifier.CreateAsync(views, Examples);

        Assert.Multiple(() =>
        {
            Assert.That(wordsPaid, Is.EqualTo(Examples.Length + 3), "the examples and the label names");
            Assert.That(words.Sent, Has.Count.EqualTo(wordsPaid), "the words model is not paid again for what it embedded before the failure");
            Assert.That(trigrams.Sent, Has.Count.EqualTo(wordsPaid));
            Assert.That(classifier.Views, Has.Count.EqualTo(3));
        });
    }

    [Test]
    public void PublicConstructor_RefusesACombinedGenerator_ForAModelOfOneView()
    {
        EmbeddingClassifier model = EmbeddingClassifier.Fit(Examples.Select(e => new LabeledEmbedding(e.Label, HashedEmbeddings.Embed(e.Text, 64, HashedEmbeddings.Kind.Words))));
        Assert.That(
            () => new FewShotClassifier(new MultiViewEmbeddingGenerator(Words(), Trigrams()), model),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("generator"));
    }
}
