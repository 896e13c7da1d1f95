namespace EmbedClassify.Tests.Classification;

public class WordViewTests
{
    [Test]
    public void Count_LowerCasesWordsAndAddsAdjacentPairs()
    {
        Dictionary<string, int> counts = WordView.Count("Free CASH, free cash! 100%_off");

        Assert.That(counts, Is.EquivalentTo(new Dictionary<string, int>
        {
            ["free"] = 2, ["cash"] = 2, ["100"] = 1, ["_off"] = 1,
            ["free cash"] = 2, ["cash free"] = 1, ["cash 100"] = 1, ["100 _off"] = 1,
        }).Using<KeyValuePair<string, int>>((a, b) => a.Key == b.Key && a.Value == b.Value));
    }

    [Test]
    public void Score_IsTheCosineToEachClassCentroid()
    {
        var view = WordView.Fit(["cheap pills", "meeting notes"], [0, 1], 2);
        var scores = new float[2];

        view.Score("cheap pills", scores);
        Assert.That(scores[0], Is.EqualTo(1f).Within(1e-5), "a text equal to a class's only example");
        Assert.That(scores[1], Is.EqualTo(0f));

        view.Score("nothing known here", scores);
        Assert.That(scores, Is.All.EqualTo(0f), "words no example has say nothing");

        view.Score("cheap unknown", scores);
        Assert.That(scores[0], Is.GreaterThan(0f).And.LessThan(1f), "unseen words lower the cosine");
    }

    [Test]
    public void LeaveOneOutScores_LeaveTheHeldExampleOutOfItsCentroid()
    {
        // Each ham example shares nothing with the other ham example, so held out it scores 0 for ham; with itself left
        // in, it would score above 0.
        var view = WordView.Fit(["win cash", "win prize", "quarterly report", "lunch tomorrow", "solo"], [0, 0, 1, 1, 2], 3);

        (float[][] scores, int[] truth) = view.LeaveOneOutScores();

        Assert.Multiple(() =>
        {
            Assert.That(truth, Is.EqualTo(new[] { 0, 0, 1, 1 }), "the only example of class 2 cannot be held out");
            Assert.That(scores[0][0], Is.GreaterThan(0f), "win cash still shares 'win' with win prize");
            Assert.That(scores[2][1], Is.EqualTo(0f));
            Assert.That(scores[3][1], Is.EqualTo(0f));
        });
    }

    [Test]
    public void FitTemperature_OfScoresThatSayNothing_IsHigh()
    {
        // Flat leave-one-out scores (a view with no shared words) make the likelihood flat in T; ties must move towards a
        // high temperature, which gives that view little weight, not towards the lowest, which would give it the most.
        float[][] flat = [[0f, 0f], [0f, 0f], [0f, 0f], [0f, 0f]];

        float temperature = EmbeddingClassifier.FitTemperature(flat, [0, 0, 1, 1], 2);

        Assert.That(temperature, Is.GreaterThan(1f));
    }
}
