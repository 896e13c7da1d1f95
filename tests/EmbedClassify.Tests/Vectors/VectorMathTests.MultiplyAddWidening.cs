using System.Numerics.Tensors;

namespace EmbedClassify.Tests;

public partial class VectorMathTests
{
    [Test]
    public void MultiplyAddWidening_EqualsTheScalarLoop_ToTheBit_ForEveryLengthAndOffset()
    {
        var random = new Random(Seed);
        foreach (int length in Lengths)
        {
            foreach (int offset in Offsets)
            {
                ArraySegment<float> x = RandomSlice(random, length, offset);
                float factor = (float)(random.NextDouble() * 2 - 1);
                double[] start = [.. Enumerable.Range(0, length + 3).Select(_ => random.NextDouble() * 10)];
                double[] expected = [.. start];
                for (int i = 0; i < length; i++)
                {
                    float product = x[i] * factor;
                    expected[i] += product;
                }

                double[] actual = [.. start];
                VectorMath.MultiplyAddWidening(x, factor, actual);

                Assert.That(actual, Is.EqualTo(expected), $"length {length}, offset {offset}");
            }
        }
    }

    [Test]
    public void MultiplyAddWidening_EqualsTheTensorPrimitivesComposition_ToTheBit()
    {
        // The composition the benchmark compares against must compute the same sums, or the comparison means nothing.
        var random = new Random(Seed);
        float[] x = [.. Enumerable.Range(0, 1000).Select(_ => (float)(random.NextDouble() * 2 - 1))];
        double[] ours = [.. Enumerable.Range(0, 1000).Select(_ => random.NextDouble())];
        double[] composed = [.. ours];
        var products = new float[x.Length];
        var widened = new double[x.Length];

        VectorMath.MultiplyAddWidening(x, 0.37f, ours);
        TensorPrimitives.Multiply(x, 0.37f, products);
        TensorPrimitives.ConvertChecked<float, double>(products, widened);
        TensorPrimitives.Add(composed, widened, composed);

        Assert.That(ours, Is.EqualTo(composed));
    }
}
