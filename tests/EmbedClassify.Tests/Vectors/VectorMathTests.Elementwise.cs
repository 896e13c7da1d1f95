namespace EmbedClassify.Tests;

public partial class VectorMathTests
{
    [Test]
    public void Add_AddsEveryElementExactly_ForEveryLength()
    {
        var random = new Random(Seed);
        foreach (int length in Lengths)
        {
            foreach (int offset in Offsets)
            {
                ArraySegment<float> source = RandomSlice(random, length, 3 - offset);
                ArraySegment<float> destination = RandomSlice(random, length, offset);
                float[] expected = [.. destination.Zip(source, (d, s) => d + s)];

                VectorMath.Add(source, destination);

                Assert.That(destination.AsSpan().CommonPrefixLength(expected), Is.EqualTo(length), $"first wrong element, length {length}, offset {offset}");
                Assert.That(destination.Array![offset + length], Is.NaN, "wrote past the end");
            }
        }
    }

    [Test]
    public void Add_DoublesEveryElement_WhenSourceIsDestination([Values(1, 5, 16, 17, 100)] int length)
    {
        float[] x = RandomArray(new Random(Seed), length);
        float[] expected = [.. x.Select(v => v * 2)];

        VectorMath.Add(x, x);

        Assert.That(x, Is.EqualTo(expected));
    }

    [Test]
    public void Add_PropagatesNaN()
    {
        float[] source = [1, float.NaN, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17];
        float[] destination = new float[source.Length];

        VectorMath.Add(source, destination);

        Assert.That(destination.Select(float.IsNaN), Is.EqualTo(source.Select(float.IsNaN)));
    }

    [Test]
    public void Add_ThrowsArgumentExceptionForDestination_WhenLengthsDiffer()
    {
        var exception = Assert.Throws<ArgumentException>(() => VectorMath.Add(new float[5], new float[4]));

        Assert.That(exception.ParamName, Is.EqualTo("destination"));
    }

    [Test]
    public void Add_ThrowsArgumentExceptionForDestination_WhenSpansPartiallyOverlap()
    {
        float[] buffer = new float[40];

        var exception = Assert.Throws<ArgumentException>(() => VectorMath.Add(buffer.AsSpan(0, 32), buffer.AsSpan(1, 32)));

        Assert.That(exception.ParamName, Is.EqualTo("destination"));
    }

    [Test]
    public void Scale_MultipliesEveryElementExactly_ForEveryLength()
    {
        var random = new Random(Seed);
        foreach (int length in Lengths)
        {
            foreach (int offset in Offsets)
            {
                ArraySegment<float> x = RandomSlice(random, length, offset);
                float factor = (float)(random.NextDouble() * 10) - 5;
                float[] expected = [.. x.Select(v => v * factor)];

                VectorMath.Scale(x, factor);

                Assert.That(x.AsSpan().CommonPrefixLength(expected), Is.EqualTo(length), $"first wrong element, length {length}, offset {offset}");
                Assert.That(x.Array![offset + length], Is.NaN, "wrote past the end");
            }
        }
    }

    [Test]
    public void Scale_MakesEveryElementNaN_WhenFactorIsNaN()
    {
        float[] x = RandomArray(new Random(Seed), 37);

        VectorMath.Scale(x, float.NaN);

        Assert.That(x, Is.All.NaN);
    }
}
