using System.Runtime.Intrinsics;

namespace EmbedClassify.Tests;

// The tests live in the flat test namespace: a nested "Vectors" namespace would hide the
// TestDoubles.Vectors helper class from the other test folders.
[TestFixture]
public partial class VectorMathTests
{
    private const int Seed = 20250611;

    // Every length up to 1100 hits every remainder of every vector width many times over;
    // the embedding sizes exercise the long unrolled loops.
    private static readonly int[] Lengths = [.. Enumerable.Range(0, 1101), 384, 768, 1536, 3072];

    // Offsets move the span start off the array's alignment.
    private static readonly int[] Offsets = [0, 1, 2, 3];

    [OneTimeSetUp]
    public void ReportInstructionSets() =>
        TestContext.Progress.WriteLine(
            $"VectorMath tests: Vector512={Vector512.IsHardwareAccelerated}, Vector256={Vector256.IsHardwareAccelerated}, " +
            $"Vector128={Vector128.IsHardwareAccelerated}, Fma={System.Runtime.Intrinsics.X86.Fma.IsSupported}");

    [Test]
    public void Methods_DoNotAllocate()
    {
        float[] x = RandomArray(new Random(Seed), 1000);
        float[] y = RandomArray(new Random(Seed + 1), 1000);
        float[] matrix = RandomArray(new Random(Seed + 2), 10 * 100);
        float[] destination = new float[10];
        int[] indices = new int[5];

        void RunAll()
        {
            VectorMath.Dot(x, y);
            VectorMath.Norm(x);
            VectorMath.Normalize(x);
            VectorMath.CosineSimilarity(x, y);
            VectorMath.DotRows(x.AsSpan(0, 100), matrix, destination);
            VectorMath.CosineRows(x.AsSpan(0, 100), matrix, destination);
            VectorMath.TopK(y, indices);
        }

        RunAll();
        long before = GC.GetAllocatedBytesForCurrentThread();
        RunAll();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.Zero);
    }

    private static float[] RandomArray(Random random, int length)
    {
        float[] values = new float[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }

    // Returns `length` random values starting `offset` floats into a larger array, with guard
    // values around them that would poison any result that read out of bounds.
    private static ArraySegment<float> RandomSlice(Random random, int length, int offset)
    {
        float[] buffer = new float[offset + length + 4];
        buffer.AsSpan().Fill(float.NaN);
        float[] values = RandomArray(random, length);
        values.CopyTo(buffer, offset);
        return new ArraySegment<float>(buffer, offset, length);
    }

    private static (double Dot, double SumOfAbsoluteProducts) ReferenceDot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        double dot = 0;
        double sumAbs = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double product = (double)x[i] * y[i];
            dot += product;
            sumAbs += Math.Abs(product);
        }

        return (dot, sumAbs);
    }

    private static double ReferenceNorm(ReadOnlySpan<float> x) => Math.Sqrt(ReferenceDot(x, x).Dot);

    // The error bound of a float dot product grows with the sum of |x_i * y_i|, not with the
    // (possibly cancelled) result, so the tolerance is relative to that sum.
    private static double DotTolerance(double sumOfAbsoluteProducts) => 1e-5 * sumOfAbsoluteProducts;

    private static double CosineTolerance(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        double normProduct = ReferenceNorm(x) * ReferenceNorm(y);
        return normProduct == 0 ? 0 : (DotTolerance(ReferenceDot(x, y).SumOfAbsoluteProducts) / normProduct) + 1e-6;
    }

    private static double ReferenceCosine(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        double normProduct = ReferenceNorm(x) * ReferenceNorm(y);
        return normProduct == 0 ? 0 : ReferenceDot(x, y).Dot / normProduct;
    }
}
