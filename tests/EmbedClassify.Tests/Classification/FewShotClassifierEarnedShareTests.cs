namespace EmbedClassify.Tests.Classification;

/// <summary>
/// How much of its weight the word view keeps, from held-out scores built so that the full weight, half of it and none
/// classify a chosen number of examples right.
/// </summary>
public class FewShotClassifierEarnedShareTests
{
    [TestCase(0, 0, 1f, TestName = "EarnedShare_KeepsTheFullWeight_WhenTheViewsNeverDisagree")]
    [TestCase(3, 3, 1f, TestName = "EarnedShare_KeepsTheFullWeight_OnATie")]
    [TestCase(4, 3, 1f, TestName = "EarnedShare_KeepsTheFullWeight_WhenDroppingTheWordsWinsByOneExampleOnly")]
    [TestCase(5, 3, 0f, TestName = "EarnedShare_DropsTheWords_WhenThatWinsByTwoExamples")]
    [TestCase(8, 0, 0f, TestName = "EarnedShare_DropsTheWords_WhenTheyOnlyMislead")]
    public void EarnedShare(int wordsMislead, int wordsRescue, float expected)
    {
        (float[][] embedded, float[][] worded, int[] truth) = HeldOut(wordsMislead, wordsRescue, agreeing: 12);

        float share = FewShotClassifier.EarnedShare(embedded, 1, worded, 1, truth);

        Assert.That(share, Is.EqualTo(expected));
    }

    [Test]
    public void EarnedShare_KeepsHalfTheWeight_WhenOnlyHalfOfItWinsByTwoExamples()
    {
        // Words that overrule a right embedding at full weight but not at half: half wins, dropping them gains nothing more.
        (float[][] embedded, float[][] worded, int[] truth) = HeldOut(wordsMislead: 0, wordsRescue: 0, agreeing: 12);
        float[][] mild = [.. Enumerable.Range(0, 3).Select(_ => new[] { 1f, 0f })];
        float[][] mildWords = [.. Enumerable.Range(0, 3).Select(_ => new[] { -1.5f, 0f })];

        float share = FewShotClassifier.EarnedShare([.. embedded, .. mild], 1, [.. worded, .. mildWords], 1, [.. truth, 0, 0, 0]);

        Assert.That(share, Is.EqualTo(0.5f));
    }

    /// <summary>
    /// Held-out scores of class-0 examples over two classes: <paramref name="wordsMislead"/> that the embedding gets right
    /// and strong words get wrong, <paramref name="wordsRescue"/> the other way round, and <paramref name="agreeing"/>
    /// both get right. Full weight then gets all but the first group right; no words, all but the second.
    /// </summary>
    private static (float[][] Embedded, float[][] Worded, int[] Truth) HeldOut(int wordsMislead, int wordsRescue, int agreeing)
    {
        var embedded = new List<float[]>();
        var worded = new List<float[]>();
        for (int i = 0; i < wordsMislead; i++)
        {
            embedded.Add([1, 0]);
            worded.Add([-3, 0]);
        }

        for (int i = 0; i < wordsRescue; i++)
        {
            embedded.Add([-1, 0]);
            worded.Add([3, 0]);
        }

        for (int i = 0; i < agreeing; i++)
        {
            embedded.Add([1, 0]);
            worded.Add([1, 0]);
        }

        return ([.. embedded], [.. worded], new int[embedded.Count]);
    }
}
