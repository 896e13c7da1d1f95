using System.Diagnostics;
using EmbedClassify.Tests.Telemetry;
using EmbedClassify.Tests.TestDoubles;
using Microsoft.Extensions.AI;

namespace EmbedClassify.Tests.Classification;

/// <summary>
/// The contract every configuration of <see cref="FewShotClassifier"/> keeps: consistent predictions, calibrated
/// probabilities, explanations, adding examples, unknown detection, telemetry and a bit-identical save and load.
/// </summary>
public class FewShotClassifierConfigurationsTests
{
    private static readonly LabeledExample[] Examples =
    [
        new("My invoice shows a double charge", "billing"),
        new("I was billed twice this month", "billing"),
        new("Refund the extra payment, please", "billing"),
        new("How do I update my credit card", "billing"),
        new("The app crashes when I open settings", "bug"),
        new("The login button does nothing", "bug"),
        new("Error 500 when saving a file", "bug"),
        new("The page freezes after an upload", "bug"),
        new("Please add a dark mode", "feature"),
        new("Could you support exporting to PDF", "feature"),
        new("I would love a calendar integration", "feature"),
        new("Add keyboard shortcuts, please", "feature"),
    ];

    private static readonly LabeledExample[] NoneExamples =
    [
        new("lovely weather for sailing today", "other"),
        new("my cat sleeps all afternoon", "other"),
        new("what a great football match", "other"),
    ];

    private static readonly string[] Unlabeled =
    [
        "charged twice for one invoice", "refund my payment", "my credit card was billed",
        "the app crashes on start", "error when saving settings", "login page freezes",
        "please add an export button", "support a dark theme please", "would love shortcuts",
    ];

    private static readonly string[] Queries =
    [
        "I was charged twice, please refund", "the app crashes after login", "please add a calendar",
        "invoice error", "dark mode crashes", "update my card please", "zebra giraffe",
    ];

    private static readonly LabeledExample[] Shipping =
    [
        new("where is my parcel shipment", "shipping"),
        new("the parcel shipment has not arrived", "shipping"),
        new("track my parcel shipment", "shipping"),
    ];

    // New examples whose words only the "none" examples ("weather", "cat", "football", "afternoon") or the unlabelled
    // texts ("charged", "export", "start", "theme") had: adding them makes those words known, so the none and
    // unlabelled texts must be reweighed with them.
    private static readonly LabeledExample[] Bridging =
    [
        new("the parcel was delayed by the weather", "shipping"),
        new("export shipment of cat food was charged twice", "shipping"),
        new("shipment lost at the start of the football season", "shipping"),
        new("charged for a theme I never bought", "billing"),
    ];

    private static readonly LabeledExample BridgingNone = new("a sunny afternoon with the cat", "other");

    internal static string[] FixtureQueries => [.. Queries, "my parcel shipment is late", "the weather at the start of the match", "charged for a dark theme", "a cat in the afternoon sun"];

    internal static LabeledExample[] FixtureAdded => [.. Bridging, BridgingNone];

    public static IEnumerable<TestCaseData> Configurations()
    {
        yield return Case("Defaults", new FewShotClassifierOptions());
        yield return Case("WordWeight0", new FewShotClassifierOptions { WordWeight = 0 });
        yield return Case("NoLabelNames", new FewShotClassifierOptions { LabelNamesAsDescriptions = false });
        var described = new FewShotClassifierOptions();
        described.LabelDescriptions["billing"] = "invoices, charges, refunds and payments";
        described.LabelDescriptions["bug"] = "the app crashes, freezes or shows an error";
        yield return Case("ExplicitDescriptions", described);
        yield return Case("Refined", new FewShotClassifierOptions(), unlabeled: true);
        yield return Case("KNearestNeighbors", new FewShotClassifierOptions { Strategy = ClassificationStrategy.KNearestNeighbors });
        yield return Case(
            "KMeansClassCentroidsUnlabeled",
            new FewShotClassifierOptions { Strategy = ClassificationStrategy.KMeans, Initialization = KMeansInitialization.ClassCentroids },
            unlabeled: true);
        yield return Case("Auto", new FewShotClassifierOptions { Strategy = ClassificationStrategy.Auto });

        // Auto refined on unlabelled texts (k-means wins on these examples): the classifier's options say how Auto seeded
        // k-means, as its embedding section does (they disagreed, and the saved file was refused on load).
        yield return Case("AutoRefined", new FewShotClassifierOptions { Strategy = ClassificationStrategy.Auto }, unlabeled: true);
        yield return Case("NoCenter", new FewShotClassifierOptions { CenterEmbeddings = false });

        // Refined without centering: the embedding view keeps the unlabelled vectors for refits though it neither
        // centers on them nor clusters them (such a file was refused on load).
        yield return Case("NoCenterRefined", new FewShotClassifierOptions { CenterEmbeddings = false }, unlabeled: true);
        yield return Case("NoneLabelDetectUnknown", new FewShotClassifierOptions { NoneLabel = "other", DetectUnknown = true }, none: true);
        yield return Case("RefinedNoneLabel", new FewShotClassifierOptions { NoneLabel = "other", DetectUnknown = true }, unlabeled: true, none: true);
    }

    [TestCaseSource(nameof(Configurations))]
    public async Task PredictAsync_AgreesWithPredictBatchAsync(Configuration configuration)
    {
        // Arrange
        FewShotClassifier classifier = await configuration.CreateAsync(NewGenerator());

        // Act
        IReadOnlyList<Prediction> batch = await classifier.PredictBatchAsync(Queries);
        var single = new List<Prediction>();
        foreach (string query in Queries)
        {
            single.Add(await classifier.PredictAsync(query));
        }

        // Assert
        Assert.That(Bits(single), Is.EqualTo(Bits(batch)));
    }

    [TestCaseSource(nameof(Configurations))]
    public async Task PredictAsync_FromManyThreadsAtOnce_GivesTheSequentialAnswers(Configuration configuration)
    {
        // Arrange
        FewShotClassifier classifier = await configuration.CreateAsync(NewGenerator());
        string[] expected = Bits(await classifier.PredictBatchAsync(Queries));

        // Act
        string[][] concurrent = await Task.WhenAll(Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
        {
            var answers = new List<Prediction>();
            for (int round = 0; round < 20; round++)
            {
                answers.Add(await classifier.PredictAsync(Queries[(worker + round) % Queries.Length]));
            }

            return Bits(answers);
        })));

        // Assert
        for (int worker = 0; worker < concurrent.Length; worker++)
        {
            string[] answers = concurrent[worker];
            for (int round = 0; round < 20; round++)
            {
                Assert.That(answers[round], Is.EqualTo(expected[(worker + round) % Queries.Length]), $"worker {worker}");
            }
        }
    }

    [TestCaseSource(nameof(Configurations))]
    public async Task Scores_AreCalibratedProbabilities(Configuration configuration)
    {
        // Arrange
        FewShotClassifier classifier = await configuration.CreateAsync(NewGenerator());

        // Act
        IReadOnlyList<Prediction> predictions = await classifier.PredictBatchAsync(Queries);

        // Assert
        Assert.Multiple(() =>
        {
            foreach (Prediction prediction in predictions)
            {
                Assert.That(prediction.Scores.Select(s => s.Label), Is.EqualTo(classifier.Labels));
                Assert.That(prediction.Scores.Select(s => s.Score), Is.All.InRange(0f, 1f));
                Assert.That(prediction.Scores.Sum(s => (double)s.Score), Is.EqualTo(1).Within(1e-5));
                Assert.That(prediction.Score, Is.EqualTo(prediction.Scores.Single(s => s.Label == prediction.Label).Score));
                Assert.That(prediction.Score, Is.EqualTo(prediction.Scores.Max(s => s.Score)));
            }

            Assert.That(classifier.Temperature, Is.GreaterThan(0f).And.Matches<float>(float.IsFinite));
        });
    }

    [TestCaseSource(nameof(Configurations))]
    public async Task PredictProbabilitiesAsync_EqualsThePredictionsScores(Configuration configuration)
    {
        // Arrange
        FewShotClassifier classifier = await configuration.CreateAsync(NewGenerator());

        foreach (string query in Queries)
        {
            // Act
            IReadOnlyList<ClassScore> probabilities = await classifier.PredictProbabilitiesAsync(query);
            Prediction prediction = await classifier.PredictAsync(query);

            // Assert
            Assert.That(probabilities, Is.EqualTo(prediction.Scores), query);
        }
    }

    [TestCaseSource(nameof(Configurations))]
    public async Task NearestExamplesAsync_ReturnsTheExamplesWithTheirTexts(Configuration configuration)
    {
        // Arrange
        FewShotClassifier classifier = await configuration.CreateAsync(NewGenerator());

        // Act
        IReadOnlyList<NearestExample> nearest = await classifier.NearestExamplesAsync("I was billed twice this month", 3);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(nearest, Has.Count.EqualTo(3));
            Assert.That(nearest[0].Text, Is.EqualTo("I was billed twice this month"));
            Assert.That(nearest[0].Label, Is.EqualTo("billing"));
            Assert.That(nearest.Select(n => n.Score), Is.Ordered.Descending);
            foreach (NearestExample example in nearest)
            {
                Assert.That(example.Text, Is.EqualTo(classifier.ExampleTexts![example.Index]));
                Assert.That(Examples, Does.Contain(new LabeledExample(example.Text!, example.Label)));
            }
        });
    }

    [TestCaseSource(nameof(Configurations))]
    public async Task ExplainAsync_GivesPredictAsyncsPrediction_AndEveryViewsSimilarities(Configuration configuration)
    {
        // Arrange
        FewShotClassifier classifier = await configuration.CreateAsync(NewGenerator());

        foreach (string query in Queries)
        {
            // Act
            PredictionExplanation explanation = await classifier.ExplainAsync(query, 2);
            Prediction prediction = await classifier.PredictAsync(query);

            // Assert
            Assert.Multiple(() =>
            {
                Assert.That(Bits([explanation.Prediction]), Is.EqualTo(Bits([prediction])), query);
                Assert.That(explanation.Views.Select(v => v.View), Is.EqualTo(classifier.Views.Select(v => v.Name)));
                Assert.That(explanation.Views.Select(v => v.Scale), Is.EqualTo(classifier.Views.Select(v => v.Scale)));
                foreach (ViewSimilarities view in explanation.Views)
                {
                    Assert.That(view.Similarities.Select(s => s.Label), Is.EqualTo(classifier.Labels));
                    Assert.That(view.Similarities.Select(s => s.Score), Is.All.InRange(-1.0001f, 1.0001f));
                }

                Assert.That(explanation.NearestExamples, Has.Count.EqualTo(2));
            });
        }

        Assert.That(
            classifier.Views.Select(v => v.Name),
            Is.EqualTo(configuration.Options.WordWeight > 0 ? new[] { ClassifierView.EmbeddingName, ClassifierView.WordsName } : [ClassifierView.EmbeddingName]));
    }

    [TestCaseSource(nameof(Configurations))]
    public async Task AddExamplesAsync_EmbedsOnlyTheNewTexts_AndLearnsTheNewClass(Configuration configuration)
    {
        // Arrange
        ScriptedEmbeddingGenerator generator = NewGenerator();
        FewShotClassifier classifier = await configuration.CreateAsync(generator);
        int calls = generator.Calls.Count;
        bool labelNameEmbedded = configuration.Options.LabelNamesAsDescriptions && classifier.Model.Strategy == ClassificationStrategy.NearestCentroid;

        // Act
        FewShotClassifier extended = await classifier.AddExamplesAsync(Shipping);
        Prediction prediction = await extended.PredictAsync("my parcel shipment is late");

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(generator.Calls, Has.Count.EqualTo(calls + 2));
            Assert.That(
                generator.Calls[calls],
                Is.EqualTo(Shipping.Select(e => e.Text).Concat(labelNameEmbedded ? ["shipping"] : Array.Empty<string>())),
                "only the new texts (and the new class's name when names describe classes)");
            Assert.That(prediction.Label, Is.EqualTo("shipping"));
            Assert.That(prediction.Scores.Sum(s => (double)s.Score), Is.EqualTo(1).Within(1e-5));
            Assert.That(extended.Labels, Is.EqualTo(classifier.Labels.Append("shipping")));
            Assert.That(classifier.Labels, Has.Count.EqualTo(3), "the original classifier is unchanged");
            Assert.That(extended.UnlabeledCount, Is.EqualTo(classifier.UnlabeledCount), "the refinement texts are kept");
        });
    }

    [TestCaseSource(nameof(Configurations))]
    public async Task DetectUnknown_FlagsAFarAwayText_AndPassesATypicalOne(Configuration configuration)
    {
        // Arrange
        FewShotClassifierOptions options = configuration.Options.Clone();
        options.DetectUnknown = true;
        FewShotClassifier classifier = await (configuration with { Options = options }).CreateAsync(NewGenerator());

        // Act
        IReadOnlyList<Prediction> typical = await classifier.PredictBatchAsync(Examples.Select(e => e.Text));
        Prediction far = await classifier.PredictAsync("zebra giraffe hippopotamus savanna");

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(classifier.UnknownThreshold, Is.GreaterThan(1f / classifier.Labels.Count));
            Assert.That(far.IsUnknown, Is.True, $"top probability {far.Score} against threshold {classifier.UnknownThreshold}");
            Assert.That(typical.Count(p => p.IsUnknown), Is.LessThanOrEqualTo(1), "the examples themselves pass");
        });
    }

    [TestCaseSource(nameof(Configurations))]
    public async Task Telemetry_TracesCreationAndPrediction(Configuration configuration)
    {
        // Arrange
        using var capture = new TelemetryCapture();

        // Act
        FewShotClassifier classifier = await configuration.CreateAsync(NewGenerator());
        await classifier.PredictAsync(Queries[0]);
        await classifier.PredictBatchAsync(Queries);

        // Assert
        string strategy = classifier.Model.Strategy.ToString();
        Activity create = capture.ActivitiesNamed(EmbedClassifyTelemetry.CreateActivityName).Single();
        Activity predict = capture.ActivitiesNamed(EmbedClassifyTelemetry.PredictActivityName).Single();
        Activity batch = capture.ActivitiesNamed(EmbedClassifyTelemetry.PredictBatchActivityName).Single();
        Assert.Multiple(() =>
        {
            Assert.That(create.GetTagItem(EmbedClassifyTelemetry.StrategyTagName), Is.EqualTo(strategy));
            Assert.That(create.GetTagItem(EmbedClassifyTelemetry.ClassCountTagName), Is.EqualTo(3));
            Assert.That(create.GetTagItem(EmbedClassifyTelemetry.ExampleCountTagName), Is.EqualTo(configuration.AllExamples.Length));
            Assert.That(predict.GetTagItem(EmbedClassifyTelemetry.StrategyTagName), Is.EqualTo(strategy));
            Assert.That(batch.GetTagItem(EmbedClassifyTelemetry.BatchSizeTagName), Is.EqualTo(Queries.Length));
            Assert.That(capture.Sum(EmbedClassifyTelemetry.PredictionsInstrumentName), Is.EqualTo(1 + Queries.Length));
        });
    }

    [TestCaseSource(nameof(Configurations))]
    public async Task SaveAndLoad_PredictBitForBit_WithAndWithoutTexts_ByPathAndStream(Configuration configuration)
    {
        // Arrange
        ScriptedEmbeddingGenerator generator = NewGenerator();
        FewShotClassifier original = await configuration.CreateAsync(generator);
        IReadOnlyList<Prediction> expected = await original.PredictBatchAsync(Queries);
        string directory = Directory.CreateTempSubdirectory("embedclassify-").FullName;
        try
        {
            foreach (bool includeTexts in new[] { false, true })
            {
                // Act
                string path = Path.Combine(directory, $"model-{includeTexts}.ecm");
                await original.SaveAsync(path, includeTexts);
                FewShotClassifier fromPath = await FewShotClassifier.LoadAsync(NewGenerator(), path);
                using var stream = new MemoryStream();
                await original.SaveAsync(stream, includeTexts);
                stream.Position = 0;
                FewShotClassifier fromStream = await FewShotClassifier.LoadAsync(NewGenerator(), stream);

                // Assert
                foreach (FewShotClassifier loaded in new[] { fromPath, fromStream })
                {
                    Assert.Multiple(async () =>
                    {
                        Assert.That(Bits(await loaded.PredictBatchAsync(Queries)), Is.EqualTo(Bits(expected)), $"includeTexts: {includeTexts}");
                        Assert.That(loaded.Labels, Is.EqualTo(original.Labels));
                        Assert.That(loaded.Views, Is.EqualTo(original.Views));
                        Assert.That(loaded.Temperature, Is.EqualTo(original.Temperature));
                        Assert.That(loaded.UnknownThreshold, Is.EqualTo(original.UnknownThreshold));
                        Assert.That(loaded.UnlabeledCount, Is.EqualTo(original.UnlabeledCount));
                        Assert.That(loaded.ExampleTexts, includeTexts ? Is.EqualTo(original.ExampleTexts) : Is.Null);
                        Assert.That(loaded.Options.Strategy, Is.EqualTo(original.Model.Strategy));
                    });
                }
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    public static IEnumerable<TestCaseData> ConfigurationsWithAndWithoutTexts()
    {
        foreach (TestCaseData data in Configurations())
        {
            var configuration = (Configuration)data.Arguments[0]!;
            yield return new TestCaseData(configuration, true).SetArgDisplayNames(configuration.Name, "withTexts");
            yield return new TestCaseData(configuration, false).SetArgDisplayNames(configuration.Name, "withoutTexts");
        }
    }

    [TestCaseSource(nameof(ConfigurationsWithAndWithoutTexts))]
    public async Task AddExamplesAsync_OnALoadedClassifier_EqualsAddExamplesAsyncOnTheOriginal(Configuration configuration, bool includeTexts)
    {
        // Arrange
        FewShotClassifier original = await configuration.CreateAsync(NewGenerator());
        using var stream = new MemoryStream();
        await original.SaveAsync(stream, includeTexts);
        stream.Position = 0;
        FewShotClassifier loaded = await FewShotClassifier.LoadAsync(NewGenerator(), stream);
        string[] queries = [.. Queries, "my parcel shipment is late"];

        // Act
        FewShotClassifier fromOriginal = await original.AddExamplesAsync(Shipping);
        FewShotClassifier fromLoaded = await loaded.AddExamplesAsync(Shipping);

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That(Bits(await fromLoaded.PredictBatchAsync(queries)), Is.EqualTo(Bits(await fromOriginal.PredictBatchAsync(queries))));
            Assert.That(fromLoaded.Views, Is.EqualTo(fromOriginal.Views));
            Assert.That(fromLoaded.Temperature, Is.EqualTo(fromOriginal.Temperature));
            Assert.That(fromLoaded.UnknownThreshold, Is.EqualTo(fromOriginal.UnknownThreshold));
            Assert.That(fromLoaded.UnlabeledCount, Is.EqualTo(fromOriginal.UnlabeledCount));
        });
    }

    [TestCaseSource(nameof(ConfigurationsWithAndWithoutTexts))]
    public async Task AddExamplesAsync_OnALoadedClassifier_EqualsTheOriginal_WhenTheNewExamplesBringWordsOnlyNoneOrUnlabelledTextsHad(
        Configuration configuration, bool includeTexts)
    {
        // Arrange
        FewShotClassifier original = await configuration.CreateAsync(NewGenerator());
        using var stream = new MemoryStream();
        await original.SaveAsync(stream, includeTexts);
        stream.Position = 0;
        FewShotClassifier loaded = await FewShotClassifier.LoadAsync(NewGenerator(), stream);
        LabeledExample[] added = configuration.WithNone ? [.. Bridging, BridgingNone] : Bridging;
        string[] queries = [.. Queries, "my parcel shipment is late", "the weather at the start of the match", "charged for a dark theme", "a cat in the afternoon sun"];

        // Act
        FewShotClassifier fromOriginal = await original.AddExamplesAsync(added);
        FewShotClassifier fromLoaded = await loaded.AddExamplesAsync(added);

        // Assert: every probability and every view similarity to the bit.
        IReadOnlyList<Prediction> expected = await fromOriginal.PredictBatchAsync(queries);
        Assert.Multiple(async () =>
        {
            Assert.That(Bits(await fromLoaded.PredictBatchAsync(queries)), Is.EqualTo(Bits(expected)));
            foreach (string query in queries)
            {
                Assert.That(
                    SimilarityBits(await fromLoaded.ExplainAsync(query)),
                    Is.EqualTo(SimilarityBits(await fromOriginal.ExplainAsync(query))),
                    query);
            }

            Assert.That(fromLoaded.Temperature, Is.EqualTo(fromOriginal.Temperature));
            Assert.That(fromLoaded.UnknownThreshold, Is.EqualTo(fromOriginal.UnknownThreshold));
            Assert.That(fromLoaded.Views, Is.EqualTo(fromOriginal.Views));

            // The none texts only move the unknown threshold, which a small change may leave in place: their word vectors
            // are compared directly, as are the unlabelled texts'.
            Assert.That(TermBits(fromLoaded.Memory.NoneTerms), Is.EqualTo(TermBits(fromOriginal.Memory.NoneTerms)), "none texts");
            Assert.That(TermBits(fromLoaded.Memory.UnlabeledTerms), Is.EqualTo(TermBits(fromOriginal.Memory.UnlabeledTerms)), "unlabelled texts");
        });
    }

    /// <summary>Each word vector's term ids and weight bits: equal only for identical vectors.</summary>
    internal static string[] TermBits(IEnumerable<TermVector> texts) =>
        [.. texts.Select(t => string.Join(",", t.Terms.Zip(t.Weights, (term, weight) => $"{term}={BitConverter.SingleToInt32Bits(weight)}")))];

    [TestCaseSource(nameof(Configurations))]
    public async Task ModelInfoRead_ReportsViewsLabelsAndCounts(Configuration configuration)
    {
        // Arrange
        FewShotClassifier classifier = await configuration.CreateAsync(NewGenerator());
        string directory = Directory.CreateTempSubdirectory("embedclassify-").FullName;
        try
        {
            string path = Path.Combine(directory, "model.ecm");
            await classifier.SaveAsync(path);

            // Act
            ModelInfo info = ModelInfo.Read(path);

            // Assert
            Assert.Multiple(() =>
            {
                Assert.That(info.SchemaVersion, Is.EqualTo(2));
                Assert.That(info.Views, Is.EqualTo(classifier.Views.Select(v => v.Name)));
                Assert.That(info.ViewScales, Is.EquivalentTo(classifier.Views.ToDictionary(v => v.Name, v => v.Scale)));
                Assert.That(info.Temperature, Is.EqualTo(classifier.Temperature));
                Assert.That(info.Labels, Is.EqualTo(classifier.Labels));
                Assert.That(info.ExampleCount, Is.EqualTo(Examples.Length));
                Assert.That(info.NoneExampleCount, Is.EqualTo(configuration.WithNone ? NoneExamples.Length : 0));
                Assert.That(info.UnlabeledCount, Is.EqualTo(configuration.WithUnlabeled ? Unlabeled.Length : 0));
                Assert.That(info.IncludesTexts, Is.False);
                Assert.That(info.Options.Strategy, Is.EqualTo(classifier.Model.Strategy).And.Not.EqualTo(ClassificationStrategy.Auto));
                Assert.That(info.Options.WordWeight, Is.EqualTo(configuration.Options.WordWeight));
                Assert.That(info.Identity, Is.EqualTo(new ModelIdentity("bag-of-words", "fnv-64", BagOfWords.Dimensions)));
            });
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>A bag-of-words generator that names its model (so that classifiers can be saved) and records its calls.</summary>
    internal static ScriptedEmbeddingGenerator NewGenerator() =>
        new(
            (texts, _, _) => Task.FromResult<IReadOnlyList<float[]>>([.. texts.Select(BagOfWords.Embed)]),
            new EmbeddingGeneratorMetadata("bag-of-words", null, "fnv-64", BagOfWords.Dimensions));

    /// <summary>Every class score's float bits, with the label and the unknown flag: equal only for identical predictions.</summary>
    internal static string[] Bits(IEnumerable<Prediction> predictions) =>
        [.. predictions.Select(p => $"{p.Label}|{BitConverter.SingleToInt32Bits(p.Score)}|{p.IsUnknown}|"
            + string.Join(",", p.Scores.Select(s => $"{s.Label}={BitConverter.SingleToInt32Bits(s.Score)}")))];

    /// <summary>Every view's scale and raw similarities as float bits: equal only for identical views.</summary>
    internal static string[] SimilarityBits(PredictionExplanation explanation) =>
        [.. explanation.Views.Select(v => $"{v.View}|{BitConverter.SingleToInt32Bits(v.Scale)}|"
            + string.Join(",", v.Similarities.Select(s => $"{s.Label}={BitConverter.SingleToInt32Bits(s.Score)}")))];

    private static TestCaseData Case(string name, FewShotClassifierOptions options, bool unlabeled = false, bool none = false) =>
        new TestCaseData(new Configuration(name, options, unlabeled, none)).SetArgDisplayNames(name);

    /// <summary>One configuration of the matrix: options, and whether unlabelled texts and "none" examples are given.</summary>
    public sealed record Configuration(string Name, FewShotClassifierOptions Options, bool WithUnlabeled, bool WithNone)
    {
        public LabeledExample[] AllExamples => WithNone ? [.. Examples, .. NoneExamples] : Examples;

        public string[] UnlabeledTexts => WithUnlabeled ? Unlabeled : [];

        public Task<FewShotClassifier> CreateAsync(IEmbeddingGenerator<string, Embedding<float>> generator) =>
            FewShotClassifier.CreateAsync(generator, AllExamples, UnlabeledTexts, Options);

        public override string ToString() => Name;
    }
}
