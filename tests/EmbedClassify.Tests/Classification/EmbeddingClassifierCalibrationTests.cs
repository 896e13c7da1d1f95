using EmbedClassify.Tests.TestDoubles;

namespace EmbedClassify.Tests.Classification;

public class EmbeddingClassifierCalibrationTests
{
    // These tests were written for raw cosines, so they turn off the centering that is on by default.
    private static readonly FewShotClassifierOptions Raw = new() { CenterEmbeddings = false };

    private static LabeledEmbedding Ex(string label, double degrees) => new(label, Vectors.AtAngle(degrees));

    private static LabeledEmbedding[] TwoClusters() =>
        [Ex("a", -10), Ex("a", 0), Ex("a", 10), Ex("a", 5), Ex("b", 80), Ex("b", 90), Ex("b", 100), Ex("b", 95)];

    [Test]
    public void CenterEmbeddings_SeparatesClassesThatShareACommonDirection()
    {
        // Every vector leans heavily on axis 2 (the shared component of sentence embeddings); the classes differ only
        // a little along axes 0 and 1. Uncentered cosines are all near 1; centered ones spread from -1 to 1.
        static float[] Lean(double degrees) { float[] v = Vectors.AtAngle(degrees); v[0] *= 0.1f; v[1] *= 0.1f; v[2] = 1; return v; }
        LabeledEmbedding[] examples = [new("a", Lean(0)), new("a", Lean(20)), new("b", Lean(180)), new("b", Lean(160))];

        var plain = EmbeddingClassifier.Fit(examples, new FewShotClassifierOptions { CenterEmbeddings = false });
        var centered = EmbeddingClassifier.Fit(examples, new FewShotClassifierOptions { CenterEmbeddings = true });
        Prediction p = plain.Predict(Lean(10));
        Prediction c = centered.Predict(Lean(10));

        Assert.Multiple(() =>
        {
            Assert.That(c.Label, Is.EqualTo("a"));
            Assert.That(p.Scores[1].Score, Is.GreaterThan(0.9f), "without centering the wrong class still looks similar");
            Assert.That(c.Scores[1].Score, Is.LessThan(-0.9f));
            Assert.That(centered.Options.CenterEmbeddings, Is.True);
        });
    }

    [Test]
    public void CenterEmbeddings_WorksWithEveryStrategy_AndWithExamples(
        [Values(ClassificationStrategy.NearestCentroid, ClassificationStrategy.KMeans, ClassificationStrategy.KNearestNeighbors)] ClassificationStrategy strategy)
    {
        var options = new FewShotClassifierOptions { Strategy = strategy, CenterEmbeddings = true };
        var classifier = EmbeddingClassifier.Fit(TwoClusters(), options).WithExamples([Ex("c", 200), Ex("c", 210)]);

        Assert.Multiple(() =>
        {
            Assert.That(classifier.Predict(Vectors.AtAngle(3)).Label, Is.EqualTo("a"));
            Assert.That(classifier.Predict(Vectors.AtAngle(92)).Label, Is.EqualTo("b"));
            Assert.That(classifier.Predict(Vectors.AtAngle(205)).Label, Is.EqualTo("c"));
            Assert.That(classifier.Predict(new float[4]).Scores.Select(s => s.Score), Is.All.EqualTo(0f).Or.EqualTo(-1f));
        });
    }

    [Test]
    public void PredictProbabilities_SumToOne_AndFollowTheScores()
    {
        var classifier = EmbeddingClassifier.Fit(TwoClusters(), Raw);

        IReadOnlyList<ClassScore> probabilities = classifier.PredictProbabilities(Vectors.AtAngle(30));
        Prediction prediction = classifier.Predict(Vectors.AtAngle(30));

        Assert.Multiple(() =>
        {
            Assert.That(probabilities.Sum(p => p.Score), Is.EqualTo(1).Within(1e-5));
            Assert.That(probabilities.Select(p => p.Label), Is.EqualTo(classifier.Labels));
            Assert.That(probabilities[0].Score, Is.GreaterThan(probabilities[1].Score));
            Assert.That(prediction.Label, Is.EqualTo("a"));
        });
    }

    [Test]
    public void Temperature_IsSharper_WhenHeldOutExamplesAreClassifiedConfidently()
    {
        // Well separated classes: held-out examples are always right, so a low temperature (confident) fits best.
        // Overlapping classes: held-out examples are often wrong, so a high temperature (cautious) fits best.
        var separated = EmbeddingClassifier.Fit(TwoClusters(), Raw);
        var overlapping = EmbeddingClassifier.Fit([Ex("a", 0), Ex("b", 5), Ex("a", 10), Ex("b", 15), Ex("a", 20), Ex("b", 25)], Raw);

        Assert.Multiple(() =>
        {
            Assert.That(separated.Temperature, Is.LessThan(overlapping.Temperature));
            Assert.That(separated.PredictProbabilities(Vectors.AtAngle(0))[0].Score, Is.GreaterThan(0.9f));
            Assert.That(overlapping.PredictProbabilities(Vectors.AtAngle(10))[0].Score, Is.LessThan(0.8f));
        });
    }

    [Test]
    public void Temperature_FallsBack_WhenNoExampleCanBeHeldOut() =>
        Assert.That(EmbeddingClassifier.Fit([Ex("a", 0), Ex("b", 90)], Raw).Temperature, Is.EqualTo(0.05f));

    [Test]
    public void DetectUnknown_FlagsInputsFartherFromEveryClassThanTheExamples()
    {
        var classifier = EmbeddingClassifier.Fit(TwoClusters(), new FewShotClassifierOptions { DetectUnknown = true });

        Prediction known = classifier.Predict(Vectors.AtAngle(2));
        Prediction unknown = classifier.Predict(Vectors.AtAngle(225));

        Assert.Multiple(() =>
        {
            Assert.That(known.IsUnknown, Is.False);
            Assert.That(unknown.IsUnknown, Is.True);
            Assert.That(unknown.Label, Is.Not.Null, "the nearest class is still named");
            Assert.That(classifier.UnknownThreshold, Is.GreaterThan(unknown.Score).And.LessThanOrEqualTo(known.Score));
        });
    }

    [Test]
    public void DetectUnknown_IsOffByDefault() =>
        Assert.That(EmbeddingClassifier.Fit(TwoClusters(), Raw).Predict(Vectors.AtAngle(225)).IsUnknown, Is.False);

    [Test]
    public void NoneExamples_PlaceTheThresholdBetweenClassesAndOffTopicTexts()
    {
        // Without help the threshold hugs the tight clusters, so 40° counts as unknown. Off-topic examples far away at
        // 225° show how dissimilar "none of these" really is, and the threshold moves down to just above them.
        LabeledEmbedding[] examples = [.. TwoClusters(), Ex("none", 224), Ex("none", 226), Ex("none", 225)];
        var options = new FewShotClassifierOptions { DetectUnknown = true, NoneLabel = "none" };

        var withNone = EmbeddingClassifier.Fit(examples, options);
        var without = EmbeddingClassifier.Fit(TwoClusters(), new FewShotClassifierOptions { DetectUnknown = true });

        Assert.Multiple(() =>
        {
            Assert.That(withNone.Labels, Is.EqualTo(new[] { "a", "b" }), "none is not a class");
            Assert.That(withNone.ExampleCount, Is.EqualTo(8));
            Assert.That(without.Predict(Vectors.AtAngle(40)).IsUnknown, Is.True);
            Assert.That(withNone.Predict(Vectors.AtAngle(40)).IsUnknown, Is.False);
            Assert.That(withNone.Predict(Vectors.AtAngle(225)).IsUnknown, Is.True);
            Assert.That(withNone.WithExamples([Ex("c", 170), Ex("c", 160)]).Predict(Vectors.AtAngle(225)).IsUnknown, Is.True, "none examples survive WithExamples");
        });
    }

    [Test]
    public void NoneLabel_Throws_WhenNoRealClassIsLeft() =>
        Assert.That(
            () => EmbeddingClassifier.Fit([Ex("none", 0), Ex("none", 9)], new FewShotClassifierOptions { NoneLabel = "none" }),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("examples"));

    [Test]
    public void NearestExamples_ListsMostSimilarExamplesFirst()
    {
        var classifier = EmbeddingClassifier.Fit(TwoClusters(), Raw);

        IReadOnlyList<NearestExample> nearest = classifier.NearestExamples(Vectors.AtAngle(88), 2);

        Assert.Multiple(() =>
        {
            Assert.That(nearest.Select(n => n.Index), Is.EqualTo(new[] { 5, 7 }));
            Assert.That(nearest.Select(n => n.Label), Is.All.EqualTo("b"));
            Assert.That(nearest[0].Score, Is.EqualTo(Math.Cos(2 * Math.PI / 180)).Within(1e-6));
            Assert.That(() => classifier.NearestExamples(Vectors.AtAngle(88), 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("count"));
            Assert.That(() => classifier.NearestExamples(new float[3]), Throws.ArgumentException.With.Property("ParamName").EqualTo("embedding"));
        });
    }

    [Test]
    public void NearestExamples_ScoresZero_ForAZeroQuery_EvenWhenCentered()
    {
        // Centering must not turn a zero query into "minus the center", which would look similar to some examples.
        var classifier = EmbeddingClassifier.Fit(TwoClusters(), new FewShotClassifierOptions { CenterEmbeddings = true });

        IReadOnlyList<NearestExample> nearest = classifier.NearestExamples(new float[4], 3);

        Assert.That(nearest.Select(n => n.Score), Is.All.EqualTo(0f));
    }
}
