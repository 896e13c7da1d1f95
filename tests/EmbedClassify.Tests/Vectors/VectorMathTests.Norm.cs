namespace EmbedClassify.Tests;

public partial class VectorMathTests
{
    [Test]
    public void Norm_MatchesDoubleReference_ForEveryLength()
    {
        var random = new Random(Seed);
        foreach (int length in Lengths)
        {
            foreach (int offset in Offsets)
            {
                ArraySegment<float> x = RandomSlice(random, length, offset);
                double expected = ReferenceNorm(x);

                float actual = VectorMath.Norm(x);

                Assert.That(actual, Is.EqualTo(expected).Within(1e-5 * expected), $"length {length}, offset {offset}");
            }
        }
    }

    [Test]
    public void Norm_ReturnsZero_WhenEmpty() => Assert.That(VectorMath.Norm([]), Is.Zero);

    [Test]
    public void Norm_ReturnsNaN_WhenAnyElementIsNaN()
    {
        for (int length = 1; length <= 80; length++)
        {
            float[] x = Enumerable.Repeat(-1f, length).ToArray();
            x[length - 1] = float.NaN;

            Assert.That(VectorMath.Norm(x), Is.NaN, $"length {length}");
        }
    }

    [Test]
    public void Norm_ReturnsInfinity_WhenSumOfSquaresOverflows()
    {
        float[] x = Enumerable.Repeat(1e20f, 40).ToArray();

        Assert.That(VectorMath.Norm(x), Is.EqualTo(float.PositiveInfinity));
    }

    [Test]
    public void Normalize_ScalesVectorWithTinyElements()
    {
        // 1E-20 squared is 1E-40, a subnormal float: the norm must still come out non-zero.
        float[] x = Enumerable.Repeat(1e-20f, 100).ToArray();

        float norm = VectorMath.Normalize(x);

        Assert.That(norm, Is.GreaterThan(0f));
        Assert.That(x, Is.All.EqualTo(0.1f).Within(1e-3));
    }

    [Test]
    public void Normalize_ZeroesFiniteElementsAndMakesInfiniteOnesNaN_WhenNormIsInfinite()
    {
        float[] x = [1, float.PositiveInfinity, -3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17];

        float norm = VectorMath.Normalize(x);

        Assert.That(norm, Is.EqualTo(float.PositiveInfinity));
        Assert.That(x.Select(float.IsNaN), Is.EqualTo(x.Select((_, i) => i == 1)));
        Assert.That(x.Where((_, i) => i != 1), Is.All.Zero);
    }

    [Test]
    public void Normalize_ProducesUnitVectorAndReturnsOriginalNorm_ForEveryLength()
    {
        var random = new Random(Seed);
        foreach (int length in Lengths.Where(length => length > 0))
        {
            foreach (int offset in Offsets)
            {
                ArraySegment<float> x = RandomSlice(random, length, offset);
                float[] original = [.. x];
                double expectedNorm = ReferenceNorm(original);

                float norm = VectorMath.Normalize(x);

                Assert.That(norm, Is.EqualTo(expectedNorm).Within(1e-5 * expectedNorm), $"length {length}, offset {offset}");
                Assert.That(ReferenceNorm(x), Is.EqualTo(1).Within(1e-5), $"length {length}, offset {offset}");
                Assert.That(WorstRelativeError(x, original, expectedNorm), Is.LessThanOrEqualTo(1e-5), $"length {length}, offset {offset}");

                Assert.That(x.Array![offset + length], Is.NaN, "wrote past the end");
                Assert.That(offset == 0 || float.IsNaN(x.Array[offset - 1]), Is.True, "wrote before the start");
            }
        }
    }

    [Test]
    public void Normalize_LeavesZeroVectorUnchangedAndReturnsZero([Values(0, 1, 7, 16, 384)] int length)
    {
        float[] x = new float[length];

        float norm = VectorMath.Normalize(x);

        Assert.That(norm, Is.Zero);
        Assert.That(x, Is.All.Zero);
    }

    [Test]
    public void Normalize_ReturnsNaN_WhenAnyElementIsNaN()
    {
        float[] x = [1, 2, float.NaN, 4, 5, 6, 7, 8, 9];

        float norm = VectorMath.Normalize(x);

        Assert.That(norm, Is.NaN);
        Assert.That(x, Is.All.NaN);
    }

    private static double WorstRelativeError(ReadOnlySpan<float> normalized, ReadOnlySpan<float> original, double norm)
    {
        double worst = 0;
        for (int i = 0; i < normalized.Length; i++)
        {
            double expected = original[i] / norm;
            worst = Math.Max(worst, Math.Abs(normalized[i] - expected) / (Math.Abs(expected) + 1e-2));
        }

        return worst;
    }
}
