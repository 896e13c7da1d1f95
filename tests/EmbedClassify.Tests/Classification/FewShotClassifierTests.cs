using EmbedClassify.Tests.TestDoubles;

namespace EmbedClassify.Tests.Classification;

public class FewShotClassifierTests
{
    private static readonly LabeledExample[] Examples =
    [
        new("win a free prize now", "spam"),
        new("cheap pills free offer", "spam"),
        new("meeting notes for monday", "ham"),
        new("lunch with the team on monday", "ham"),
    ];

    [Test]
    public async Task Probabilities_AreNotCertain_WhenTheHeldOutExamplesAreSeparatedPerfectly()
    {
        // Three examples per class that share no word with the other class: leave-one-out ranks every held-out
        // example's class first. Fitted by likelihood alone, the temperature then runs to its floor and every
        // prediction says 1.000; with Laplace's 1/(n + 2) of the probability kept for the other class it must not.
        LabeledExample[] examples =
        [
            new("free prize offer", "spam"), new("win a free prize", "spam"), new("cheap offer now", "spam"),
            new("team meeting monday", "ham"), new("monday lunch with the team", "ham"), new("notes for the meeting", "ham"),
        ];
        var classifier = await FewShotClassifier.CreateAsync(BagOfWords.Generator(), examples, new FewShotClassifierOptions { LabelNamesAsDescriptions = false });

        Prediction prediction = await classifier.PredictAsync("free prize");

        Assert.Multiple(() =>
        {
            Assert.That(prediction.Label, Is.EqualTo("spam"));
            Assert.That(prediction.Score, Is.GreaterThan(0.5f));
            Assert.That(prediction.Score, Is.LessThan(0.999f), "a handful of examples cannot justify certainty");
        });
    }

    [Test]
    public async Task PredictAsync_ReturnsLabelOfMostSimilarClass()
    {
        var classifier = await FewShotClassifier.CreateAsync(BagOfWords.Generator(), Examples);

        Prediction spam = await classifier.PredictAsync("free prize offer");
        Prediction ham = await classifier.PredictAsync("team meeting monday");

        Assert.Multiple(() =>
        {
            Assert.That(spam.Label, Is.EqualTo("spam"));
            Assert.That(ham.Label, Is.EqualTo("ham"));
            Assert.That(classifier.Labels, Is.EqualTo(new[] { "spam", "ham" }));
            Assert.That(spam.Score, Is.GreaterThan(spam.Scores.Single(s => s.Label == "ham").Score));
        });
    }

    [Test]
    public async Task CreateAsync_SendsEachDistinctTextOnce_InOneCall()
    {
        var generator = BagOfWords.Generator();
        LabeledExample[] examples = [.. Examples, new("win a free prize now", "spam")];

        await FewShotClassifier.CreateAsync(generator, examples);

        Assert.Multiple(() =>
        {
            Assert.That(generator.Calls, Has.Count.EqualTo(1));

            // The labels read as words, so they are embedded too, in the same call, as their classes' descriptions.
            Assert.That(generator.TextsSent, Is.EqualTo(Examples.Select(e => e.Text).Concat(["spam", "ham"])));
        });
    }

    [Test]
    public void CreateAsync_ValidatesEverythingBeforeCallingTheGenerator()
    {
        var generator = BagOfWords.Generator();

        Assert.Multiple(() =>
        {
            Assert.That(() => FewShotClassifier.CreateAsync(null!, Examples), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("generator"));
            Assert.That(() => FewShotClassifier.CreateAsync(generator, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("examples"));
            Assert.That(() => FewShotClassifier.CreateAsync(generator, []), Throws.ArgumentException.With.Property("ParamName").EqualTo("examples").And.Message.Contains("At least one"));
            Assert.That(
                () => FewShotClassifier.CreateAsync(generator, [new("a text", "only"), new("b text", "only")]),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("examples").And.Message.Contains("at least two classes"));
            Assert.That(
                () => FewShotClassifier.CreateAsync(generator, [Examples[0], new("   ", "ham")]),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("examples").And.Message.Contains("examples[1] has a blank text"));
            Assert.That(
                () => FewShotClassifier.CreateAsync(generator, [Examples[0], new(null!, "ham")]),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("examples").And.Message.Contains("examples[1] has a null text"));
            Assert.That(
                () => FewShotClassifier.CreateAsync(generator, [Examples[0], new("hello", null!)]),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("examples").And.Message.Contains("examples[1] has a null label"));
            Assert.That(
                () => FewShotClassifier.CreateAsync(generator, Examples, ["fine", ""], new FewShotClassifierOptions { Strategy = ClassificationStrategy.KMeans }),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("unlabeledTexts").And.Message.Contains("unlabeledTexts[1]"));
            Assert.That(
                () => FewShotClassifier.CreateAsync(generator, Examples, ["unlabelled text"], new FewShotClassifierOptions { Strategy = ClassificationStrategy.KNearestNeighbors }),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("unlabeledTexts").And.Message.Contains("KNearestNeighbors"));
            Assert.That(
                () => FewShotClassifier.CreateAsync(generator, Examples, new FewShotClassifierOptions { Neighbors = 0, WordWeight = -1 }),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("options").And.Message.Contains("Neighbors is 0").And.Message.Contains("WordWeight is -1"));
            Assert.That(
                () => FewShotClassifier.CreateAsync(generator, Examples, new FewShotClassifierOptions { LabelDescriptions = { ["billing"] = "invoices" } }),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("options").And.Message.Contains("'billing', which no example has"));
        });
        Assert.That(generator.Calls, Is.Empty, "nothing may be paid for before the input is known to be valid");
    }

    [Test]
    public async Task CreateAsync_EmbedsUnlabeledTextsInTheSameCall_ForKMeans()
    {
        var generator = BagOfWords.Generator();

        var classifier = await FewShotClassifier.CreateAsync(
            generator,
            Examples,
            ["free free prize", "monday meeting"],
            new FewShotClassifierOptions { Strategy = ClassificationStrategy.KMeans, Initialization = KMeansInitialization.ClassCentroids });

        Assert.Multiple(() =>
        {
            Assert.That(generator.Calls, Has.Count.EqualTo(1));
            Assert.That(generator.Calls[0], Has.Count.EqualTo(6));
            Assert.That(classifier.Model.UnlabeledCount, Is.EqualTo(2));
            Assert.That(classifier.Model.Strategy, Is.EqualTo(ClassificationStrategy.KMeans));
        });
    }

    [Test]
    public async Task CreateAsync_KeepsTheUnlabeledTexts_WhenAutoPicksARuleThatIgnoresThem()
    {
        // Arrange: classes that the simplest rule (nearest centroid, uncentered) already separates, so Auto picks it,
        // and the centroids are still refined on the unlabelled texts.
        string[] unlabeled = ["free free prize", "monday meeting", "cheap prize offer", "team lunch notes"];
        var options = new FewShotClassifierOptions { Strategy = ClassificationStrategy.Auto };
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(FewShotClassifierConfigurationsTests.NewGenerator(), Examples, unlabeled, options);
        Assume.That(classifier.Model.Strategy, Is.Not.EqualTo(ClassificationStrategy.KMeans));
        using var stream = new MemoryStream();

        // Act
        await classifier.SaveAsync(stream);
        stream.Position = 0;
        FewShotClassifier loaded = await FewShotClassifier.LoadAsync(FewShotClassifierConfigurationsTests.NewGenerator(), stream);
        FewShotClassifier extended = await classifier.AddExamplesAsync([new("free offer today", "spam")]);

        // Assert
        string[] queries = ["free prize", "team meeting", "monday offer"];
        Assert.Multiple(async () =>
        {
            Assert.That(classifier.UnlabeledCount, Is.EqualTo(unlabeled.Length), "the classifier was refined on them");
            Assert.That(
                FewShotClassifierConfigurationsTests.Bits(await loaded.PredictBatchAsync(queries)),
                Is.EqualTo(FewShotClassifierConfigurationsTests.Bits(await classifier.PredictBatchAsync(queries))));
            Assert.That(extended.UnlabeledCount, Is.EqualTo(unlabeled.Length), "a refit is refined on them too");
        });
    }

    [Test]
    public async Task AddExamplesAsync_IsUnaffectedByCallsMadeSince_WhenTheGeneratorReusesItsOutputBuffer()
    {
        // Arrange: the label names are embedded as descriptions, whose vectors the classifier keeps for its refits; a
        // generator that overwrites its output on the next call changed them under the classifier.
        var reused = new ReusedBufferEmbeddingGenerator(BagOfWords.Embed);
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(reused, Examples);
        FewShotClassifier reference = await FewShotClassifier.CreateAsync(BagOfWords.Generator(), Examples);
        string[] queries = ["free prize", "team meeting", "monday offer", "cheap lunch"];
        await classifier.PredictBatchAsync([.. Enumerable.Range(0, 10).Select(i => $"something else entirely {i}")]);

        // Act
        FewShotClassifier extended = await classifier.AddExamplesAsync([new("free offer today", "spam")]);
        FewShotClassifier expected = await reference.AddExamplesAsync([new("free offer today", "spam")]);

        // Assert
        Assert.That(
            FewShotClassifierConfigurationsTests.Bits(await extended.PredictBatchAsync(queries)),
            Is.EqualTo(FewShotClassifierConfigurationsTests.Bits(await expected.PredictBatchAsync(queries))));
    }

    [Test]
    public async Task PredictAsync_RejectsNullOrBlankText()
    {
        var classifier = await FewShotClassifier.CreateAsync(BagOfWords.Generator(), Examples);

        Assert.Multiple(() =>
        {
            Assert.That(() => classifier.PredictAsync(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("text"));
            Assert.That(() => classifier.PredictAsync(" \t"), Throws.ArgumentException.With.Property("ParamName").EqualTo("text"));
        });
    }

    [Test]
    public async Task PredictBatchAsync_KeepsInputOrder_AndEmbedsRepeatedTextsOnce()
    {
        var generator = BagOfWords.Generator();
        var classifier = await FewShotClassifier.CreateAsync(generator, Examples);
        string[] texts = ["free prize", "monday lunch", "free prize", "cheap pills"];

        IReadOnlyList<Prediction> predictions = await classifier.PredictBatchAsync(texts);

        Assert.Multiple(() =>
        {
            Assert.That(predictions.Select(p => p.Label), Is.EqualTo(new[] { "spam", "ham", "spam", "spam" }));
            Assert.That(generator.Calls, Has.Count.EqualTo(2));
            Assert.That(generator.Calls[1], Is.EqualTo(new[] { "free prize", "monday lunch", "cheap pills" }));
        });
    }

    [Test]
    public async Task PredictBatchAsync_ReturnsEmpty_WithoutCallingTheGenerator_ForNoTexts()
    {
        var generator = BagOfWords.Generator();
        var classifier = await FewShotClassifier.CreateAsync(generator, Examples);

        IReadOnlyList<Prediction> predictions = await classifier.PredictBatchAsync([]);

        Assert.Multiple(() =>
        {
            Assert.That(predictions, Is.Empty);
            Assert.That(generator.Calls, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task PredictBatchAsync_NamesTheIndexOfABadText()
    {
        var classifier = await FewShotClassifier.CreateAsync(BagOfWords.Generator(), Examples);

        Assert.That(
            () => classifier.PredictBatchAsync(["fine", "also fine", null!]),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("texts").And.Message.Contains("texts[2] is null"));
    }

    [Test]
    public async Task AddExamplesAsync_EmbedsOnlyTheNewTexts_AndLearnsNewLabels()
    {
        var generator = BagOfWords.Generator();
        var classifier = await FewShotClassifier.CreateAsync(generator, Examples);

        FewShotClassifier extended = await classifier.AddExamplesAsync([new("invoice payment due", "billing"), new("pay the invoice", "billing")]);
        Prediction prediction = await extended.PredictAsync("invoice due");

        Assert.Multiple(() =>
        {
            Assert.That(generator.Calls, Has.Count.EqualTo(3));
            Assert.That(generator.Calls[1], Is.EqualTo(new[] { "invoice payment due", "pay the invoice", "billing" }), "the new texts and the new label's name, nothing already embedded");
            Assert.That(prediction.Label, Is.EqualTo("billing"));
            Assert.That(classifier.Labels, Has.Count.EqualTo(2), "the original classifier is unchanged");
        });
    }

    [Test]
    public void CreateAsync_Throws_WhenGeneratorReturnsWrongCount()
    {
        var generator = new FakeEmbeddingGenerator((texts, _) => [.. texts.Skip(1).Select(BagOfWords.Embed)]);

        Assert.That(
            () => FewShotClassifier.CreateAsync(generator, Examples),
            Throws.InvalidOperationException.With.Message.Contains("returned 5 embeddings for 6 distinct inputs"));
    }

    [Test]
    public void CreateAsync_Throws_WhenGeneratorReturnsMixedDimensions()
    {
        int call = 0;
        var generator = new FakeEmbeddingGenerator(_ => new float[call++ == 2 ? 8 : 4].Select((_, i) => i + 1f).ToArray());

        Assert.That(
            () => FewShotClassifier.CreateAsync(generator, Examples),
            Throws.InvalidOperationException.With.Message.Contains("different lengths"));
    }

    [TestCase(float.NaN, "not finite")]
    [TestCase(float.PositiveInfinity, "not finite")]
    [TestCase(0f, "all zeros")]
    public void CreateAsync_Throws_WhenGeneratorReturnsUnusableVector(float value, string expected)
    {
        var generator = new FakeEmbeddingGenerator(text => text == Examples[2].Text ? [value, value] : [1f, 2f]);

        Assert.That(
            () => FewShotClassifier.CreateAsync(generator, Examples),
            Throws.InvalidOperationException.With.Message.Contains(expected).And.Message.Contains("input 2"));
    }

    [Test]
    public async Task PredictAsync_Throws_WhenGeneratorChangesDimensions()
    {
        int dimensions = BagOfWords.Dimensions;
        var generator = new FakeEmbeddingGenerator(text => [.. BagOfWords.Embed(text).Take(dimensions)]);
        var classifier = await FewShotClassifier.CreateAsync(generator, Examples);
        dimensions = 10;

        Assert.That(
            () => classifier.PredictAsync("free prize"),
            Throws.InvalidOperationException.With.Message.Contains("10-dimensional").And.Message.Contains("64-dimensional"));
    }

    [Test]
    public void CreateAsync_HonoursCancellation_BeforeCallingTheGenerator()
    {
        var generator = BagOfWords.Generator();
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.Multiple(() =>
        {
            Assert.That(() => FewShotClassifier.CreateAsync(generator, Examples, cancellationToken: cts.Token), Throws.InstanceOf<OperationCanceledException>());
            Assert.That(generator.Calls, Is.Empty);
        });
    }

    [Test]
    public async Task PredictBatchAsync_PassesTheTokenToTheGenerator()
    {
        using var cts = new CancellationTokenSource();
        CancellationToken seen = default;
        var generator = new FakeEmbeddingGenerator((texts, token) =>
        {
            seen = token;
            return [.. texts.Select(BagOfWords.Embed)];
        });
        var classifier = await FewShotClassifier.CreateAsync(generator, Examples);

        await classifier.PredictBatchAsync(["free prize"], cts.Token);

        Assert.That(seen, Is.EqualTo(cts.Token));
    }

    [Test]
    public void Constructor_RejectsNulls()
    {
        var model = EmbeddingClassifier.Fit([new("a", new float[] { 1, 0 }), new("b", new float[] { 0, 1 })]);

        Assert.Multiple(() =>
        {
            Assert.That(() => new FewShotClassifier(null!, model), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("generator"));
            Assert.That(() => new FewShotClassifier(BagOfWords.Generator(), null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("model"));
        });
    }
}

public class FewShotClassifierExplanationTests
{
    private static readonly LabeledExample[] Examples =
    [
        new("win a free prize now", "spam"),
        new("cheap pills free offer", "spam"),
        new("meeting notes for monday", "ham"),
        new("lunch with the team on monday", "ham"),
    ];

    [Test]
    public async Task NearestExamplesAsync_ReturnsExampleTexts_AndKeepsThemAcrossAddExamples()
    {
        var classifier = await FewShotClassifier.CreateAsync(BagOfWords.Generator(), Examples);
        FewShotClassifier extended = await classifier.AddExamplesAsync([new("invoice payment due", "billing"), new("pay the invoice", "billing")]);

        IReadOnlyList<NearestExample> nearest = await extended.NearestExamplesAsync("pay invoice", 1);
        IReadOnlyList<NearestExample> spam = await classifier.NearestExamplesAsync("free prize", 1);

        Assert.Multiple(() =>
        {
            Assert.That(nearest.Single().Text, Is.EqualTo("pay the invoice"));
            Assert.That(nearest.Single().Label, Is.EqualTo("billing"));
            Assert.That(spam.Single().Text, Is.EqualTo("win a free prize now"));
            Assert.That(extended.ExampleTexts, Has.Count.EqualTo(6));
        });
    }

    [Test]
    public async Task NoneExamples_AreNotAClass_AndTheirTextsAreNotExamples()
    {
        var options = new FewShotClassifierOptions { NoneLabel = "other", DetectUnknown = true };

        var classifier = await FewShotClassifier.CreateAsync(BagOfWords.Generator(), [.. Examples, new("weather forecast rain", "other")], options);

        Assert.Multiple(() =>
        {
            Assert.That(classifier.Labels, Is.EqualTo(new[] { "spam", "ham" }));
            Assert.That(classifier.ExampleTexts, Is.EqualTo(Examples.Select(e => e.Text)));
        });
    }

    [Test]
    public async Task PredictProbabilitiesAsync_SumsToOne()
    {
        var classifier = await FewShotClassifier.CreateAsync(BagOfWords.Generator(), Examples);

        IReadOnlyList<ClassScore> probabilities = await classifier.PredictProbabilitiesAsync("free prize offer");

        Assert.Multiple(() =>
        {
            Assert.That(probabilities.Sum(p => p.Score), Is.EqualTo(1).Within(1e-5));
            Assert.That(probabilities[0].Label, Is.EqualTo("spam"));
            Assert.That(probabilities[0].Score, Is.GreaterThan(0.5f));
        });
    }

    [Test]
    public void Constructor_Throws_WhenExampleTextsDoNotMatchTheModel()
    {
        var model = EmbeddingClassifier.Fit([new("a", new float[] { 1, 0 }), new("b", new float[] { 0, 1 })]);

        Assert.That(() => new FewShotClassifier(BagOfWords.Generator(), model, ["only one"]), Throws.ArgumentException.With.Property("ParamName").EqualTo("exampleTexts"));
    }

    [Test]
    public void Constructor_Throws_WhenAnExampleTextCannotBeSaved()
    {
        // Such texts were kept, and SaveAsync(includeTexts: true) then wrote a file that LoadAsync refused.
        var model = EmbeddingClassifier.Fit([new("a", new float[] { 1, 0 }), new("b", new float[] { 0, 1 })]);

        Assert.Multiple(() =>
        {
            foreach ((string text, string message) in new[] { (null!, "exampleTexts[1] is null"), (" \t", "exampleTexts[1] is blank"), ("ab\uD800", "exampleTexts[1] contains an unpaired surrogate") })
            {
                Assert.That(
                    () => new FewShotClassifier(BagOfWords.Generator(), model, ["fine", text]),
                    Throws.ArgumentException.With.Property("ParamName").EqualTo("exampleTexts").And.Message.Contains(message));
            }
        });
    }
}
