namespace EmbedClassify.MLNet.Tests.Classification;

public class LogisticRegressionOptionsTests
{
    [Test]
    public void Defaults_AreDocumentedValues()
    {
        var options = new LogisticRegressionOptions();

        Assert.Multiple(() =>
        {
            Assert.That(options.L2Regularization, Is.EqualTo(0.01f));
            Assert.That(options.MaximumIterations, Is.EqualTo(1000));
            Assert.That(options.CenterOnTrainingMean, Is.True);
            Assert.That(options.Seed, Is.EqualTo(42));
        });
    }

    [TestCase(-0.1f)]
    [TestCase(float.NaN)]
    [TestCase(float.PositiveInfinity)]
    public void L2Regularization_RejectsNegativeAndNonFiniteValues(float value) =>
        Assert.That(() => new LogisticRegressionOptions { L2Regularization = value }, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("value"));

    [Test]
    public void L2Regularization_AcceptsZero() =>
        Assert.That(new LogisticRegressionOptions { L2Regularization = 0 }.L2Regularization, Is.Zero);

    [TestCase(0)]
    [TestCase(-1)]
    public void MaximumIterations_RejectsValuesBelowOne(int value) =>
        Assert.That(() => new LogisticRegressionOptions { MaximumIterations = value }, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("value"));

    [Test]
    public void Clone_CopiesEveryValue_AndIsIndependent()
    {
        var options = new LogisticRegressionOptions { L2Regularization = 0.5f, MaximumIterations = 7, CenterOnTrainingMean = false, Seed = 3 };

        LogisticRegressionOptions clone = options.Clone();
        options.Seed = 4;

        Assert.Multiple(() =>
        {
            Assert.That(clone.L2Regularization, Is.EqualTo(0.5f));
            Assert.That(clone.MaximumIterations, Is.EqualTo(7));
            Assert.That(clone.CenterOnTrainingMean, Is.False);
            Assert.That(clone.Seed, Is.EqualTo(3));
        });
    }

    [Test]
    public void Fit_CopiesTheOptions()
    {
        var options = new LogisticRegressionOptions { Seed = 5 };
        var classifier = LogisticRegressionClassifier.Fit([new("a", new float[] { 1, 0 }), new("b", new float[] { 0, 1 })], options);

        options.Seed = 6;

        Assert.That(classifier.Options.Seed, Is.EqualTo(5));
    }
}
