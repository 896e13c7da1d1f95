namespace EmbedClassify.FineTuning.Tests.Pairs;

public sealed class ContrastivePairsTests
{
    [Test]
    public void Generate_GivesEachExampleOnePositiveAndOneNegativePairPerIteration()
    {
        int[] labels = [0, 0, 0, 1, 1, 2, 2, 2, 2];

        SentencePair[] pairs = ContrastivePairs.Generate(labels, iterations: 3, seed: 7);

        Assert.That(pairs, Has.Length.EqualTo(2 * 3 * labels.Length));
        for (int example = 0; example < labels.Length; example++)
        {
            Assert.That(pairs.Count(p => p.First == example && p.Label == 1f), Is.EqualTo(3));
            Assert.That(pairs.Count(p => p.First == example && p.Label == 0f), Is.EqualTo(3));
        }

        Assert.Multiple(() =>
        {
            foreach (SentencePair pair in pairs)
            {
                bool sameLabel = labels[pair.First] == labels[pair.Second];
                Assert.That(sameLabel, Is.EqualTo(pair.Label == 1f), pair.ToString());
                Assert.That(pair.Label == 0f || pair.First != pair.Second, Is.True, "a positive pair joins two different examples when the class has two");
            }
        });
    }

    [Test]
    public void Generate_IsSeeded_AndShuffled()
    {
        int[] labels = [.. Enumerable.Range(0, 40).Select(i => i % 4)];

        SentencePair[] first = ContrastivePairs.Generate(labels, 2, seed: 1);
        SentencePair[] again = ContrastivePairs.Generate(labels, 2, seed: 1);
        SentencePair[] other = ContrastivePairs.Generate(labels, 2, seed: 2);

        Assert.That(again, Is.EqualTo(first));
        Assert.That(other, Is.Not.EqualTo(first));

        // Not in generation order (example 0's pairs first).
        Assert.That(first.Take(4).Select(p => p.First), Is.Not.EqualTo(new[] { 0, 0, 1, 1 }));
    }

    [Test]
    public void Generate_DrawsNegativesUniformlyFromTheOtherLabels_EvenWhenOneLabelDominates()
    {
        // 990 examples of label 0, 10 of label 1: negatives of label-0 examples must all come from the ten.
        int[] labels = [.. Enumerable.Range(0, 1000).Select(i => i < 990 ? 0 : 1)];

        SentencePair[] pairs = ContrastivePairs.Generate(labels, 20, seed: 3);

        int[] negativesOfMajority = [.. pairs.Where(p => p.Label == 0f && labels[p.First] == 0).Select(p => p.Second)];
        Assert.That(negativesOfMajority, Has.All.InRange(990, 999));
        var counts = negativesOfMajority.GroupBy(i => i).Select(g => g.Count()).ToArray();
        Assert.That(counts, Has.Length.EqualTo(10));

        // 19,800 draws over 10 examples: each near 1,980 (a binomial's deviation is about 42).
        Assert.That(counts, Has.All.InRange(1780, 2180));
    }

    [Test]
    public void Generate_PairsALoneExampleWithItself()
    {
        SentencePair[] pairs = ContrastivePairs.Generate([0, 1, 1], 1, seed: 0);

        Assert.That(pairs.Single(p => p.First == 0 && p.Label == 1f).Second, Is.Zero);
    }

    [Test]
    public void Generate_OneLabelOnly_ThrowsNamingLabels()
    {
        ArgumentException? error = Assert.Throws<ArgumentException>(() => ContrastivePairs.Generate([3, 3, 3], 1, 0));
        Assert.That(error!.ParamName, Is.EqualTo("labels"));
    }
}
