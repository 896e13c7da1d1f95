using System.IO.Compression;

namespace EmbedClassify.Tests.Classification;

public class CompressionClassifierTests
{
    private static readonly LabeledExample[] Mail =
    [
        new("WIN a FREE prize now!!! Click here to claim your cash reward, limited offer, act now", "spam"),
        new("Hi Anna, the meeting about the quarterly budget moved to Thursday at 10, see the agenda attached", "ham"),
        new("Cheap meds online, no prescription needed, click here for a FREE trial offer now", "spam"),
        new("Thanks for the notes from Thursday's meeting; I updated the budget spreadsheet and the agenda", "ham"),
        new("Make money fast!!! Earn cash from home, click here, this limited offer ends now", "spam"),
        new("Could you review the draft agenda before the meeting? The budget numbers are in the attached sheet", "ham"),
    ];

    private static readonly string Unrelated = "zq9 xv7 kw2 jp5 bt8 mh3 rl6 yf1 gd4 ns0 uc9 oe2 wa7 ik5 hz3";

    [Test]
    public void Predict_SeparatesSpamLikeFromHamLikeTexts()
    {
        var classifier = CompressionClassifier.Fit(Mail);

        Assert.Multiple(() =>
        {
            Assert.That(classifier.Labels, Is.EqualTo(new[] { "spam", "ham" }));
            Assert.That(classifier.ExampleCount, Is.EqualTo(6));
            Assert.That(classifier.Predict("Click here now to claim your FREE cash prize, limited offer!!!").Label, Is.EqualTo("spam"));
            Assert.That(classifier.Predict("Please send the budget figures before Thursday's meeting, thanks Anna").Label, Is.EqualTo("ham"));
        });
    }

    [Test]
    public void Predict_ScoresEachClassAsOneMinusItsSmallestDistance()
    {
        var classifier = CompressionClassifier.Fit(Mail);
        const string query = "Earn FREE cash now, click here";

        Prediction prediction = classifier.Predict(query);

        foreach (string label in classifier.Labels)
        {
            float nearest = Mail.Where(m => m.Label == label).Min(m => CompressionClassifier.Distance(query, m.Text, CompressionLevel.Optimal));
            Assert.That(prediction.Scores.Single(s => s.Label == label).Score, Is.EqualTo(1 - nearest), label);
        }

        Assert.That(prediction.Score, Is.EqualTo(prediction.Scores.Max(s => s.Score)));
    }

    [Test]
    public void Distance_IsSmallForIdenticalTexts_NearlySymmetric_AndBounded()
    {
        string[] texts = [.. Mail.Select(m => m.Text), Unrelated, "short", "Ünïcödé テキスト 🙂 text"];

        foreach (string x in texts)
        {
            // A repeat costs a back-reference of a few bytes, which is a large share of a very short text's length.
            float self = CompressionClassifier.Distance(x, x, CompressionLevel.Optimal);
            Assert.That(self, Is.InRange(0f, x.Length > 40 ? 0.2f : 0.5f), $"NCD(x, x) for '{x}'");
            foreach (string y in texts)
            {
                float xy = CompressionClassifier.Distance(x, y, CompressionLevel.Optimal);
                float yx = CompressionClassifier.Distance(y, x, CompressionLevel.Optimal);
                Assert.That(xy, Is.InRange(0f, 1.1f));
                Assert.That(xy, Is.EqualTo(yx).Within(0.15f), $"'{x}' / '{y}'");
                if (x != y)
                {
                    Assert.That(xy, Is.GreaterThan(self), $"'{x}' is closer to itself than to '{y}'");
                }
            }
        }
    }

    [Test]
    public void Distance_IsNearOneForUnrelatedTexts_AndLowerForRelatedOnes()
    {
        float related = CompressionClassifier.Distance(Mail[0].Text, Mail[2].Text, CompressionLevel.Optimal);
        float unrelated = CompressionClassifier.Distance(Mail[0].Text, Unrelated, CompressionLevel.Optimal);

        Assert.Multiple(() =>
        {
            Assert.That(unrelated, Is.GreaterThan(0.75f));
            Assert.That(related, Is.LessThan(unrelated));
        });
    }

    [Test]
    public void Predict_WithOneNeighbor_ReturnsTheNearestExamplesLabel()
    {
        var classifier = CompressionClassifier.Fit(
            [new(Unrelated, "far"), new(Mail[0].Text, "near"), new(Mail[1].Text, "other")],
            new CompressionClassifierOptions { Neighbors = 1 });

        Assert.That(classifier.Predict(Mail[0].Text + " today").Label, Is.EqualTo("near"));
    }

    [Test]
    public void Predict_MajorityOfNeighborsWins_EvenWhenTheNearestIsOutvoted()
    {
        // The query is the "b" example itself, but two of the three nearest examples are "a".
        string query = Mail[1].Text;
        var classifier = CompressionClassifier.Fit(
            [new(query, "b"), new(Mail[3].Text, "a"), new(Mail[5].Text, "a"), new(Unrelated, "b")],
            new CompressionClassifierOptions { Neighbors = 3 });

        Prediction prediction = classifier.Predict(query);

        Assert.Multiple(() =>
        {
            Assert.That(prediction.Label, Is.EqualTo("a"));
            Assert.That(prediction.Scores.Single(s => s.Label == "b").Score, Is.GreaterThan(prediction.Scores.Single(s => s.Label == "a").Score));
        });
    }

    [Test]
    public void Predict_BreaksVoteTiesBySummedDistance_NotByClassOrder()
    {
        // One vote each: "near" is seen second but its voter is closer, so it must win over the first class.
        var classifier = CompressionClassifier.Fit(
            [new(Unrelated, "far"), new(Mail[0].Text, "near")],
            new CompressionClassifierOptions { Neighbors = 2 });

        Assert.That(classifier.Predict(Mail[0].Text).Label, Is.EqualTo("near"));
    }

    [Test]
    public void Predict_ExactTieGoesToTheFirstClass()
    {
        // Identical texts under different labels are exactly equally distant from every query.
        var classifier = CompressionClassifier.Fit(
            [new(Mail[0].Text, "early"), new(Mail[0].Text, "late")],
            new CompressionClassifierOptions { Neighbors = 2 });

        Prediction prediction = classifier.Predict(Mail[2].Text);

        Assert.Multiple(() =>
        {
            Assert.That(prediction.Label, Is.EqualTo("early"));
            Assert.That(prediction.Scores[0].Score, Is.EqualTo(prediction.Scores[1].Score));
        });
    }

    [Test]
    public void Predict_WithOneNeighbor_ExactTieGoesToTheEarlierExample()
    {
        var classifier = CompressionClassifier.Fit(
            [new(Mail[1].Text, "ham"), new(Mail[0].Text, "early"), new(Mail[0].Text, "late")],
            new CompressionClassifierOptions { Neighbors = 1 });

        Assert.That(classifier.Predict(Mail[2].Text).Label, Is.EqualTo("early"));
    }

    [TestCase(new float[] { 1, 1 }, new float[] { 0.5f, 0.5f }, 0)]
    [TestCase(new float[] { 1, 1 }, new float[] { 0.6f, 0.5f }, 1)]
    [TestCase(new float[] { 1, 2, 0 }, new float[] { 0.1f, 1.8f, 0 }, 1)]
    [TestCase(new float[] { 0, 2, 2 }, new float[] { 0, 1.2f, 1.2f }, 1)]
    public void Vote_PrefersMoreVotes_ThenSmallerSummedDistance_ThenTheFirstClass(float[] counts, float[] sums, int expected) =>
        Assert.That(CompressionClassifier.Vote(counts, sums), Is.EqualTo(expected));

    [Test]
    public void Predict_UsesEveryExample_WhenNeighborsExceedExamples()
    {
        var classifier = CompressionClassifier.Fit(Mail, new CompressionClassifierOptions { Neighbors = 50 });

        // Three votes each; the summed distance decides, and it is smaller for the class the query resembles.
        Assert.That(classifier.Predict("Click here now to claim your FREE cash prize, limited offer!!!").Label, Is.EqualTo("spam"));
    }

    [Test]
    public void Predict_HandlesManyExamples_BeyondTheStackBuffers()
    {
        var random = new Random(5);
        var examples = new List<LabeledExample>();
        for (int i = 0; i < 300; i++)
        {
            LabeledExample template = Mail[random.Next(Mail.Length)];
            examples.Add(new LabeledExample($"{template.Text} #{random.Next(1000)}", template.Label));
        }

        var classifier = CompressionClassifier.Fit(examples, new CompressionClassifierOptions { Neighbors = 300 });

        Assert.That(classifier.Predict(Mail[0].Text).Scores, Has.Count.EqualTo(2));
    }

    [Test]
    public void Predict_IsDeterministic_ForNonAsciiText()
    {
        var classifier = CompressionClassifier.Fit([new("Grüße aus München, bis später", "de"), new("今日はいい天気ですね、散歩に行きましょう", "ja")]);

        Prediction first = classifier.Predict("Schöne Grüße aus Köln");
        Prediction second = classifier.Predict("Schöne Grüße aus Köln");

        Assert.Multiple(() =>
        {
            Assert.That(first.Label, Is.EqualTo("de"));
            Assert.That(second.Scores, Is.EqualTo(first.Scores));
        });
    }

    [Test]
    public void PredictBatch_EqualsPredictOneByOne()
    {
        var classifier = CompressionClassifier.Fit(Mail, new CompressionClassifierOptions { Neighbors = 3 });
        string[] texts = [.. Mail.Select(m => m.Text + " again"), "FREE", "budget", Unrelated];

        IReadOnlyList<Prediction> batch = classifier.PredictBatch(texts);

        Assert.That(
            batch.Select(p => (p.Label, p.Score, Scores: string.Join(";", p.Scores))),
            Is.EqualTo(texts.Select(classifier.Predict).Select(p => (p.Label, p.Score, Scores: string.Join(";", p.Scores)))));
    }

    [Test]
    public void PredictBatch_Throws_WhenCanceled()
    {
        var classifier = CompressionClassifier.Fit(Mail);
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.That(() => classifier.PredictBatch(["FREE cash"], cancellation.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void Fit_CopiesTheOptions()
    {
        var options = new CompressionClassifierOptions { Neighbors = 2 };
        var classifier = CompressionClassifier.Fit(Mail, options);

        options.Neighbors = 5;

        Assert.That(classifier.Options.Neighbors, Is.EqualTo(2));
    }

    [Test]
    public void Fit_Throws_WhenExamplesIsNull() =>
        Assert.That(() => CompressionClassifier.Fit(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("examples"));

    [Test]
    public void Fit_Throws_WhenThereAreNoExamples() =>
        Assert.That(() => CompressionClassifier.Fit([]), Throws.ArgumentException.With.Property("ParamName").EqualTo("examples"));

    [Test]
    public void Fit_Throws_WhenEveryExampleHasOneLabel() =>
        Assert.That(
            () => CompressionClassifier.Fit([new("one", "a"), new("two", "a")]),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("examples").And.Message.Contains("two classes"));

    [TestCase(null)]
    [TestCase("")]
    [TestCase(" \t")]
    public void Fit_Throws_WhenATextIsNullOrBlank(string? text) =>
        Assert.That(
            () => CompressionClassifier.Fit([new("one", "a"), new(text!, "b")]),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("examples").And.Message.Contains("examples[1]").And.Message.Contains("text"));

    [TestCase(null)]
    [TestCase("")]
    [TestCase("  ")]
    public void Fit_Throws_WhenALabelIsNullOrBlank(string? label) =>
        Assert.That(
            () => CompressionClassifier.Fit([new("one", "a"), new("two", label!)]),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("examples").And.Message.Contains("examples[1]").And.Message.Contains("label"));

    [Test]
    public void Predict_Throws_WhenTextIsNull() =>
        Assert.That(() => CompressionClassifier.Fit(Mail).Predict(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("text"));

    [TestCase("")]
    [TestCase("   ")]
    public void Predict_Throws_WhenTextIsBlank(string text) =>
        Assert.That(() => CompressionClassifier.Fit(Mail).Predict(text), Throws.ArgumentException.With.Property("ParamName").EqualTo("text"));

    [Test]
    public void PredictBatch_Throws_WhenTextsIsNull() =>
        Assert.That(() => CompressionClassifier.Fit(Mail).PredictBatch(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("texts"));

    [Test]
    public void PredictBatch_Throws_NamingTheBadText() =>
        Assert.That(
            () => CompressionClassifier.Fit(Mail).PredictBatch(["fine", null!]),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("texts").And.Message.Contains("texts[1]"));

    [Test]
    public void Options_HaveDocumentedDefaults()
    {
        var options = new CompressionClassifierOptions();

        Assert.Multiple(() =>
        {
            Assert.That(options.Neighbors, Is.EqualTo(3));
            Assert.That(options.CompressionLevel, Is.EqualTo(CompressionLevel.Optimal));
        });
    }

    [TestCase(0)]
    [TestCase(-2)]
    public void Options_Neighbors_RejectsValuesBelowOne(int value) =>
        Assert.That(() => new CompressionClassifierOptions { Neighbors = value }, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("value"));

    [TestCase(CompressionLevel.NoCompression)]
    [TestCase((CompressionLevel)42)]
    public void Options_CompressionLevel_RejectsLevelsThatDoNotCompress(CompressionLevel value) =>
        Assert.That(() => new CompressionClassifierOptions { CompressionLevel = value }, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("value"));

    [Test]
    public void Options_Clone_IsIndependent()
    {
        var options = new CompressionClassifierOptions { Neighbors = 4, CompressionLevel = CompressionLevel.SmallestSize };

        CompressionClassifierOptions clone = options.Clone();
        options.Neighbors = 1;

        Assert.Multiple(() =>
        {
            Assert.That(clone.Neighbors, Is.EqualTo(4));
            Assert.That(clone.CompressionLevel, Is.EqualTo(CompressionLevel.SmallestSize));
        });
    }
}
