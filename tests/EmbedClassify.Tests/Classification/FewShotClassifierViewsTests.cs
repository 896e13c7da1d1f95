using EmbedClassify.Tests.TestDoubles;

namespace EmbedClassify.Tests.Classification;

/// <summary>
/// How the views of <see cref="FewShotClassifier"/> combine: the word view next to the embedding view, refinement on
/// unlabelled texts and label descriptions (ported from the tests of the former HybridClassifier).
/// </summary>
public class FewShotClassifierViewsTests
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

    private static readonly string[] Queries = ["free cash now", "meeting notes thursday", "send the report", "win a prize"];

    [Test]
    public async Task PredictAsync_FollowsTheWordView_ByDefault_WhenEmbeddingsSayNothing()
    {
        // Arrange: every text gets the same vector, so the embedding view ties on every input and the word view decides.
        var generator = new FakeEmbeddingGenerator(_ => [1f, 2f, 3f]);
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(generator, Examples);

        // Act
        Prediction spam = await classifier.PredictAsync("claim your free cash now, winner");
        Prediction ham = await classifier.PredictAsync("please review the meeting notes before thursday");

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(spam.Label, Is.EqualTo("spam"));
            Assert.That(ham.Label, Is.EqualTo("ham"));
            Assert.That(classifier.Views.Select(v => v.Name), Is.EqualTo(new[] { ClassifierView.EmbeddingName, ClassifierView.WordsName }));
            Assert.That(spam.Scores.Select(s => s.Score), Has.All.Matches<float>(float.IsFinite));
        });
    }

    [Test]
    public async Task PredictAsync_GivesAWordViewWithoutEvidenceNoSay()
    {
        // Arrange: no two examples share a word, so leave-one-out finds the word view uninformative: its scale must come
        // out small, and one shared word in a query must not outvote a clear embedding.
        LabeledExample[] examples =
        [
            new("alpha1 red", "a"), new("alpha2 green", "a"), new("alpha3 blue", "a"),
            new("beta1 cyan", "b"), new("beta2 magenta", "b"), new("beta3 yellow", "b"),
        ];
        var generator = new FakeEmbeddingGenerator(t => t.Contains("alpha", StringComparison.Ordinal) ? [1f, 0.1f] : [0.1f, 1f]);
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(generator, examples);

        // Act
        Prediction prediction = await classifier.PredictAsync("alpha9 cyan");

        // Assert
        Assert.That(prediction.Label, Is.EqualTo("a"));
    }

    [Test]
    public async Task WordWeightZero_GivesTheEmbeddingViewsDecision_WithItsCalibratedProbabilities()
    {
        // Arrange: embeddings tie, words do not; with the word view off, nothing but the (tied) embedding view may count.
        var generator = new FakeEmbeddingGenerator(_ => [1f, 2f, 3f]);
        FewShotClassifier withWords = await FewShotClassifier.CreateAsync(generator, Examples);
        FewShotClassifier embeddingOnly = await FewShotClassifier.CreateAsync(generator, Examples, new FewShotClassifierOptions { WordWeight = 0 });
        var bagOfWords = BagOfWords.Generator();
        FewShotClassifier bagOnly = await FewShotClassifier.CreateAsync(bagOfWords, Examples, new FewShotClassifierOptions { WordWeight = 0 });

        // Act
        Prediction worded = await withWords.PredictAsync("claim your free cash now, winner");
        Prediction tied = await embeddingOnly.PredictAsync("claim your free cash now, winner");
        var explained = new List<PredictionExplanation>();
        foreach (string query in Queries)
        {
            explained.Add(await bagOnly.ExplainAsync(query));
        }

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(worded.Score, Is.GreaterThan(0.5f), "the word view separates the classes");
            Assert.That(tied.Scores.Select(s => s.Score), Is.All.EqualTo(0.5f).Within(1e-6f), "the embedding view alone ties");
            Assert.That(embeddingOnly.Views.Select(v => v.Name), Is.EqualTo(new[] { ClassifierView.EmbeddingName }));
            foreach (PredictionExplanation explanation in explained)
            {
                ViewSimilarities view = explanation.Views.Single();
                float[] expected = Softmax([.. view.Similarities.Select(s => s.Score * view.Scale)], bagOnly.Temperature);
                Assert.That(view.View, Is.EqualTo(ClassifierView.EmbeddingName));
                Assert.That(explanation.Prediction.Scores.Select(s => s.Score), Is.EqualTo(expected).Within(1e-5f));
                Assert.That(explanation.Prediction.Label, Is.EqualTo(view.Similarities.MaxBy(s => s.Score).Label));
            }
        });
    }

    [Test]
    public async Task PredictBatchAsync_EqualsOneByOne_InInputOrder()
    {
        // Arrange
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(BagOfWords.Generator(), Examples);
        string[] texts = ["FREE CASH!!! http://x.example $$$", "see you at the meeting", "URGENT WINNER $$$"];

        // Act
        IReadOnlyList<Prediction> batch = await classifier.PredictBatchAsync(texts);
        var single = new List<Prediction>();
        foreach (string text in texts)
        {
            single.Add(await classifier.PredictAsync(text));
        }

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(batch.Select(p => p.Label), Is.EqualTo(single.Select(p => p.Label)));
            Assert.That(batch.Select(p => p.Score), Is.EqualTo(single.Select(p => p.Score)));
            Assert.That(batch.Select(p => p.Label), Is.EqualTo(new[] { "spam", "ham", "spam" }));
        });
    }

    [Test]
    public async Task CreateAsync_WithUnlabeledTexts_MovesCentroidsToWhereTheTextsLie()
    {
        // Arrange: the examples of "a" point along x and those of "b" along y. The unlabelled texts form two groups, one
        // near a's examples but raised along z and one near b's but lowered along z, placed so that their mean is the
        // examples' mean: centering is the same with or without them, and only the refinement can change a decision. The
        // query leans b in x and y but lies up along z with the first group, which the refined a centroid has moved to.
        // (Without the refinement the query is b's, so a no-op refinement fails this test.)
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
        var options = new FewShotClassifierOptions { WordWeight = 0 };

        // Act
        FewShotClassifier plain = await FewShotClassifier.CreateAsync(generator, examples, options);
        FewShotClassifier refined = await FewShotClassifier.CreateAsync(generator, examples, unlabeled, options);

        // Assert
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
        // Arrange: both unlabelled groups lie far up along z, away from all four examples. Centered on the examples
        // alone, every unlabelled text shares that offset, the class that first gains weight from it leans towards the
        // offset, and it then takes every text.
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

        // Act
        FewShotClassifier refined = await FewShotClassifier.CreateAsync(generator, examples, unlabeled, new FewShotClassifierOptions { WordWeight = 0 });
        IReadOnlyList<Prediction> predictions = await refined.PredictBatchAsync(unlabeled);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(refined.UnlabeledCount, Is.EqualTo(40), "the refinement ran");
            Assert.That(predictions.Select(p => p.Label), Is.EqualTo(unlabeled.Select(t => t.StartsWith("ua", StringComparison.Ordinal) ? "a" : "b")));
        });
    }

    [Test]
    public async Task CreateAsync_WithUnlabeledTexts_RefinesTheWordView()
    {
        // Arrange: embeddings say nothing, so the word view decides; "now" leans spam among the examples, but the
        // unlabelled texts that use it are about meetings, which the refinement files under ham.
        var generator = new FakeEmbeddingGenerator(_ => [1f, 2f, 3f]);
        LabeledExample[] examples =
        [
            new("free cash now", "spam"), new("win prize now", "spam"),
            new("meeting now please", "ham"), new("meeting notes please", "ham"),
        ];
        string[] unlabeled = [.. Enumerable.Range(0, 10).Select(i => $"meeting now {i}")];

        // Act
        FewShotClassifier plain = await FewShotClassifier.CreateAsync(generator, examples);
        FewShotClassifier refined = await FewShotClassifier.CreateAsync(generator, examples, unlabeled);

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That((await plain.PredictAsync("now")).Label, Is.EqualTo("spam"));
            Assert.That((await refined.PredictAsync("now")).Label, Is.EqualTo("ham"));
        });
    }

    [Test]
    public async Task CreateAsync_EmbedsExamplesUnlabeledTextsAndDescriptionsInOneCall()
    {
        // Arrange
        var generator = BagOfWords.Generator();
        var options = new FewShotClassifierOptions();
        options.LabelDescriptions["spam"] = "junk mail";

        // Act
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(generator, Examples, ["free cash", "see you thursday", "free cash"], options);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(generator.Calls, Has.Count.EqualTo(1));
            Assert.That(
                generator.TextsSent,
                Is.EquivalentTo(Examples.Select(e => e.Text).Append("free cash").Append("see you thursday").Append("junk mail").Append("ham")),
                "each distinct text once: the examples, the unlabelled texts, the description and the undescribed class's name");
            Assert.That(classifier.UnlabeledCount, Is.EqualTo(3), "a repeated text counts each time it is given, but is embedded once");
        });
    }

    [Test]
    public async Task CreateAsync_WithNoUnlabeledWeightOrTexts_IsThePlainClassifier_BitForBit()
    {
        // Arrange
        var generator = BagOfWords.Generator();
        FewShotClassifier plain = await FewShotClassifier.CreateAsync(generator, Examples);
        FewShotClassifier none = await FewShotClassifier.CreateAsync(generator, Examples, []);
        FewShotClassifier weightless = await FewShotClassifier.CreateAsync(
            generator, Examples, ["free cash", "win a prize"], new FewShotClassifierOptions { UnlabeledWeight = 0 });
        FewShotClassifier refined = await FewShotClassifier.CreateAsync(generator, Examples, ["free cash", "win a prize"]);

        // Act
        IReadOnlyList<Prediction> expected = await plain.PredictBatchAsync(Queries);
        IReadOnlyList<Prediction> fromNone = await none.PredictBatchAsync(Queries);
        IReadOnlyList<Prediction> fromWeightless = await weightless.PredictBatchAsync(Queries);
        IReadOnlyList<Prediction> fromRefined = await refined.PredictBatchAsync(Queries);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(Bits(fromNone), Is.EqualTo(Bits(expected)));
            Assert.That(Bits(fromWeightless), Is.EqualTo(Bits(expected)));
            Assert.That(Bits(fromRefined), Is.Not.EqualTo(Bits(expected)), "the comparison can tell a refined classifier apart");
            Assert.That(weightless.UnlabeledCount, Is.Zero);
            Assert.That(generator.Calls[2], Does.Not.Contain("free cash").And.Not.Contain("win a prize"), "texts that would carry no weight are not paid for");
        });
    }

    [Test]
    public async Task LabelDescriptions_PullEachClassTowardsItsDescription()
    {
        // Arrange: the query leans b in x and y; a's description lies up along z with the query, so with it a wins.
        var vectors = new Dictionary<string, float[]>
        {
            ["a1"] = [1f, 0f, 0.2f], ["a2"] = [1f, 0f, -0.2f], ["b1"] = [0f, 1f, 0.2f], ["b2"] = [0f, 1f, -0.2f],
            ["query"] = [0.45f, 0.55f, 0.6f], ["what a is"] = [0.5f, 0.5f, 1f],
        };
        var generator = new FakeEmbeddingGenerator(t => vectors[t]);
        LabeledExample[] examples = [new("a1", "a"), new("a2", "a"), new("b1", "b"), new("b2", "b")];
        var described = new FewShotClassifierOptions { WordWeight = 0 };
        described.LabelDescriptions["a"] = "what a is";
        FewShotClassifierOptions weightless = described.Clone();
        weightless.LabelDescriptionWeight = 0;

        // Act
        FewShotClassifier plain = await FewShotClassifier.CreateAsync(generator, examples, new FewShotClassifierOptions { WordWeight = 0 });
        FewShotClassifier withDescription = await FewShotClassifier.CreateAsync(generator, examples, described);
        int callsBefore = generator.Calls.Count;
        FewShotClassifier withoutWeight = await FewShotClassifier.CreateAsync(generator, examples, weightless);

        // Assert
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
    public async Task LabelDescriptions_AddToTheRefinedCentroidsToo_AndTwoTextsDoNotOutweighThem()
    {
        // Arrange: the same geometry as above, refined on two texts, one on each side: the description still decides the
        // query. (Each of two texts would count as 30 examples if the weight per class were spread over them without the
        // one-example cap, and then they, not the description or the examples, would decide.)
        var vectors = new Dictionary<string, float[]>
        {
            ["a1"] = [1f, 0f, 0.2f], ["a2"] = [1f, 0f, -0.2f], ["b1"] = [0f, 1f, 0.2f], ["b2"] = [0f, 1f, -0.2f],
            ["query"] = [0.45f, 0.55f, 0.6f], ["what a is"] = [0.5f, 0.5f, 1f], ["u1"] = [1f, 0f, 0f], ["u2"] = [0f, 1f, 0f],
        };
        var generator = new FakeEmbeddingGenerator(t => vectors[t]);
        LabeledExample[] examples = [new("a1", "a"), new("a2", "a"), new("b1", "b"), new("b2", "b")];
        var options = new FewShotClassifierOptions { WordWeight = 0 };
        options.LabelDescriptions["a"] = "what a is";

        // Act
        FewShotClassifier refined = await FewShotClassifier.CreateAsync(generator, examples, ["u1", "u2"], options);

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That(refined.UnlabeledCount, Is.EqualTo(2), "the refinement ran");
            Assert.That((await refined.PredictAsync("query")).Label, Is.EqualTo("a"));
            Assert.That(generator.Calls[0], Is.EqualTo(new[] { "a1", "a2", "b1", "b2", "u1", "u2", "what a is" }));
        });
    }

    [Test]
    public async Task LabelNamesAsDescriptions_EmbedsLabelsThatReadAsWords_WithUnderscoresAndHyphensAsSpaces()
    {
        // Arrange: "x1" and "7" have fewer than two letters; the others read as words.
        LabeledExample[] examples =
        [
            new("free cash now", "junk_mail"), new("meeting on monday", "work-related"),
            new("error in the app", "x1"), new("call me later", "7"),
        ];
        var generator = BagOfWords.Generator();
        var off = BagOfWords.Generator();

        // Act
        await FewShotClassifier.CreateAsync(generator, examples);
        await FewShotClassifier.CreateAsync(off, examples, new FewShotClassifierOptions { LabelNamesAsDescriptions = false });

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(generator.Calls.Single(), Is.EqualTo(examples.Select(e => e.Text).Concat(["junk mail", "work related"])));
            Assert.That(off.Calls.Single(), Is.EqualTo(examples.Select(e => e.Text)));
        });
    }

    [Test]
    public async Task NoneExamples_PlaceTheUnknownThreshold_BetweenTheClassesAndThem()
    {
        // Arrange: each "none" text lies along its own axis, away from both classes.
        var vectors = new Dictionary<string, float[]>
        {
            ["a1"] = [1f, 0.1f, 0f, 0f, 0f], ["a2"] = [1f, -0.1f, 0f, 0f, 0f], ["a3"] = [1f, 0f, 0.1f, 0f, 0f],
            ["b1"] = [0.1f, 1f, 0f, 0f, 0f], ["b2"] = [-0.1f, 1f, 0f, 0f, 0f], ["b3"] = [0f, 1f, 0.1f, 0f, 0f],
            ["n1"] = [0.5f, 0.5f, 0f, 1f, 0f], ["n2"] = [0.5f, 0.5f, 0f, 0f, 1f], ["n3"] = [0.5f, 0.5f, 0f, 1f, 1f],
            ["query a"] = [1f, 0.05f, 0f, 0f, 0f], ["query none"] = [0.5f, 0.5f, 0f, 0.8f, 0.6f],
        };
        var generator = new FakeEmbeddingGenerator(t => vectors[t]);
        LabeledExample[] examples =
        [
            new("a1", "a"), new("a2", "a"), new("a3", "a"), new("b1", "b"), new("b2", "b"), new("b3", "b"),
            new("n1", "none"), new("n2", "none"), new("n3", "none"),
        ];
        var options = new FewShotClassifierOptions { NoneLabel = "none", DetectUnknown = true, WordWeight = 0 };

        // Act
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(generator, examples, options);
        IReadOnlyList<Prediction> predictions = await classifier.PredictBatchAsync(["query a", "query none", "n1", "n2"]);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(classifier.Labels, Is.EqualTo(new[] { "a", "b" }), "the none label is not a class");
            Assert.That(predictions.Select(p => p.IsUnknown), Is.EqualTo(new[] { false, true, true, true }));
            Assert.That(predictions[0].Label, Is.EqualTo("a"));
            Assert.That(classifier.UnknownThreshold, Is.GreaterThan(predictions[1].Score).And.LessThanOrEqualTo(predictions[0].Score));
        });
    }

    [Test]
    public void CreateAsync_ChecksEveryArgument_BeforeEmbedding()
    {
        // Arrange
        var generator = BagOfWords.Generator();
        var unknown = new FewShotClassifierOptions();
        unknown.LabelDescriptions["eggs"] = "breakfast";
        var blank = new FewShotClassifierOptions();
        blank.LabelDescriptions["spam"] = " ";
        var knn = new FewShotClassifierOptions { Strategy = ClassificationStrategy.KNearestNeighbors };

        // Act and assert
        Assert.Multiple(() =>
        {
            Assert.That(() => FewShotClassifier.CreateAsync(null!, Examples), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("generator"));
            Assert.That(() => FewShotClassifier.CreateAsync(generator, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("examples"));
            Assert.That(() => FewShotClassifier.CreateAsync(generator, [Examples[0], new("  ", "ham")]), Throws.ArgumentException.With.Property("ParamName").EqualTo("examples"));
            Assert.That(() => FewShotClassifier.CreateAsync(generator, [Examples[0], Examples[1]]), Throws.ArgumentException.With.Property("ParamName").EqualTo("examples"));
            Assert.That(
                () => FewShotClassifier.CreateAsync(generator, Examples, new FewShotClassifierOptions { WordWeight = -1 }),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("options").And.Message.Contains("WordWeight"));
            Assert.That(
                () => FewShotClassifier.CreateAsync(generator, Examples, new FewShotClassifierOptions { UnlabeledWeight = double.NaN }),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("options").And.Message.Contains("UnlabeledWeight"));
            Assert.That(
                () => FewShotClassifier.CreateAsync(generator, Examples, unknown),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("options").And.Message.Contains("'eggs'"));
            Assert.That(
                () => FewShotClassifier.CreateAsync(generator, Examples, blank),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("options").And.Message.Contains("LabelDescriptions:spam"));
            Assert.That(
                () => FewShotClassifier.CreateAsync(generator, Examples, (IEnumerable<string>)null!),
                Throws.ArgumentNullException.With.Property("ParamName").EqualTo("unlabeledTexts"));
            Assert.That(
                () => FewShotClassifier.CreateAsync(generator, Examples, ["fine", " "]),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("unlabeledTexts").And.Message.Contains("unlabeledTexts[1]"));
            Assert.That(
                () => FewShotClassifier.CreateAsync(generator, Examples, ["fine"], knn),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("unlabeledTexts").And.Message.Contains("KNearestNeighbors"));
        });
        Assert.That(generator.Calls, Is.Empty);
    }

    [Test]
    public async Task PredictBatchAsync_NamesTheIndexOfABadText()
    {
        // Arrange
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(BagOfWords.Generator(), Examples);

        // Act and assert
        Assert.That(
            () => classifier.PredictBatchAsync(["fine", null!]),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("texts").And.Message.Contains("texts[1]"));
    }

    [Test]
    public void CreateAsync_WithUnlabeledTexts_HonoursACanceledToken_BeforeEmbedding()
    {
        // Arrange
        var generator = BagOfWords.Generator();
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        // Act and assert
        Assert.That(
            () => FewShotClassifier.CreateAsync(generator, Examples, ["fine"], cancellationToken: cts.Token),
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(generator.Calls, Is.Empty);
    }

    [Test]
    public void CreateAsync_WithUnlabeledTexts_StopsWhenCanceledAfterEmbedding()
    {
        // Arrange: the token is canceled while the provider answers, so only the fitting (refinement included) can notice.
        using var cts = new CancellationTokenSource();
        var generator = new FakeEmbeddingGenerator((texts, _) =>
        {
            cts.Cancel();
            return [.. texts.Select(BagOfWords.Embed)];
        });

        // Act and assert
        Assert.That(
            () => FewShotClassifier.CreateAsync(generator, Examples, ["free cash", "see you thursday"], cancellationToken: cts.Token),
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(generator.Calls, Has.Count.EqualTo(1));
    }

    private static float[] Softmax(float[] logits, float temperature)
    {
        double max = logits.Max();
        double[] e = [.. logits.Select(l => Math.Exp((l - max) / temperature))];
        double sum = e.Sum();
        return [.. e.Select(v => (float)(v / sum))];
    }

    private static int[][] Bits(IReadOnlyList<Prediction> predictions) =>
        [.. predictions.Select(p => p.Scores.Select(s => BitConverter.SingleToInt32Bits(s.Score)).ToArray())];
}
