using EmbedClassify.Tests.TestDoubles;

namespace EmbedClassify.Tests.Classification;

public class HybridClassifierTests
{
    private static readonly LabeledExample[] Examples =
    [
        new("WIN CASH NOW!!! Click http://cheap.example/win $$$ FREE FREE FREE", "spam"),
        new("URGENT!!! You are a WINNER $$$ claim at http://prize.example/now", "spam"),
        new("FREE pills!!! http://pills.example/buy CHEAP $$$ order NOW", "spam"),
        new("hi bob, the meeting moved to thursday afternoon, see you there", "ham"),
        new("thanks for the notes from yesterday, i will review them tonight", "ham"),
        new("can you send me the draft of the report before the weekend please", "ham"),
    ];

    [Test]
    public async Task PredictAsync_FollowsTheCompressionView_WhenEmbeddingsSayNothing()
    {
        // Every text gets the same vector, so the embedding view ties on every input and the compression view decides.
        var generator = new FakeEmbeddingGenerator(_ => [1f, 2f, 3f]);
        var classifier = await HybridClassifier.CreateAsync(generator, Examples, new HybridClassifierOptions { WordWeight = 0, CompressionWeight = 1 });

        Prediction spam = await classifier.PredictAsync("CLAIM your FREE CASH NOW!!! http://win.example/free $$$");
        Prediction ham = await classifier.PredictAsync("hi, can you review the meeting notes before thursday please");

        Assert.Multiple(() =>
        {
            Assert.That(spam.Label, Is.EqualTo("spam"));
            Assert.That(ham.Label, Is.EqualTo("ham"));
            Assert.That(classifier.Labels, Is.EqualTo(new[] { "spam", "ham" }));
        });
    }

    [Test]
    public async Task PredictAsync_FollowsTheWordView_ByDefault_WhenEmbeddingsSayNothing()
    {
        var generator = new FakeEmbeddingGenerator(_ => [1f, 2f, 3f]);
        var classifier = await HybridClassifier.CreateAsync(generator, Examples);

        Prediction spam = await classifier.PredictAsync("claim your free cash now, winner");
        Prediction ham = await classifier.PredictAsync("please review the meeting notes before thursday");

        Assert.Multiple(() =>
        {
            Assert.That(spam.Label, Is.EqualTo("spam"));
            Assert.That(ham.Label, Is.EqualTo("ham"));
        });
    }

    [Test]
    public async Task PredictAsync_GivesAWordViewWithoutEvidenceNoSay()
    {
        // No two examples share a word, so leave-one-out finds the word view uninformative: its temperature must come
        // out high, and one shared word in a query must not outvote a clear embedding.
        LabeledExample[] examples =
        [
            new("alpha1 red", "a"), new("alpha2 green", "a"), new("alpha3 blue", "a"),
            new("beta1 cyan", "b"), new("beta2 magenta", "b"), new("beta3 yellow", "b"),
        ];
        var generator = new FakeEmbeddingGenerator(t => t.Contains("alpha", StringComparison.Ordinal) ? [1f, 0.1f] : [0.1f, 1f]);
        var classifier = await HybridClassifier.CreateAsync(generator, examples);

        Prediction prediction = await classifier.PredictAsync("alpha9 cyan");

        Assert.That(prediction.Label, Is.EqualTo("a"));
    }

    [Test]
    public async Task AllOtherViewsOff_GivesTheEmbeddingViewsDecision()
    {
        var generator = BagOfWords.Generator();
        var hybrid = await HybridClassifier.CreateAsync(generator, Examples, new HybridClassifierOptions { WordWeight = 0, CompressionWeight = 0 });
        var embeddingOnly = await FewShotClassifier.CreateAsync(generator, Examples, new FewShotClassifierOptions { CenterEmbeddings = true });
        string[] texts = ["free cash now", "meeting notes thursday", "send the report", "win a prize"];

        IReadOnlyList<Prediction> fromHybrid = await hybrid.PredictBatchAsync(texts);
        IReadOnlyList<Prediction> fromEmbedding = await embeddingOnly.PredictBatchAsync(texts);

        Assert.That(fromHybrid.Select(p => p.Label), Is.EqualTo(fromEmbedding.Select(p => p.Label)));
    }

    [Test]
    public async Task PredictBatchAsync_EqualsOneByOne_InInputOrder()
    {
        var classifier = await HybridClassifier.CreateAsync(BagOfWords.Generator(), Examples);
        string[] texts = ["FREE CASH!!! http://x.example $$$", "see you at the meeting", "URGENT WINNER $$$"];

        IReadOnlyList<Prediction> batch = await classifier.PredictBatchAsync(texts);
        var single = new List<Prediction>();
        foreach (string text in texts)
        {
            single.Add(await classifier.PredictAsync(text));
        }

        Assert.Multiple(() =>
        {
            Assert.That(batch.Select(p => p.Label), Is.EqualTo(single.Select(p => p.Label)));
            Assert.That(batch.Select(p => p.Score), Is.EqualTo(single.Select(p => p.Score)));
            Assert.That(batch.Select(p => p.Label), Is.EqualTo(new[] { "spam", "ham", "spam" }));
        });
    }

    [Test]
    public void CreateAsync_ValidatesBeforeEmbedding()
    {
        var generator = BagOfWords.Generator();

        Assert.Multiple(() =>
        {
            Assert.That(() => HybridClassifier.CreateAsync(null!, Examples), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("generator"));
            Assert.That(() => HybridClassifier.CreateAsync(generator, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("examples"));
            Assert.That(() => HybridClassifier.CreateAsync(generator, [Examples[0], new("  ", "ham")]), Throws.ArgumentException.With.Property("ParamName").EqualTo("examples"));
            Assert.That(() => HybridClassifier.CreateAsync(generator, [Examples[0], Examples[1]]), Throws.ArgumentException.With.Property("ParamName").EqualTo("examples"));
            Assert.That(
                () => HybridClassifier.CreateAsync(generator, Examples, new HybridClassifierOptions { EmbeddingOptions = new() { NoneLabel = "other" } }),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("options"));
            Assert.That(
                () => HybridClassifier.CreateAsync(generator, Examples, new HybridClassifierOptions { EmbeddingOptions = new() { Strategy = ClassificationStrategy.KMeans } }),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("options"));
        });
        Assert.That(generator.Calls, Is.Empty);
    }

    [Test]
    public async Task PredictBatchAsync_NamesTheIndexOfABadText()
    {
        var classifier = await HybridClassifier.CreateAsync(BagOfWords.Generator(), Examples);

        Assert.That(
            () => classifier.PredictBatchAsync(["fine", null!]),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("texts").And.Message.Contains("texts[1]"));
    }

    [Test]
    public async Task CreateAsync_WithUnlabeledTexts_MovesCentroidsToWhereTheTextsLie()
    {
        // The examples of "a" point along x and those of "b" along y. The unlabelled texts form two groups, one near a's
        // examples but raised along z and one near b's but lowered along z, placed so that their mean is the examples'
        // mean: centering is the same with or without them, and only the refinement can change a decision. The query
        // leans b in x and y but lies up along z with the first group, which the refined a centroid has moved to.
        float z = MathF.Sqrt(1 - (0.895f * 0.895f) - (0.1f * 0.1f));
        var vectors = new Dictionary<string, float[]>
        {
            ["a1"] = [1f, 0.1f, 0f], ["a2"] = [1f, -0.1f, 0f], ["b1"] = [0.1f, 1f, 0f], ["b2"] = [-0.1f, 1f, 0f],
            ["query"] = [0.45f, 0.55f, 0.5f],
        };
        for (int i = 0; i < 20; i++)
        {
            vectors[$"ua{i}"] = [0.895f, 0.1f, z];
            vectors[$"ub{i}"] = [0.1f, 0.895f, -z];
        }

        var generator = new FakeEmbeddingGenerator(t => vectors[t]);
        LabeledExample[] examples = [new("a1", "a"), new("a2", "a"), new("b1", "b"), new("b2", "b")];
        string[] unlabeled = [.. vectors.Keys.Where(k => k.StartsWith('u'))];
        var options = new HybridClassifierOptions { WordWeight = 0 };

        var plain = await HybridClassifier.CreateAsync(generator, examples, options);
        var refined = await HybridClassifier.CreateAsync(generator, examples, unlabeled, options);

        Assert.Multiple(async () =>
        {
            Assert.That((await plain.PredictAsync("query")).Label, Is.EqualTo("b"));
            Assert.That((await refined.PredictAsync("query")).Label, Is.EqualTo("a"));
            Assert.That((await refined.PredictAsync("ub3")).Label, Is.EqualTo("b"));
            Assert.That(refined.UnlabeledCount, Is.EqualTo(40));
            Assert.That(plain.UnlabeledCount, Is.Zero);
        });
    }

    [Test]
    public async Task CreateAsync_WithUnlabeledTextsAwayFromTheExamples_KeepsBothClasses()
    {
        // Both unlabelled groups lie far up along z, away from all four examples. Centered on the examples alone, every
        // unlabelled text shares that offset, the class that first gains weight from it leans towards the offset, and
        // it then takes every text (it did, before centering included the unlabelled texts).
        var vectors = new Dictionary<string, float[]>
        {
            ["a1"] = [1f, 0.1f, 0f], ["a2"] = [1f, -0.1f, 0f], ["b1"] = [0.1f, 1f, 0f], ["b2"] = [-0.1f, 1f, 0f],
        };
        for (int i = 0; i < 30; i++)
        {
            if (i < 10)
            {
                vectors[$"ua{i}"] = [1f, 0f, 3f];
            }

            vectors[$"ub{i}"] = [0f, 1f, 3f];
        }

        var generator = new FakeEmbeddingGenerator(t => vectors[t]);
        LabeledExample[] examples = [new("a1", "a"), new("a2", "a"), new("b1", "b"), new("b2", "b")];
        string[] unlabeled = [.. vectors.Keys.Where(k => k.StartsWith('u'))];

        var refined = await HybridClassifier.CreateAsync(generator, examples, unlabeled, new HybridClassifierOptions { WordWeight = 0 });
        IReadOnlyList<Prediction> predictions = await refined.PredictBatchAsync(unlabeled);

        Assert.That(predictions.Select(p => p.Label), Is.EqualTo(unlabeled.Select(t => t.StartsWith("ua", StringComparison.Ordinal) ? "a" : "b")));
    }

    [Test]
    public async Task CreateAsync_WithUnlabeledTexts_RefinesTheWordView()
    {
        // Embeddings say nothing, so the word view decides; "now" leans spam among the examples, but the unlabelled
        // texts that use it are about meetings, which the refinement files under ham.
        var generator = new FakeEmbeddingGenerator(_ => [1f, 2f, 3f]);
        LabeledExample[] examples =
        [
            new("free cash now", "spam"), new("win prize now", "spam"),
            new("meeting now please", "ham"), new("meeting notes please", "ham"),
        ];
        string[] unlabeled = [.. Enumerable.Range(0, 10).Select(i => $"meeting now {i}")];

        var plain = await HybridClassifier.CreateAsync(generator, examples);
        var refined = await HybridClassifier.CreateAsync(generator, examples, unlabeled);

        Assert.Multiple(async () =>
        {
            Assert.That((await plain.PredictAsync("now")).Label, Is.EqualTo("spam"));
            Assert.That((await refined.PredictAsync("now")).Label, Is.EqualTo("ham"));
        });
    }

    [Test]
    public async Task CreateAsync_EmbedsUnlabeledTextsWithTheExamplesInOneCall()
    {
        var generator = BagOfWords.Generator();

        var classifier = await HybridClassifier.CreateAsync(generator, Examples, ["free cash", "see you thursday", "free cash"]);

        Assert.Multiple(() =>
        {
            Assert.That(generator.Calls, Has.Count.EqualTo(1));
            Assert.That(generator.TextsSent, Is.EquivalentTo(Examples.Select(e => e.Text).Append("free cash").Append("see you thursday")));
            Assert.That(classifier.UnlabeledCount, Is.EqualTo(3), "a repeated text counts each time it is given, but is embedded once");
        });
    }

    [Test]
    public async Task CreateAsync_WithNoUnlabeledWeightOrTexts_IsThePlainClassifier()
    {
        string[] texts = ["free cash now", "meeting notes thursday", "send the report", "win a prize"];
        var generator = BagOfWords.Generator();
        var plain = await HybridClassifier.CreateAsync(generator, Examples);
        var none = await HybridClassifier.CreateAsync(generator, Examples, []);
        var weightless = await HybridClassifier.CreateAsync(generator, Examples, ["free cash", "win a prize"], new HybridClassifierOptions { UnlabeledWeight = 0 });

        IReadOnlyList<Prediction> expected = await plain.PredictBatchAsync(texts);
        IReadOnlyList<Prediction> fromNone = await none.PredictBatchAsync(texts);
        IReadOnlyList<Prediction> fromWeightless = await weightless.PredictBatchAsync(texts);

        Assert.Multiple(() =>
        {
            Assert.That(fromNone.Select(p => p.Scores.Select(s => s.Score)), Is.EqualTo(expected.Select(p => p.Scores.Select(s => s.Score))));
            Assert.That(fromWeightless.Select(p => p.Scores.Select(s => s.Score)), Is.EqualTo(expected.Select(p => p.Scores.Select(s => s.Score))));
            Assert.That(weightless.UnlabeledCount, Is.Zero);
            Assert.That(generator.TextsSent, Does.Not.Contain("free cash"), "texts that would carry no weight are not paid for");
        });
    }

    [Test]
    public async Task CreateAsync_WithUnlabeledTextsAndTheCompressionView_Refines()
    {
        var generator = BagOfWords.Generator();
        var classifier = await HybridClassifier.CreateAsync(
            generator, Examples, ["FREE CASH NOW!!! $$$", "see you at the meeting thursday"], new HybridClassifierOptions { CompressionWeight = 1 });

        IReadOnlyList<Prediction> predictions = await classifier.PredictBatchAsync(["WIN FREE $$$ NOW!!!", "the report notes for thursday"]);

        Assert.That(predictions.Select(p => p.Label), Is.EqualTo(new[] { "spam", "ham" }));
    }

    [Test]
    public void CreateAsync_ChecksUnlabeledTextsBeforeEmbedding()
    {
        var generator = BagOfWords.Generator();

        Assert.Multiple(() =>
        {
            Assert.That(
                () => HybridClassifier.CreateAsync(generator, Examples, (IEnumerable<string>)null!),
                Throws.ArgumentNullException.With.Property("ParamName").EqualTo("unlabeledTexts"));
            Assert.That(
                () => HybridClassifier.CreateAsync(generator, Examples, ["fine", " "]),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("unlabeledTexts").And.Message.Contains("unlabeledTexts[1]"));
            Assert.That(
                () => HybridClassifier.CreateAsync(generator, Examples, ["fine"], new HybridClassifierOptions { EmbeddingOptions = new() { Strategy = ClassificationStrategy.KNearestNeighbors } }),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("unlabeledTexts").And.Message.Contains("NearestCentroid"));
            Assert.That(
                () => HybridClassifier.CreateAsync(generator, Examples, ["fine"], cancellationToken: new CancellationToken(canceled: true)),
                Throws.InstanceOf<OperationCanceledException>());
        });
        Assert.That(generator.Calls, Is.Empty);
    }

    [Test]
    public async Task LabelDescriptions_PullEachClassTowardsItsDescription()
    {
        // The query leans b in x and y; a's description lies up along z with the query, so with it a wins.
        var vectors = new Dictionary<string, float[]>
        {
            ["a1"] = [1f, 0f, 0.2f], ["a2"] = [1f, 0f, -0.2f], ["b1"] = [0f, 1f, 0.2f], ["b2"] = [0f, 1f, -0.2f],
            ["query"] = [0.45f, 0.55f, 0.6f], ["what a is"] = [0.5f, 0.5f, 1f],
        };
        var generator = new FakeEmbeddingGenerator(t => vectors[t]);
        LabeledExample[] examples = [new("a1", "a"), new("a2", "a"), new("b1", "b"), new("b2", "b")];
        var described = new HybridClassifierOptions { WordWeight = 0 };
        described.LabelDescriptions["a"] = "what a is";
        HybridClassifierOptions weightless = described.Clone();
        weightless.LabelDescriptionWeight = 0;

        var plain = await HybridClassifier.CreateAsync(generator, examples, new HybridClassifierOptions { WordWeight = 0 });
        var withDescription = await HybridClassifier.CreateAsync(generator, examples, described);
        int callsBefore = generator.Calls.Count;
        var withoutWeight = await HybridClassifier.CreateAsync(generator, examples, weightless);

        Assert.Multiple(async () =>
        {
            Assert.That((await plain.PredictAsync("query")).Label, Is.EqualTo("b"));
            Assert.That((await withDescription.PredictAsync("query")).Label, Is.EqualTo("a"));
            Assert.That((await withoutWeight.PredictAsync("query")).Label, Is.EqualTo("b"));
            Assert.That(generator.Calls[1], Does.Contain("what a is"), "the description goes in the one call with the examples");
            Assert.That(generator.Calls[callsBefore], Does.Not.Contain("what a is"), "a description that weighs nothing is not paid for");
        });
    }

    [Test]
    public async Task LabelDescriptions_AddToTheRefinedCentroidsToo()
    {
        // The same geometry as above, refined on two texts, one on each side: the description still decides the query.
        // (Each of two texts would count as 30 examples if the weight per class were spread over them without limit,
        // and then they, not the description or the examples, would decide.)
        var vectors = new Dictionary<string, float[]>
        {
            ["a1"] = [1f, 0f, 0.2f], ["a2"] = [1f, 0f, -0.2f], ["b1"] = [0f, 1f, 0.2f], ["b2"] = [0f, 1f, -0.2f],
            ["query"] = [0.45f, 0.55f, 0.6f], ["what a is"] = [0.5f, 0.5f, 1f], ["u1"] = [1f, 0f, 0f], ["u2"] = [0f, 1f, 0f],
        };
        var generator = new FakeEmbeddingGenerator(t => vectors[t]);
        LabeledExample[] examples = [new("a1", "a"), new("a2", "a"), new("b1", "b"), new("b2", "b")];
        var options = new HybridClassifierOptions { WordWeight = 0 };
        options.LabelDescriptions["a"] = "what a is";

        var refined = await HybridClassifier.CreateAsync(generator, examples, ["u1", "u2"], options);

        Assert.Multiple(async () =>
        {
            Assert.That((await refined.PredictAsync("query")).Label, Is.EqualTo("a"));
            Assert.That(generator.Calls[0], Is.EqualTo(new[] { "a1", "a2", "b1", "b2", "u1", "u2", "what a is" }));
        });
    }

    [Test]
    public void LabelDescriptions_AreCheckedBeforeEmbedding()
    {
        var generator = BagOfWords.Generator();
        var unknown = new HybridClassifierOptions();
        unknown.LabelDescriptions["eggs"] = "breakfast";
        var blank = new HybridClassifierOptions();
        blank.LabelDescriptions["spam"] = " ";

        Assert.Multiple(() =>
        {
            Assert.That(
                () => HybridClassifier.CreateAsync(generator, Examples, unknown),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("options").And.Message.Contains("'eggs'"));
            Assert.That(
                () => HybridClassifier.CreateAsync(generator, Examples, blank),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("options").And.Message.Contains("LabelDescriptions['spam']"));
        });
        Assert.That(generator.Calls, Is.Empty);
    }

    [Test]
    public void Options_ValidateAndClone()
    {
        var defaults = new HybridClassifierOptions();
        var options = new HybridClassifierOptions { CompressionWeight = 2, WordWeight = 0.5, UnlabeledWeight = 7, LabelDescriptionWeight = 2 };
        options.LabelDescriptions["spam"] = "junk mail";
        HybridClassifierOptions clone = options.Clone();
        options.EmbeddingOptions.Neighbors = 9;
        options.LabelDescriptions["spam"] = "changed after cloning";

        Assert.Multiple(() =>
        {
            Assert.That(() => options.CompressionWeight = -1, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("value"));
            Assert.That(() => options.CompressionWeight = double.NaN, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("value"));
            Assert.That(() => options.EmbeddingOptions = null!, Throws.ArgumentNullException.With.Property("ParamName").EqualTo("value"));
            Assert.That(() => options.WordWeight = -0.1, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("value"));
            Assert.That(() => options.WordWeight = double.PositiveInfinity, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("value"));
            Assert.That(() => options.UnlabeledWeight = -1, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("value"));
            Assert.That(() => options.LabelDescriptionWeight = double.NaN, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("value"));
            Assert.That(() => options.LabelDescriptions = null!, Throws.ArgumentNullException.With.Property("ParamName").EqualTo("value"));
            Assert.That(clone.LabelDescriptions["spam"], Is.EqualTo("junk mail"), "the clone's descriptions are its own");
            Assert.That(clone.LabelDescriptionWeight, Is.EqualTo(2));
            Assert.That((defaults.LabelDescriptions.Count, defaults.LabelDescriptionWeight), Is.EqualTo((0, 1.0)));
            Assert.That(clone.CompressionWeight, Is.EqualTo(2));
            Assert.That(clone.WordWeight, Is.EqualTo(0.5));
            Assert.That((defaults.WordWeight, defaults.CompressionWeight, defaults.UnlabeledWeight), Is.EqualTo((1.0, 0.0, 30.0)));
            Assert.That(clone.UnlabeledWeight, Is.EqualTo(7));
            Assert.That(clone.EmbeddingOptions.Neighbors, Is.EqualTo(3), "the clone's embedding options are its own");
            Assert.That(clone.EmbeddingOptions.CenterEmbeddings, Is.True);
        });
    }
}
