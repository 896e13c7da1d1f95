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
    public void WithWeightedTexts_MovesEachClassCentroidByItsOwnWeight()
    {
        // "now" is in both spam examples and one ham example, so on its own it leans spam; texts weighted to ham that
        // use "now" must pull it to ham, while terms no example has ("asap") stay out of every centroid.
        var view = WordView.Fit(["free cash now", "win prize now", "meeting now please", "notes please"], [0, 0, 1, 1], 2);
        TermVector[] texts = [.. Enumerable.Repeat("now asap", 5).Select(view.Vectorize)];
        float[] weights = [.. Enumerable.Repeat(new[] { 0f, 2f }, 5).SelectMany(w => w)];
        var before = new float[2];
        var after = new float[2];

        view.Score("now", before);
        WordView refined = view.WithWeightedTexts(texts, weights);
        refined.Score("now", after);
        var unknown = new float[2];
        refined.Score("asap", unknown);

        Assert.Multiple(() =>
        {
            Assert.That(before[0], Is.GreaterThan(before[1]), "unrefined, 'now' leans spam");
            Assert.That(after[1], Is.GreaterThan(after[0]), "refined, 'now' leans ham");
            Assert.That(after[1], Is.GreaterThan(before[1]));
            Assert.That(unknown, Is.All.EqualTo(0f), "a term no example has stays unknown");
        });

        // The original view is unchanged: refinement returns a new one.
        var again = new float[2];
        view.Score("now", again);
        Assert.That(again, Is.EqualTo(before));
    }

    [Test]
    public void Vectorize_CountsUnseenTermsInTheLengthOnly()
    {
        var view = WordView.Fit(["cheap pills", "meeting notes"], [0, 1], 2);

        TermVector known = view.Vectorize("cheap pills");
        TermVector mixed = view.Vectorize("cheap pills unknownword");

        Assert.Multiple(() =>
        {
            Assert.That(known.Weights.Sum(w => w * w), Is.EqualTo(1f).Within(1e-5));
            Assert.That(mixed.Terms, Has.Length.EqualTo(known.Terms.Length), "only the examples' terms are kept");
            Assert.That(mixed.Weights.Sum(w => w * w), Is.LessThan(0.99f), "the unseen words still take their share of the length");
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
