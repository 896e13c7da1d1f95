using EmbedClassify.Tests.TestDoubles;

namespace EmbedClassify.Tests.Classification;

public class EmbeddingClassifierAutoTests
{
    private static LabeledEmbedding Ex(string label, double degrees) => new(label, Vectors.AtAngle(degrees));

    private static readonly FewShotClassifierOptions Auto = new() { Strategy = ClassificationStrategy.Auto };

    [Test]
    public void Auto_PicksNearestNeighbors_WhenEachClassHasTwoOppositeModes()
    {
        // Each class's examples sit on opposite sides of the circle, so its centroid is near zero and says nothing;
        // only comparing with individual examples works, and leave-one-out shows it.
        LabeledEmbedding[] examples =
        [
            Ex("a", 0), Ex("a", 5), Ex("a", 10), Ex("a", 180), Ex("a", 185), Ex("a", 190),
            Ex("b", 90), Ex("b", 95), Ex("b", 100), Ex("b", 270), Ex("b", 275), Ex("b", 280),
        ];

        var classifier = EmbeddingClassifier.Fit(examples, Auto);

        Assert.Multiple(() =>
        {
            Assert.That(classifier.Strategy, Is.EqualTo(ClassificationStrategy.KNearestNeighbors));
            Assert.That(classifier.Predict(Vectors.AtAngle(183)).Label, Is.EqualTo("a"));
            Assert.That(classifier.Predict(Vectors.AtAngle(273)).Label, Is.EqualTo("b"));
        });
    }

    [Test]
    public void Auto_KeepsTheSimplestRule_WhenEveryRuleIsPerfect()
    {
        var classifier = EmbeddingClassifier.Fit([Ex("a", 0), Ex("a", 10), Ex("b", 90), Ex("b", 100)], Auto);

        Assert.Multiple(() =>
        {
            Assert.That(classifier.Strategy, Is.EqualTo(ClassificationStrategy.NearestCentroid));
            Assert.That(classifier.Options.CenterEmbeddings, Is.False);
        });
    }

    [Test]
    public void Auto_AcceptsUnlabeledVectors_AndOnlyKMeansKeepsThem()
    {
        var classifier = EmbeddingClassifier.Fit(
            [Ex("a", 0), Ex("a", 10), Ex("b", 90), Ex("b", 100)],
            [Vectors.AtAngle(5), Vectors.AtAngle(95)],
            Auto);

        Assert.That(
            classifier.UnlabeledCount,
            Is.EqualTo(classifier.Strategy == ClassificationStrategy.KMeans ? 2 : 0));
    }

    [Test]
    public async Task Auto_WorksThroughFewShotClassifier_WithUnlabeledTexts()
    {
        LabeledExample[] examples =
        [
            new("win a free prize now", "spam"), new("cheap pills free offer", "spam"),
            new("meeting notes for monday", "ham"), new("lunch with the team on monday", "ham"),
        ];

        var classifier = await FewShotClassifier.CreateAsync(BagOfWords.Generator(), examples, ["free offer today"], Auto);

        Assert.That((await classifier.PredictAsync("free prize")).Label, Is.EqualTo("spam"));
    }
}
