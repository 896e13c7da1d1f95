using EmbedClassify.Tests.TestDoubles;

namespace EmbedClassify.Tests.Classification;

public class EmbeddingClassifierStrategyTests
{
    // These tests pin raw cosines and neighbours, so they turn off the centering that is on by default.
    private static readonly FewShotClassifierOptions Raw = new() { CenterEmbeddings = false };

    private static LabeledEmbedding Ex(string label, double degrees) => new(label, Vectors.AtAngle(degrees));

    [Test]
    public void KNearestNeighbors_MajorityOfNeighborsWins_EvenWhenTheNearestIsOutvoted()
    {
        // The single nearest example is "b", but two of the three nearest are "a".
        var classifier = EmbeddingClassifier.Fit(
            [Ex("b", 50), Ex("a", 40), Ex("a", 65), Ex("b", 170)],
            new FewShotClassifierOptions { CenterEmbeddings = false, Strategy = ClassificationStrategy.KNearestNeighbors, Neighbors = 3 });

        Prediction prediction = classifier.Predict(Vectors.AtAngle(52));

        Assert.Multiple(() =>
        {
            Assert.That(prediction.Label, Is.EqualTo("a"));

            // A class score is the cosine to that class's nearest example.
            Assert.That(prediction.Scores.Single(s => s.Label == "b").Score, Is.EqualTo(Math.Cos(2 * Math.PI / 180)).Within(1e-6));
            Assert.That(prediction.Scores.Single(s => s.Label == "a").Score, Is.EqualTo(Math.Cos(12 * Math.PI / 180)).Within(1e-6));
        });
    }

    [Test]
    public void KNearestNeighbors_WithOneNeighbor_ReturnsLabelOfNearestExample()
    {
        var classifier = EmbeddingClassifier.Fit(
            [Ex("b", 50), Ex("a", 40), Ex("a", 65)],
            new FewShotClassifierOptions { CenterEmbeddings = false, Strategy = ClassificationStrategy.KNearestNeighbors, Neighbors = 1 });

        Assert.That(classifier.Predict(Vectors.AtAngle(52)).Label, Is.EqualTo("b"));
    }

    [Test]
    public void KNearestNeighbors_BreaksVoteTiesBySummedSimilarity()
    {
        // Two voters each: "late" (seen second) is closer in sum, so it must win although "early" comes first.
        var classifier = EmbeddingClassifier.Fit(
            [Ex("early", 30), Ex("early", -30), Ex("late", 10), Ex("late", -12)],
            new FewShotClassifierOptions { CenterEmbeddings = false, Strategy = ClassificationStrategy.KNearestNeighbors, Neighbors = 4 });

        Assert.That(classifier.Predict(Vectors.AtAngle(0)).Label, Is.EqualTo("late"));
    }

    [Test]
    public void KNearestNeighbors_ExactTieGoesToFirstClass()
    {
        var classifier = EmbeddingClassifier.Fit(
            [Ex("early", 20), Ex("late", -20)],
            new FewShotClassifierOptions { CenterEmbeddings = false, Strategy = ClassificationStrategy.KNearestNeighbors, Neighbors = 2 });

        Assert.That(classifier.Predict(Vectors.AtAngle(0)).Label, Is.EqualTo("early"));
    }

    [Test]
    public void KNearestNeighbors_UsesEveryExample_WhenNeighborsExceedExamples()
    {
        var classifier = EmbeddingClassifier.Fit(
            [Ex("a", 0), Ex("a", 10), Ex("b", 90)],
            new FewShotClassifierOptions { CenterEmbeddings = false, Strategy = ClassificationStrategy.KNearestNeighbors, Neighbors = 50 });

        // All three vote: "a" has two votes even though the query sits on "b".
        Assert.That(classifier.Predict(Vectors.AtAngle(90)).Label, Is.EqualTo("a"));
    }

    [Test]
    public void KMeans_IsReproducible_ForTheSameSeed_AndDependsOnIt()
    {
        var random = new Random(3);
        var examples = new List<LabeledEmbedding>();
        for (int i = 0; i < 40; i++)
        {
            examples.Add(new LabeledEmbedding(i % 2 == 0 ? "x" : "y", Vectors.RandomDirection(16, random)));
        }

        float[][] queries = [.. Enumerable.Range(0, 50).Select(_ => Vectors.RandomDirection(16, random))];
        var options = new FewShotClassifierOptions { CenterEmbeddings = false, Strategy = ClassificationStrategy.KMeans, Clusters = 6, Seed = 11 };

        string[] Run(FewShotClassifierOptions o)
        {
            var classifier = EmbeddingClassifier.Fit(examples, o);
            return [.. queries.Select(q => $"{classifier.Predict(q).Label}:{classifier.Predict(q).Score:R}")];
        }

        string[] first = Run(options);
        string[] second = Run(options);
        options.Seed = 12;
        string[] otherSeed = Run(options);

        Assert.Multiple(() =>
        {
            Assert.That(second, Is.EqualTo(first));
            Assert.That(otherSeed, Is.Not.EqualTo(first), "random data with another seed should give other clusters");
        });
    }

    [Test]
    public void KMeans_NamesClustersByMajorityLabel()
    {
        // Two tight groups; the group near 0° has a stray "b" but is mostly "a".
        var classifier = EmbeddingClassifier.Fit(
            [Ex("a", 0), Ex("a", 5), Ex("b", 3), Ex("b", 90), Ex("b", 95), Ex("a", 92), Ex("b", 88)],
            new FewShotClassifierOptions { CenterEmbeddings = false, Strategy = ClassificationStrategy.KMeans, Clusters = 2 });

        Assert.Multiple(() =>
        {
            Assert.That(classifier.Predict(Vectors.AtAngle(3)).Label, Is.EqualTo("a"));
            Assert.That(classifier.Predict(Vectors.AtAngle(91)).Label, Is.EqualTo("b"));
        });
    }

    [Test]
    public void KMeans_ScoresMinusOne_ForClassWithNoCluster()
    {
        // One cluster cannot carry both classes: the class left without one scores the lowest cosine there is.
        var classifier = EmbeddingClassifier.Fit(
            [Ex("a", 0), Ex("a", 5), Ex("b", 10)],
            new FewShotClassifierOptions { CenterEmbeddings = false, Strategy = ClassificationStrategy.KMeans, Clusters = 1 });

        Prediction prediction = classifier.Predict(Vectors.AtAngle(10));

        Assert.Multiple(() =>
        {
            Assert.That(prediction.Label, Is.EqualTo("a"));
            Assert.That(prediction.Scores[1].Score, Is.EqualTo(-1f));
        });
    }

    [Test]
    public void KMeans_NamesClusterWithoutLabeledMembersAfterNearestClassCentroid()
    {
        // Unlabelled points form a third group near 150°: its cluster must be named after "b" (at 90°), not "a" (at 0°).
        var classifier = EmbeddingClassifier.Fit(
            [Ex("a", 0), Ex("b", 90)],
            [Vectors.AtAngle(148), Vectors.AtAngle(150), Vectors.AtAngle(152)],
            new FewShotClassifierOptions { CenterEmbeddings = false, Strategy = ClassificationStrategy.KMeans, Clusters = 3 });

        Assert.That(classifier.Predict(Vectors.AtAngle(150)).Label, Is.EqualTo("b"));
    }

    [Test]
    public void KMeans_Throws_WhenMoreClustersThanVectors() =>
        Assert.That(
            () => EmbeddingClassifier.Fit([Ex("a", 0), Ex("b", 90)], new FewShotClassifierOptions { CenterEmbeddings = false, Strategy = ClassificationStrategy.KMeans, Clusters = 3 }),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("options").And.Message.Contains("3 clusters"));

    [Test]
    public void KMeansFromClassCentroids_UsesUnlabeledVectors_ToMoveClassCenters()
    {
        // With one example each the boundary sits at 65°; the unlabelled data shows class "a" really lies near 10°
        // and "b" near 87°, which moves the boundary below 60°.
        LabeledEmbedding[] examples = [Ex("a", 40), Ex("b", 90)];
        float[][] unlabeled = [Vectors.AtAngle(0), Vectors.AtAngle(10), Vectors.AtAngle(20), Vectors.AtAngle(80), Vectors.AtAngle(85), Vectors.AtAngle(95)];
        var plain = EmbeddingClassifier.Fit(examples, Raw);
        var refined = EmbeddingClassifier.Fit(
            examples,
            unlabeled.Select(v => (ReadOnlyMemory<float>)v),
            new FewShotClassifierOptions { CenterEmbeddings = false, Strategy = ClassificationStrategy.KMeans, Initialization = KMeansInitialization.ClassCentroids });

        Assert.Multiple(() =>
        {
            Assert.That(plain.Predict(Vectors.AtAngle(60)).Label, Is.EqualTo("a"));
            Assert.That(refined.Predict(Vectors.AtAngle(60)).Label, Is.EqualTo("b"));
            Assert.That(refined.UnlabeledCount, Is.EqualTo(6));
        });
    }

    [Test]
    public void KMeansFromClassCentroids_KeepsLabeledExamplesInTheirOwnClass()
    {
        // An unlabelled crowd next to the lone "b" example could drag a free cluster away; pinned examples keep each
        // cluster on its class, so the "b" example itself is still classified "b".
        var classifier = EmbeddingClassifier.Fit(
            [Ex("a", 0), Ex("a", 10), Ex("b", 40)],
            [Vectors.AtAngle(30), Vectors.AtAngle(32), Vectors.AtAngle(34)],
            new FewShotClassifierOptions { CenterEmbeddings = false, Strategy = ClassificationStrategy.KMeans, Initialization = KMeansInitialization.ClassCentroids });

        Assert.That(classifier.Predict(Vectors.AtAngle(40)).Label, Is.EqualTo("b"));
    }

    [Test]
    public void KMeansFromClassCentroids_Throws_WhenClusterCountDiffersFromClassCount() =>
        Assert.That(
            () => EmbeddingClassifier.Fit(
                [Ex("a", 0), Ex("b", 90)],
                new FewShotClassifierOptions { CenterEmbeddings = false, Strategy = ClassificationStrategy.KMeans, Initialization = KMeansInitialization.ClassCentroids, Clusters = 3 }),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("options"));

    [Test]
    public void WithExamples_AddsExamplesAndLabels_LeavingTheOriginalUnchanged()
    {
        var original = EmbeddingClassifier.Fit([Ex("a", 0), Ex("b", 90)], Raw);

        EmbeddingClassifier extended = original.WithExamples([Ex("c", 180), Ex("a", 10)]);

        Assert.Multiple(() =>
        {
            Assert.That(extended.Labels, Is.EqualTo(new[] { "a", "b", "c" }));
            Assert.That(extended.ExampleCount, Is.EqualTo(4));
            Assert.That(extended.Predict(Vectors.AtAngle(175)).Label, Is.EqualTo("c"));
            Assert.That(original.Labels, Is.EqualTo(new[] { "a", "b" }));
            Assert.That(original.ExampleCount, Is.EqualTo(2));
            Assert.That(original.Predict(Vectors.AtAngle(175)).Label, Is.EqualTo("b"));
        });
    }

    [Test]
    public void WithExamples_GivesTheSameClassifierAsFittingEverythingAtOnce()
    {
        var random = new Random(5);
        LabeledEmbedding[] first = [.. Enumerable.Range(0, 6).Select(i => new LabeledEmbedding(i % 2 == 0 ? "a" : "b", Vectors.RandomDirection(8, random)))];
        LabeledEmbedding[] more = [.. Enumerable.Range(0, 6).Select(i => new LabeledEmbedding(i % 3 == 0 ? "a" : "b", Vectors.RandomDirection(8, random)))];
        float[] query = Vectors.RandomDirection(8, random);

        Prediction incremental = EmbeddingClassifier.Fit(first, Raw).WithExamples(more).Predict(query);
        Prediction together = EmbeddingClassifier.Fit([.. first, .. more], Raw).Predict(query);

        Assert.That(incremental.Scores.Select(s => s.Score), Is.EqualTo(together.Scores.Select(s => s.Score)).Within(1e-6));
    }

    [Test]
    public void WithExamples_Throws_WhenDimensionsDiffer() =>
        Assert.That(
            () => EmbeddingClassifier.Fit([Ex("a", 0), Ex("b", 90)], Raw).WithExamples([new LabeledEmbedding("c", new float[7])]),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("examples").And.Message.Contains("7 dimensions"));
}
