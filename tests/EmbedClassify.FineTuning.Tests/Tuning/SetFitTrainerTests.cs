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
}
