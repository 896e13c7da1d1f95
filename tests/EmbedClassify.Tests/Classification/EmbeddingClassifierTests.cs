using EmbedClassify.Tests.TestDoubles;

namespace EmbedClassify.Tests.Classification;

public class EmbeddingClassifierTests
{
    private static LabeledEmbedding Ex(string label, float[] vector) => new(label, vector);

    // These tests pin raw cosines, so they turn off the centering that is on by default.
    private static readonly FewShotClassifierOptions Raw = new() { CenterEmbeddings = false };

    private static FewShotClassifierOptions With(ClassificationStrategy strategy) => new() { Strategy = strategy, CenterEmbeddings = false };

    [TestCase(ClassificationStrategy.NearestCentroid)]
    [TestCase(ClassificationStrategy.KMeans)]
    [TestCase(ClassificationStrategy.KNearestNeighbors)]
    public void Predict_ReturnsNearestClass_WhenOneExamplePerClass(ClassificationStrategy strategy)
    {
        var classifier = EmbeddingClassifier.Fit(
            [Ex("east", Vectors.AtAngle(0)), Ex("north", Vectors.AtAngle(90)), Ex("west", Vectors.AtAngle(180))],
            With(strategy));

        Assert.Multiple(() =>
        {
            Assert.That(classifier.Predict(Vectors.AtAngle(20)).Label, Is.EqualTo("east"));
            Assert.That(classifier.Predict(Vectors.AtAngle(100)).Label, Is.EqualTo("north"));
            Assert.That(classifier.Predict(Vectors.AtAngle(200)).Label, Is.EqualTo("west"));
        });
    }

    [Test]
    public void Predict_ScoresEachClassByCosineToNormalizedMeanOfNormalizedExamples()
    {
        // Examples of very different lengths: the centroid must weigh directions, not magnitudes.
        float[] a1 = [10, 0, 0], a2 = [0, 0.1f, 0], b1 = [0, 0, 3];
        var classifier = EmbeddingClassifier.Fit([Ex("a", a1), Ex("a", a2), Ex("b", b1)], Raw);
        float[] query = [1, 2, 0.5f];

        Prediction prediction = classifier.Predict(query);

        float[] centroidA = [(float)Math.Sqrt(0.5), (float)Math.Sqrt(0.5), 0];
        Assert.Multiple(() =>
        {
            Assert.That(prediction.Scores.Select(s => s.Label), Is.EqualTo(new[] { "a", "b" }));
            Assert.That(prediction.Scores[0].Score, Is.EqualTo(Vectors.Cosine(query, centroidA)).Within(1e-6));
            Assert.That(prediction.Scores[1].Score, Is.EqualTo(Vectors.Cosine(query, b1)).Within(1e-6));
            Assert.That(prediction.Label, Is.EqualTo("a"));
            Assert.That(prediction.Score, Is.EqualTo(prediction.Scores[0].Score));
        });
    }

    [Test]
    public void Predict_BreaksTiesTowardTheFirstLabel()
    {
        var classifier = EmbeddingClassifier.Fit([Ex("first", Vectors.AtAngle(0)), Ex("second", Vectors.AtAngle(90))], Raw);

        Prediction prediction = classifier.Predict(Vectors.AtAngle(45));

        Assert.Multiple(() =>
        {
            Assert.That(prediction.Scores[0].Score, Is.EqualTo(prediction.Scores[1].Score));
            Assert.That(prediction.Label, Is.EqualTo("first"));
        });
    }

    [Test]
    public void Predict_ScoresZeroForEveryClass_WhenQueryIsZeroVector()
    {
        var classifier = EmbeddingClassifier.Fit([Ex("a", Vectors.AtAngle(0)), Ex("b", Vectors.AtAngle(90))], Raw);

        Prediction prediction = classifier.Predict(new float[4]);

        Assert.Multiple(() =>
        {
            Assert.That(prediction.Scores.Select(s => s.Score), Is.All.EqualTo(0f));
            Assert.That(prediction.Label, Is.EqualTo("a"));
        });
    }

    [TestCase(float.NaN)]
    [TestCase(float.PositiveInfinity)]
    [TestCase(float.NegativeInfinity)]
    public void Predict_Throws_WhenQueryIsNotFinite(float bad)
    {
        var classifier = EmbeddingClassifier.Fit([Ex("a", Vectors.AtAngle(0)), Ex("b", Vectors.AtAngle(90))], Raw);
        float[] query = Vectors.AtAngle(10);
        query[2] = bad;

        var ex = Assert.Throws<ArgumentException>(() => classifier.Predict(query));
        Assert.Multiple(() =>
        {
            Assert.That(ex!.ParamName, Is.EqualTo("embedding"));
            Assert.That(ex.Message, Does.Contain("NaN or infinity"));
        });
    }

    [Test]
    public void Predict_Throws_WhenQueryHasWrongLength()
    {
        var classifier = EmbeddingClassifier.Fit([Ex("a", Vectors.AtAngle(0)), Ex("b", Vectors.AtAngle(90))], Raw);

        var ex = Assert.Throws<ArgumentException>(() => classifier.Predict(new float[5]));
        Assert.Multiple(() =>
        {
            Assert.That(ex!.ParamName, Is.EqualTo("embedding"));
            Assert.That(ex.Message, Does.Contain("5 dimensions"));
        });
    }

    [Test]
    public void Score_WritesClassScoresWithoutAllocatingAResult_AndChecksDestinationLength()
    {
        var classifier = EmbeddingClassifier.Fit([Ex("a", Vectors.AtAngle(0)), Ex("b", Vectors.AtAngle(90))], Raw);
        var scores = new float[2];

        int best = classifier.Score(Vectors.AtAngle(80), scores);

        Assert.Multiple(() =>
        {
            Assert.That(best, Is.EqualTo(1));
            Assert.That(scores[1], Is.EqualTo(Math.Cos(10 * Math.PI / 180)).Within(1e-6));
            Assert.That(() => classifier.Score(Vectors.AtAngle(80), new float[3]), Throws.ArgumentException.With.Property("ParamName").EqualTo("classScores"));
        });
    }

    [Test]
    public void Fit_Throws_WhenExamplesIsNull() =>
        Assert.That(() => EmbeddingClassifier.Fit(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("examples"));

    [Test]
    public void Fit_Throws_WhenNoExamples() =>
        Assert.That(
            () => EmbeddingClassifier.Fit([], Raw),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("examples").And.Message.Contains("At least one example"));

    [Test]
    public void Fit_Throws_WhenOnlyOneClass() =>
        Assert.That(
            () => EmbeddingClassifier.Fit([Ex("only", Vectors.AtAngle(0)), Ex("only", Vectors.AtAngle(10))], Raw),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("examples").And.Message.Contains("at least two classes"));

    [TestCase(null, "null label")]
    [TestCase("", "blank label")]
    [TestCase("  ", "blank label")]
    public void Fit_Throws_WhenLabelIsMissing(string? label, string expected) =>
        Assert.That(
            () => EmbeddingClassifier.Fit([Ex("a", Vectors.AtAngle(0)), Ex(label!, Vectors.AtAngle(10))], Raw),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("examples")
                .And.Message.Contains("examples[1]").And.Message.Contains(expected));

    [Test]
    public void Fit_Throws_WhenDimensionsDiffer() =>
        Assert.That(
            () => EmbeddingClassifier.Fit([Ex("a", Vectors.AtAngle(0, 4)), Ex("b", Vectors.AtAngle(10, 5))], Raw),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("examples")
                .And.Message.Contains("examples[1] has 5 dimensions but the first example has 4"));

    [TestCase(float.NaN)]
    [TestCase(float.PositiveInfinity)]
    public void Fit_Throws_WhenVectorIsNotFinite(float bad)
    {
        float[] vector = Vectors.AtAngle(10);
        vector[3] = bad;
        Assert.That(
            () => EmbeddingClassifier.Fit([Ex("a", Vectors.AtAngle(0)), Ex("b", vector)], Raw),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("examples").And.Message.Contains("NaN or infinity"));
    }

    [Test]
    public void Fit_Throws_WhenVectorIsZeroOrEmpty() =>
        Assert.Multiple(() =>
        {
            Assert.That(
                () => EmbeddingClassifier.Fit([Ex("a", Vectors.AtAngle(0)), Ex("b", new float[4])], Raw),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("examples").And.Message.Contains("all zeros"));
            Assert.That(
                () => EmbeddingClassifier.Fit([Ex("a", []), Ex("b", [])], Raw),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("examples").And.Message.Contains("empty vector"));
        });

    [Test]
    public void Fit_Throws_WhenUnlabeledVectorsGivenToStrategyThatCannotUseThem() =>
        Assert.That(
            () => EmbeddingClassifier.Fit([Ex("a", Vectors.AtAngle(0)), Ex("b", Vectors.AtAngle(90))], [Vectors.AtAngle(5)]),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("unlabeled"));

    [Test]
    public void Fit_Throws_WhenUnlabeledVectorIsInvalid() =>
        Assert.That(
            () => EmbeddingClassifier.Fit([Ex("a", Vectors.AtAngle(0)), Ex("b", Vectors.AtAngle(90))], [new float[4]], With(ClassificationStrategy.KMeans)),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("unlabeled").And.Message.Contains("unlabeled[0]"));

    [Test]
    public void Fit_CopiesOptions_SoLaterChangesDoNotAffectTheClassifier()
    {
        var options = With(ClassificationStrategy.KNearestNeighbors);
        var classifier = EmbeddingClassifier.Fit([Ex("a", Vectors.AtAngle(0)), Ex("b", Vectors.AtAngle(90))], options);

        options.Strategy = ClassificationStrategy.KMeans;

        Assert.That(classifier.Strategy, Is.EqualTo(ClassificationStrategy.KNearestNeighbors));
    }

    [Test]
    public void Fit_KeepsClassesApart_FromOneExamplePerClassToThousands(
        [Values(ClassificationStrategy.NearestCentroid, ClassificationStrategy.KMeans, ClassificationStrategy.KNearestNeighbors)] ClassificationStrategy strategy,
        [Values(1, 300)] int perClass)
    {
        var random = new Random(7);
        float[][] centers = [.. Enumerable.Range(0, 10).Select(_ => Vectors.RandomDirection(32, random))];
        var examples = new List<LabeledEmbedding>();
        for (int i = 0; i < perClass; i++)
        {
            for (int c = 0; c < centers.Length; c++)
            {
                examples.Add(Ex($"class{c}", Vectors.Near(centers[c], 0.15, random)));
            }
        }

        var classifier = EmbeddingClassifier.Fit(examples, With(strategy));
        int correct = 0, total = 0;
        for (int c = 0; c < centers.Length; c++)
        {
            for (int t = 0; t < 20; t++, total++)
            {
                correct += classifier.Predict(Vectors.Near(centers[c], 0.15, random)).Label == $"class{c}" ? 1 : 0;
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(classifier.ExampleCount, Is.EqualTo(perClass * 10));
            Assert.That(correct, Is.EqualTo(total), "well-separated classes should all be recovered");
        });
    }
}
