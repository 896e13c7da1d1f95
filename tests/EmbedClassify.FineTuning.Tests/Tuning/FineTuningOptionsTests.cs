namespace EmbedClassify.FineTuning.Tests.Tuning;

public sealed class FineTuningOptionsTests
{
    [Test]
    public void Defaults_AreSetFitsPrototypeSettings()
    {
        var options = new FineTuningOptions();

        Assert.Multiple(() =>
        {
            Assert.That(options.PairIterations, Is.EqualTo(5));
            Assert.That(options.LearningRate, Is.EqualTo(2e-5f));
            Assert.That(options.MaxSequenceLength, Is.EqualTo(128));
            Assert.That(options.BatchSize, Is.EqualTo(16));
            Assert.That(options.TrainedLayers, Is.Null);
        });
    }

    [TestCase(0)]
    [TestCase(1001)]
    public void PairIterations_OutOfRange_Throws(int value) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FineTuningOptions().PairIterations = value);

    [TestCase(0f)]
    [TestCase(-1e-5f)]
    [TestCase(float.NaN)]
    [TestCase(float.PositiveInfinity)]
    [TestCase(0.5f)]
    public void LearningRate_NotInRange_Throws(float value) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FineTuningOptions().LearningRate = value);

    [TestCase(7)]
    [TestCase(513)]
    public void MaxSequenceLength_OutOfRange_Throws(int value) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FineTuningOptions().MaxSequenceLength = value);

    [TestCase(0)]
    [TestCase(7)]
    public void TrainedLayers_OutOfRange_Throws(int value) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FineTuningOptions().TrainedLayers = value);

    [TestCase(0)]
    [TestCase(-3)]
    public void MaxSteps_BelowOne_Throws(int value) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FineTuningOptions().MaxSteps = value);

    [Test]
    public void Clone_IsIndependent()
    {
        var options = new FineTuningOptions { PairIterations = 3, TrainedLayers = 2, Seed = 9 };
        FineTuningOptions copy = options.Clone();
        options.PairIterations = 8;

        Assert.That(copy.PairIterations, Is.EqualTo(3));
        Assert.That(copy.TrainedLayers, Is.EqualTo(2));
        Assert.That(copy.Seed, Is.EqualTo(9));
    }
}
