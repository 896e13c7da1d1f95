namespace EmbedClassify.FineTuning.Tests;

public class ErrorFunctionTests
{
    [TestCase(0.0, 0.0)]
    [TestCase(0.01, 0.0112834156)]
    [TestCase(0.1, 0.1124629160)]
    [TestCase(0.3, 0.3286267595)]
    [TestCase(0.4999999, 0.5204997899)]
    [TestCase(0.5, 0.5204998778)]
    [TestCase(1.0, 0.8427007929)]
    [TestCase(-2.0, -0.9953222650)]
    [TestCase(3.0, 0.9999779095)]
    [TestCase(-0.25, -0.2763263902)]
    public void Erf_MatchesTabulatedValues_ToFloatPrecision(double x, double expected)
    {
        Assert.That(ErrorFunction.Erf(x), Is.EqualTo(expected).Within(1.2e-7));
    }

    [Test]
    public void Erf_IsOdd_AndBoundedByOne()
    {
        for (double x = 0; x < 8; x += 0.37)
        {
            Assert.That(ErrorFunction.Erf(-x), Is.EqualTo(-ErrorFunction.Erf(x)).Within(1e-15));
            Assert.That(Math.Abs(ErrorFunction.Erf(x)), Is.LessThanOrEqualTo(1.0));
        }
    }

    [Test]
    public void GeluBackward_MatchesFiniteDifferencesOfForward()
    {
        float[] inputs = [-4f, -1.5f, -0.3f, 0f, 0.2f, 0.9f, 2.5f];
        var gradient = new float[inputs.Length];
        Array.Fill(gradient, 1f);
        var recomputed = new float[inputs.Length];
        var forward = new float[inputs.Length];
        Gelu.Forward(inputs, forward);
        Gelu.Backward(inputs, gradient, recomputed);
        Assert.That(recomputed, Is.EqualTo(forward));
        for (int i = 0; i < inputs.Length; i++)
        {
            // GELU in double through the same erf: the derivative's formula is what is checked here.
            static double G(double x) => 0.5 * x * (1 + ErrorFunction.Erf(x / Math.Sqrt(2)));
            double h = 1e-4;
            double numeric = (G(inputs[i] + h) - G(inputs[i] - h)) / (2 * h);
            Assert.That(gradient[i], Is.EqualTo(numeric).Within(1e-5), $"x = {inputs[i]}");
        }
    }

    [Test]
    public void GeluForward_MatchesKnownValues()
    {
        // GELU(1) = Φ(1) = 0.8413447461, GELU(-1) = -(1 - Φ(1)).
        float[] output = new float[2];
        Gelu.Forward([1f, -1f], output);
        Assert.That(output[0], Is.EqualTo(0.8413447461f).Within(2e-7f));
        Assert.That(output[1], Is.EqualTo(-0.1586552539f).Within(2e-7f));
    }

    [Test]
    public void Gelu_VectorLanes_AgreeWithTheScalarDoublePath()
    {
        // 803 values from −8 to 8: every vector lane and a scalar remainder (803 = 100·8 + 3).
        float[] inputs = Enumerable.Range(0, 803).Select(i => -8f + i * 0.02f).ToArray();
        var forward = new float[inputs.Length];
        var gradient = new float[inputs.Length];
        Array.Fill(gradient, 1f);
        var recomputed = new float[inputs.Length];
        Gelu.Forward(inputs, forward);
        Gelu.Backward(inputs, gradient, recomputed);
        for (int i = 0; i < inputs.Length; i++)
        {
            double x = inputs[i];
            double cdf = 0.5 * (1 + ErrorFunction.Erf(x / Math.Sqrt(2)));
            double derivative = cdf + x * Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI);

            // A few float ulps of the result's scale (|x| for GELU, 1 for its derivative).
            Assert.That(forward[i], Is.EqualTo(x * cdf).Within(4e-7 * Math.Max(1, Math.Abs(x))), $"GELU({x})");
            Assert.That(recomputed[i], Is.EqualTo(forward[i]), $"recomputed GELU({x})");
            Assert.That(gradient[i], Is.EqualTo(derivative).Within(4e-7 * Math.Max(1, Math.Abs(x))), $"GELU'({x})");
        }
    }
}
