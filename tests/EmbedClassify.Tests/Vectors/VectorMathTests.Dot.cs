namespace EmbedClassify.Tests;

public partial class VectorMathTests
{
    [Test]
    public void Dot_MatchesDoubleReference_ForEveryLength()
    {
        var random = new Random(Seed);
        foreach (int length in Lengths)
        {
            foreach (int offset in Offsets)
            {
                ArraySegment<float> x = RandomSlice(random, length, offset);
                ArraySegment<float> y = RandomSlice(random, length, 3 - offset);
                (double expected, double sumAbs) = ReferenceDot(x, y);

                float actual = VectorMath.Dot(x, y);

                Assert.That(actual, Is.EqualTo(expected).Within(DotTolerance(sumAbs)), $"length {length}, offset {offset}");
            }
        }
    }

    [Test]
    public void Dot_ReturnsZero_WhenEmpty() => Assert.That(VectorMath.Dot([], []), Is.Zero);

    [Test]
    public void Dot_IsSymmetric()
    {
        var random = new Random(Seed);
        float[] x = RandomArray(random, 1000);
        float[] y = RandomArray(random, 1000);

        Assert.That(VectorMath.Dot(x, y), Is.EqualTo(VectorMath.Dot(y, x)));
    }

    [Test]
    public void Dot_ReturnsNaN_WhenAnyElementIsNaN()
    {
        for (int length = 1; length <= 80; length++)
        {
            for (int position = 0; position < length; position++)
            {
                float[] x = Enumerable.Repeat(1f, length).ToArray();
                float[] y = Enumerable.Repeat(2f, length).ToArray();
                x[position] = float.NaN;

                Assert.That(VectorMath.Dot(x, y), Is.NaN, $"length {length}, position {position}");
                Assert.That(VectorMath.Dot(y, x), Is.NaN, $"length {length}, position {position}");
            }
        }
    }

    [Test]
    public void Dot_ReturnsInfinity_WhenOneProductIsInfinite()
    {
        // Catches a tail that re-reads already summed lanes and multiplies an infinity by a masked zero.
        for (int length = 1; length <= 80; length++)
        {
            for (int position = 0; position < length; position++)
            {
                float[] x = Enumerable.Repeat(1f, length).ToArray();
                float[] y = Enumerable.Repeat(1f, length).ToArray();
                y[position] = float.PositiveInfinity;

                Assert.That(VectorMath.Dot(x, y), Is.EqualTo(float.PositiveInfinity), $"length {length}, position {position}");
            }
        }
    }

    [Test]
    public void Dot_ThrowsArgumentExceptionForY_WhenLengthsDiffer()
    {
        var exception = Assert.Throws<ArgumentException>(() => VectorMath.Dot(new float[3], new float[4]));

        Assert.That(exception.ParamName, Is.EqualTo("y"));
    }
}
