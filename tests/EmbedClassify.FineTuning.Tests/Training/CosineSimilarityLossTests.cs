namespace EmbedClassify.FineTuning.Tests;

public class CosineSimilarityLossTests
{
    [Test]
    public void Compute_IsTheMeanSquaredErrorOfTheCosines()
    {
        // cos((1,0),(0,1)) = 0, cos((1,0),(1,1)) = 1/√2.
        float[] vectors = [1, 0, 0, 1, 1, 1];
        SentencePair[] pairs = [new(0, 1, 1), new(0, 2, 0), new(1, 0, 0)];
        double expected = ((0 - 1) * (0 - 1) + 0.5 + 0) / 3.0;
        Assert.That(CosineSimilarityLoss.Compute(vectors, 2, pairs, new float[6]), Is.EqualTo(expected).Within(1e-7));
    }

    [Test]
    public void Compute_GradientMatchesFiniteDifferences()
    {
        var random = new Random(5);
        float[] vectors = Enumerable.Range(0, 5 * 6).Select(_ => (float)TinyBert.Gaussian(random)).ToArray();
        SentencePair[] pairs = [new(0, 1, 1), new(0, 2, 0), new(3, 4, 1), new(4, 1, 0), new(2, 2, 1)];
        var gradient = new float[vectors.Length];
        CosineSimilarityLoss.Compute(vectors, 6, pairs, gradient);
        for (int i = 0; i < vectors.Length; i++)
        {
            float original = vectors[i];
            vectors[i] = original + 1e-3f;
            float up = vectors[i];
            double lossUp = CosineSimilarityLoss.Compute(vectors, 6, pairs, new float[vectors.Length]);
            vectors[i] = original - 1e-3f;
            float down = vectors[i];
            double lossDown = CosineSimilarityLoss.Compute(vectors, 6, pairs, new float[vectors.Length]);
            vectors[i] = original;
            Assert.That(gradient[i], Is.EqualTo((lossUp - lossDown) / (up - down)).Within(1e-4), $"element {i}");
        }
    }

    [Test]
    public void Compute_ZeroVector_GivesFiniteLossAndGradient()
    {
        var gradient = new float[4];
        double loss = CosineSimilarityLoss.Compute([0, 0, 1, 2], 2, [new(0, 1, 1)], gradient);
        Assert.That(loss, Is.EqualTo(1.0));
        Assert.That(gradient.All(float.IsFinite), Is.True);
    }

    [Test]
    public void Compute_RejectsBadArguments_NamingThem()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => CosineSimilarityLoss.Compute(new float[4], 0, [new(0, 1, 1)], new float[4]), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("dimension"));
            Assert.That(() => CosineSimilarityLoss.Compute(new float[5], 2, [new(0, 1, 1)], new float[5]), Throws.ArgumentException.With.Property("ParamName").EqualTo("vectors"));
            Assert.That(() => CosineSimilarityLoss.Compute(new float[4], 2, [new(0, 1, 1)], new float[3]), Throws.ArgumentException.With.Property("ParamName").EqualTo("gradient"));
            Assert.That(() => CosineSimilarityLoss.Compute(new float[4], 2, [], new float[4]), Throws.ArgumentException.With.Property("ParamName").EqualTo("pairs"));
            Assert.That(() => CosineSimilarityLoss.Compute(new float[4], 2, [new(0, 2, 1)], new float[4]), Throws.ArgumentException.With.Property("ParamName").EqualTo("pairs"));
            Assert.That(() => CosineSimilarityLoss.Compute(new float[4], 2, [new(0, 1, float.NaN)], new float[4]), Throws.ArgumentException.With.Property("ParamName").EqualTo("pairs"));
        });
    }
}
