namespace EmbedClassify.Tests.Evaluation;

public class EstimateTests
{
    [Test]
    public void Of_GivesMeanAndStudentTInterval()
    {
        double[] values = [0.70, 0.75, 0.80, 0.85, 0.90];

        Estimate estimate = Estimate.Of(values);

        // t(0.975, 4 degrees of freedom) = 2.776445; sample sd of the values = 0.0790569.
        double halfWidth = 2.776445 * 0.0790569 / Math.Sqrt(5);
        Assert.Multiple(() =>
        {
            Assert.That(estimate.Mean, Is.EqualTo(0.80).Within(1e-12));
            Assert.That(estimate.StandardDeviation, Is.EqualTo(0.0790569).Within(1e-6));
            Assert.That(estimate.Lower, Is.EqualTo(0.80 - halfWidth).Within(1e-5));
            Assert.That(estimate.Upper, Is.EqualTo(0.80 + halfWidth).Within(1e-5));
            Assert.That(estimate.Count, Is.EqualTo(5));
            Assert.That(estimate.ToString(), Is.EqualTo("0.800 [0.702, 0.898]"));
        });
    }

    [Test]
    public void Of_HasNoWidth_ForASingleValue() =>
        Assert.That(Estimate.Of([0.5]), Is.EqualTo(new Estimate(0.5, 0.5, 0.5, 0, 1)));
}
