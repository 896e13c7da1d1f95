namespace EmbedClassify.FineTuning.Tests.Tuning;

public sealed class SetFitTrainerTests
{
    [Test]
    public void LearningRateFactor_WarmsUpLinearly_ThenDecaysToZero()
    {
        // 20 steps, 2 of warm-up: 0, 0.5, then 18/18 ... 1/18.
        double[] factors = [.. Enumerable.Range(0, 20).Select(step => SetFitTrainer.LearningRateFactor(step, 20, 2))];

        Assert.That(factors[0], Is.Zero);
        Assert.That(factors[1], Is.EqualTo(0.5));
        Assert.That(factors[2], Is.EqualTo(1.0));
        Assert.That(factors[19], Is.EqualTo(1.0 / 18).Within(1e-12));
        Assert.That(factors.Skip(2), Is.Ordered.Descending);
    }

    [Test]
    public void Train_ASplitStep_MovesTheWeightsAsOnePassDoes()
    {
        // Texts of 10-16 tokens and a budget of 20: every step runs as slices of one text.
        string[] texts = [.. FineTuningRunTests.Examples.Select(e => e.Text)];
        int[] labels = [.. FineTuningRunTests.Examples.Select(e => e.Label == "billing" ? 0 : 1)];
        var options = new FineTuningOptions { PairIterations = 1, BatchSize = 8, MaxSequenceLength = 24, LearningRate = 1e-4f, Seed = 2 };
        BertWeights original = OnnxBertGraph.Parse(Model.OnnxBertGraphTests.BuiltInGraph()).ReadWeights();
        BertWeights whole = original.Clone();
        BertWeights sliced = original.Clone();

        FineTuningSummary onePass = SetFitTrainer.Train(whole, texts, labels, options, null, CancellationToken.None);
        FineTuningSummary slices = SetFitTrainer.Train(sliced, texts, labels, options, null, CancellationToken.None, maxTokensPerPass: 20);

        // The same step losses, and weights that moved alike: the slices differ only in the order float sums are taken.
        Assert.That(slices.InitialLoss, Is.EqualTo(onePass.InitialLoss).Within(1e-5));
        double moved = Distance(whole, original);
        double apart = Distance(sliced, whole);
        TestContext.Out.WriteLine($"moved {moved:G4}, one pass vs slices {apart:G4}");
        Assert.That(moved, Is.GreaterThan(0));
        Assert.That(apart, Is.LessThan(0.01 * moved));
    }

    private static double Distance(BertWeights a, BertWeights b)
    {
        double sum = 0;
        foreach (((_, float[] x), (_, float[] y)) in a.Parameters().Zip(b.Parameters()))
        {
            for (int i = 0; i < x.Length; i++)
            {
                double d = x[i] - y[i];
                sum += d * d;
            }
        }

        return Math.Sqrt(sum);
    }
}
