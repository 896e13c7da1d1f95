using EmbedClassify.Tests.TestDoubles;

namespace EmbedClassify.Tests.Evaluation;

public class FewShotEvaluatorTests
{
    private static LabeledEmbedding[] Blobs(int perClass, int classes, double spread, int seed)
    {
        var random = new Random(seed);
        float[][] centers = [.. Enumerable.Range(0, classes).Select(_ => Vectors.RandomDirection(16, random))];
        return [.. Enumerable.Range(0, perClass * classes).Select(i => new LabeledEmbedding($"c{i % classes}", Vectors.Near(centers[i % classes], spread, random)))];
    }

    [Test]
    public void Evaluate_IsReproducible_ForTheSameSeed()
    {
        var evaluator = new FewShotEvaluator(Blobs(30, 3, 0.9, seed: 1));
        var options = new FewShotEvaluationOptions { Repetitions = 5, Seed = 4 };

        EvaluationReport first = evaluator.Evaluate(2, null, options);
        EvaluationReport second = evaluator.Evaluate(2, null, options);
        options.Seed = 5;
        EvaluationReport otherSeed = evaluator.Evaluate(2, null, options);

        Assert.Multiple(() =>
        {
            Assert.That(second.Accuracies, Is.EqualTo(first.Accuracies));
            Assert.That(second.MacroF1, Is.EqualTo(first.MacroF1));
            Assert.That(otherSeed.Accuracies, Is.Not.EqualTo(first.Accuracies));
        });
    }

    [Test]
    public void Evaluate_TrainsOnExactlyNPerClass_AndTestsOnAllTheRest()
    {
        LabeledEmbedding[] data = Blobs(10, 3, 0.5, seed: 2);
        var evaluator = new FewShotEvaluator(data);
        var trainSizes = new List<int>();
        var trainLabels = new List<string[]>();

        EvaluationReport report = evaluator.Evaluate(
            4,
            "spy",
            (train, unlabeled) =>
            {
                trainSizes.Add(train.Count);
                trainLabels.Add([.. train.Select(t => t.Label)]);
                return _ => "c0";
            },
            new FewShotEvaluationOptions { Repetitions = 3 });

        Assert.Multiple(() =>
        {
            Assert.That(trainSizes, Is.All.EqualTo(12));
            Assert.That(trainLabels.SelectMany(l => l.GroupBy(x => x).Select(g => g.Count())), Is.All.EqualTo(4));
            Assert.That(report.ConfusionMatrix.Total, Is.EqualTo(3 * 18));
            Assert.That(report.Accuracy.Mean, Is.EqualTo(1 / 3.0).Within(1e-12), "always answering c0 is right on a third of the test set");
            Assert.That(report.Method, Is.EqualTo("spy"));
            Assert.That(report.ExamplesPerClass, Is.EqualTo(4));
        });
    }

    [Test]
    public void Evaluate_CountsTiesAsOneAnswer_NotAsRightBecauseATiedLabelWas()
    {
        // Every vector is identical, so every class ties on every input: an honest top-1 can only be right when the
        // deterministic tie-break (the first class) happens to be the true class.
        LabeledEmbedding[] data = [.. Enumerable.Range(0, 30).Select(i => new LabeledEmbedding($"c{i % 3}", new float[] { 1, 0, 0 }))];

        EvaluationReport report = new FewShotEvaluator(data).Evaluate(2, null, new FewShotEvaluationOptions { Repetitions = 4 });

        Assert.Multiple(() =>
        {
            Assert.That(report.Accuracy.Mean, Is.EqualTo(1 / 3.0).Within(1e-12));
            Assert.That(report.ConfusionMatrix["c1", "c0"], Is.EqualTo(4 * 8));
        });
    }

    [Test]
    public void Evaluate_GivesTestVectorsAsUnlabeled_OnlyWhenAsked()
    {
        var evaluator = new FewShotEvaluator(Blobs(10, 2, 0.5, seed: 3));
        int seenWithout = -1, seenWith = -1;

        evaluator.Evaluate(3, "x", (_, unlabeled) => { seenWithout = unlabeled.Count; return _ => "c0"; }, new FewShotEvaluationOptions { Repetitions = 1 });
        evaluator.Evaluate(3, "x", (_, unlabeled) => { seenWith = unlabeled.Count; return _ => "c0"; }, new FewShotEvaluationOptions { Repetitions = 1, TestAsUnlabeled = true });

        Assert.That((seenWithout, seenWith), Is.EqualTo((0, 14)));
    }

    [Test]
    public void Evaluate_RecoversSeparableClasses_WithEveryStrategy(
        [Values(ClassificationStrategy.NearestCentroid, ClassificationStrategy.KNearestNeighbors, ClassificationStrategy.KMeans)] ClassificationStrategy strategy)
    {
        var evaluator = new FewShotEvaluator(Blobs(20, 4, 0.1, seed: 4));

        EvaluationReport report = evaluator.Evaluate(
            5,
            new FewShotClassifierOptions { Strategy = strategy, Initialization = KMeansInitialization.ClassCentroids },
            new FewShotEvaluationOptions { Repetitions = 3, TestAsUnlabeled = true });

        Assert.Multiple(() =>
        {
            Assert.That(report.Accuracy.Mean, Is.EqualTo(1.0));
            Assert.That(report.MacroF1.Mean, Is.EqualTo(1.0));
            Assert.That(report.Classes.Select(c => c.Support), Is.All.EqualTo(3 * 15));
        });
    }

    [Test]
    public void Evaluate_Throws_WhenAClassWouldHaveNothingLeftToTest()
    {
        var evaluator = new FewShotEvaluator(Blobs(5, 2, 0.5, seed: 5));

        Assert.Multiple(() =>
        {
            Assert.That(() => evaluator.Evaluate(5), Throws.ArgumentException.With.Property("ParamName").EqualTo("examplesPerClass").And.Message.Contains("has 5 examples"));
            Assert.That(() => evaluator.Evaluate(0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("examplesPerClass"));
        });
    }

    [Test]
    public void LearningCurve_SkipsSizesThatLeaveNoTestData_AndKeepsOrder()
    {
        var evaluator = new FewShotEvaluator(Blobs(12, 2, 0.5, seed: 6));

        IReadOnlyList<EvaluationReport> curve = evaluator.LearningCurve([1, 2, 5, 10, 32], null, new FewShotEvaluationOptions { Repetitions = 2 });

        Assert.That(curve.Select(r => r.ExamplesPerClass), Is.EqualTo(new[] { 1, 2, 5, 10 }));
    }

    [Test]
    public void Constructor_RejectsSingleClassAndMissingLabels() =>
        Assert.Multiple(() =>
        {
            Assert.That(() => new FewShotEvaluator([new("a", new float[] { 1 }), new("a", new float[] { 2 })]), Throws.ArgumentException.With.Property("ParamName").EqualTo("dataset"));
            Assert.That(() => new FewShotEvaluator([new("a", new float[] { 1 }), new(null!, new float[] { 2 })]), Throws.ArgumentException.With.Property("ParamName").EqualTo("dataset"));
        });

    [Test]
    public void Constructor_RejectsVectorsAndLabelsNoClassifierCouldUse()
    {
        // They were accepted, and Evaluate failed later, on the draw that used them, naming "embedding" or "examples":
        // parameters of neither the constructor nor Evaluate.
        LabeledEmbedding[] good = [new("a", Vectors.AtAngle(0)), new("a", Vectors.AtAngle(10)), new("b", Vectors.AtAngle(90)), new("b", Vectors.AtAngle(100))];
        (LabeledEmbedding Bad, string Message)[] cases =
        [
            (new("b", new float[] { float.NaN, 0, 0, 0 }), "dataset[4] holds NaN or infinity"),
            (new("b", new float[4]), "dataset[4] is all zeros"),
            (new("b", Array.Empty<float>()), "dataset[4] is an empty vector"),
            (new("b", new float[] { 1, 0, 0 }), "dataset[4] has 3 dimensions but the first has 4"),
            (new("\u200B", Vectors.AtAngle(45)), "dataset[4] has a null or blank label"),
            (new("c\uDC00", Vectors.AtAngle(45)), "The label of dataset[4] contains an unpaired surrogate"),
        ];

        Assert.Multiple(() =>
        {
            foreach ((LabeledEmbedding bad, string message) in cases)
            {
                Assert.That(
                    () => new FewShotEvaluator([.. good, bad]),
                    Throws.ArgumentException.With.Property("ParamName").EqualTo("dataset").And.Message.Contains(message));
            }
        });
    }

    [Test]
    public void LeaveOneOut_PredictsEachExampleFromTheOthers()
    {
        // Holding out a=60° leaves a's centroid at 0°, and 60° is then nearer b's centroid (95°): the one miss.
        LabeledEmbedding[] examples =
        [
            new("a", Vectors.AtAngle(0)), new("a", Vectors.AtAngle(60)),
            new("b", Vectors.AtAngle(90)), new("b", Vectors.AtAngle(100)),
        ];

        EvaluationReport report = FewShotEvaluator.LeaveOneOut(examples, new FewShotClassifierOptions { CenterEmbeddings = false });

        Assert.Multiple(() =>
        {
            Assert.That(report.ConfusionMatrix.Total, Is.EqualTo(4));
            Assert.That(report.ConfusionMatrix["a", "b"], Is.EqualTo(1));
            Assert.That(report.Accuracy.Mean, Is.EqualTo(0.75));
            Assert.That(report.ExamplesPerClass, Is.Zero);
        });
    }

    [Test]
    public void LeaveOneOut_Throws_WhenAClassHasOneExample() =>
        Assert.That(
            () => FewShotEvaluator.LeaveOneOut([new("a", Vectors.AtAngle(0)), new("a", Vectors.AtAngle(5)), new("b", Vectors.AtAngle(90))]),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("examples").And.Message.Contains("'b' has one example"));

    [Test]
    public async Task CreateAsync_KeepsItsVectors_WhenTheGeneratorReusesItsOutputBuffer()
    {
        // The evaluator keeps the dataset's vectors; a generator that overwrites its output on its next call changed them.
        var reused = new ReusedBufferEmbeddingGenerator(BagOfWords.Embed);
        LabeledExample[] data = [.. Enumerable.Range(0, 20).Select(i => new LabeledExample(i % 2 == 0 ? $"free prize {i}" : $"team meeting {i}", i % 2 == 0 ? "spam" : "ham"))];
        FewShotEvaluator evaluator = await FewShotEvaluator.CreateAsync(reused, data);
        FewShotEvaluator reference = await FewShotEvaluator.CreateAsync(BagOfWords.Generator(), data);
        var options = new FewShotEvaluationOptions { Repetitions = 3 };

        await reused.GenerateAsync([.. Enumerable.Range(0, 20).Select(i => $"unrelated words {i}")]);

        Assert.That(evaluator.Evaluate(2, null, options).Accuracies, Is.EqualTo(reference.Evaluate(2, null, options).Accuracies));
    }

    [Test]
    public async Task EveryEvaluation_NamesClassifierOptions_WhenTheyAreBad()
    {
        // The classifier's checks named their own parameter, "options": in Evaluate that is the other, valid argument.
        LabeledExample[] data = [.. Enumerable.Range(0, 20).Select(i => new LabeledExample(i % 2 == 0 ? $"free prize {i}" : $"team meeting {i}", i % 2 == 0 ? "spam" : "ham"))];
        FewShotEvaluator evaluator = await FewShotEvaluator.CreateAsync(BagOfWords.Generator(), data);
        var bad = new FewShotClassifierOptions { Neighbors = 0 };
        var unknownLabel = new FewShotClassifierOptions { LabelDescriptions = { ["eggs"] = "breakfast" } };
        LabeledEmbedding[] vectors = [.. data.Select(d => new LabeledEmbedding(d.Label, BagOfWords.Embed(d.Text)))];

        Assert.Multiple(() =>
        {
            Assert.That(() => evaluator.Evaluate(2, bad, new FewShotEvaluationOptions()), Throws.ArgumentException.With.Property("ParamName").EqualTo("classifierOptions"));
            Assert.That(() => FewShotEvaluator.LeaveOneOut(vectors, bad), Throws.ArgumentException.With.Property("ParamName").EqualTo("classifierOptions"));
            Assert.That(() => evaluator.EvaluateAsync(2, unknownLabel), Throws.ArgumentException.With.Property("ParamName").EqualTo("classifierOptions").And.Message.Contains("'eggs'"));
            Assert.That(() => evaluator.LeaveOneOutAsync(unknownLabel), Throws.ArgumentException.With.Property("ParamName").EqualTo("classifierOptions").And.Message.Contains("'eggs'"));
        });
    }

    [Test]
    public async Task CreateAsync_EmbedsTheDatasetOnce()
    {
        var generator = BagOfWords.Generator();
        LabeledExample[] data = [.. Enumerable.Range(0, 20).Select(i => new LabeledExample(i % 2 == 0 ? $"free prize {i}" : $"team meeting {i}", i % 2 == 0 ? "spam" : "ham"))];

        FewShotEvaluator evaluator = await FewShotEvaluator.CreateAsync(generator, data);
        EvaluationReport report = evaluator.Evaluate(2, null, new FewShotEvaluationOptions { Repetitions = 3 });

        Assert.Multiple(() =>
        {
            Assert.That(generator.Calls, Has.Count.EqualTo(1));
            Assert.That(evaluator.Count, Is.EqualTo(20));
            Assert.That(report.Accuracy.Mean, Is.EqualTo(1.0));
        });
    }
}
