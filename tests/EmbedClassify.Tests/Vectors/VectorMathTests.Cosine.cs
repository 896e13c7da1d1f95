namespace EmbedClassify.Tests;

public partial class VectorMathTests
{
    [Test]
    public void CosineSimilarity_MatchesDoubleReference_ForEveryLength()
    {
        var random = new Random(Seed);
        foreach (int length in Lengths)
        {
            foreach (int offset in Offsets)
            {
                ArraySegment<float> x = RandomSlice(random, length, offset);
                ArraySegment<float> y = RandomSlice(random, length, 3 - offset);

                float actual = VectorMath.CosineSimilarity(x, y);

                Assert.That(actual, Is.EqualTo(ReferenceCosine(x, y)).Within(CosineTolerance(x, y)), $"length {length}, offset {offset}");
            }
        }
    }

    [Test]
    public void CosineSimilarity_ReturnsZero_WhenEitherVectorIsZero([Values(0, 1, 5, 16, 17, 384)] int length)
    {
        float[] zero = new float[length];
        float[] other = RandomArray(new Random(Seed), length);

        Assert.Multiple(() =>
        {
            Assert.That(VectorMath.CosineSimilarity(zero, other), Is.Zero);
            Assert.That(VectorMath.CosineSimilarity(other, zero), Is.Zero);
            Assert.That(VectorMath.CosineSimilarity(zero, zero), Is.Zero);
        });
    }

    [Test]
    public void CosineSimilarity_ReturnsOne_ForIdenticalVectors_AndMinusOne_ForOpposite([Values(1, 3, 16, 100, 384, 1536)] int length)
    {
        float[] x = RandomArray(new Random(Seed), length);
        float[] opposite = [.. x.Select(v => -v)];

        Assert.Multiple(() =>
        {
            Assert.That(VectorMath.CosineSimilarity(x, x), Is.EqualTo(1f).Within(1e-6));
            Assert.That(VectorMath.CosineSimilarity(x, opposite), Is.EqualTo(-1f).Within(1e-6));
        });
    }

    [Test]
    public void CosineSimilarity_StaysWithinMinusOneAndOne()
    {
        var random = new Random(Seed);
        for (int trial = 0; trial < 500; trial++)
        {
            float[] x = RandomArray(random, random.Next(1, 800));
            float[] scaled = [.. x.Select(v => v * 3.3f)];
            float[] negated = [.. x.Select(v => v * -0.7f)];

            Assert.That(VectorMath.CosineSimilarity(x, scaled), Is.InRange(-1f, 1f));
            Assert.That(VectorMath.CosineSimilarity(x, negated), Is.InRange(-1f, 1f));
        }
    }

    [Test]
    public void CosineSimilarity_IsScaleInvariant([Values(0.001f, 0.5f, 7f, 1000f)] float factor)
    {
        var random = new Random(Seed);
        float[] x = RandomArray(random, 384);
        float[] y = RandomArray(random, 384);
        float[] scaled = [.. y.Select(v => v * factor)];

        Assert.That(VectorMath.CosineSimilarity(x, scaled), Is.EqualTo(VectorMath.CosineSimilarity(x, y)).Within(1e-6));
    }

    [Test]
    public void CosineSimilarity_ReturnsNaN_WhenAnyElementIsNaN_EvenAgainstZeroVector()
    {
        for (int length = 1; length <= 80; length++)
        {
            for (int position = 0; position < length; position += 3)
            {
                float[] x = RandomArray(new Random(length), length);
                float[] y = RandomArray(new Random(-length), length);
                x[position] = float.NaN;

                Assert.That(VectorMath.CosineSimilarity(x, y), Is.NaN, $"length {length}, position {position}");
                Assert.That(VectorMath.CosineSimilarity(y, x), Is.NaN, $"length {length}, position {position}");
                Assert.That(VectorMath.CosineSimilarity(x, new float[length]), Is.NaN, $"length {length}, position {position}");
            }
        }
    }

    [Test]
    public void CosineSimilarity_ThrowsArgumentExceptionForY_WhenLengthsDiffer()
    {
        var exception = Assert.Throws<ArgumentException>(() => VectorMath.CosineSimilarity(new float[17], new float[16]));

        Assert.That(exception.ParamName, Is.EqualTo("y"));
    }
}
