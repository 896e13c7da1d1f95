namespace EmbedClassify.FineTuning.Tests.Training;

[TestFixture]
[NonParallelizable] // Some cases switch Gemm.ForceScalar, a process-wide setting.
public class GemmTests
{
    public enum Product
    {
        Multiply,
        TransposedB,
        TransposedA,
    }

    private delegate void ProductMethod(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate);

    // Odd sizes hit every tail: rows short of the 6-row tile, columns short of 8 and 16 floats, depths across the
    // 256-deep block; the last shapes are large enough to run on several threads and over several row blocks.
    private static readonly int[][] Shapes =
    [
        [1, 1, 1],
        [1, 7, 17],
        [7, 1, 33],
        [7, 17, 33],
        [33, 7, 17],
        [17, 33, 7],
        [6, 16, 16],
        [12, 385, 32],
        [5, 257, 9],
        [8, 8, 8],
        [385, 17, 7],
        [130, 385, 33],
        [250, 520, 47],
        [241, 300, 385],
    ];

    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (Product product in Enum.GetValues<Product>())
        {
            foreach (int[] shape in Shapes)
            {
                foreach (bool accumulate in new[] { false, true })
                {
                    yield return new TestCaseData(product, shape[0], shape[1], shape[2], accumulate);
                }
            }
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void Product_MatchesDoublePrecisionProduct(Product product, int m, int k, int n, bool accumulate)
    {
        AssertMatchesReference(product, m, k, n, accumulate);
    }

    [TestCaseSource(nameof(Cases))]
    public void Product_MatchesDoublePrecisionProduct_OnPortableKernel(Product product, int m, int k, int n, bool accumulate)
    {
        Gemm.ForceScalar = true;
        try
        {
            AssertMatchesReference(product, m, k, n, accumulate);
        }
        finally
        {
            Gemm.ForceScalar = false;
        }
    }

    [Test]
    public void Product_IgnoresPreviousDestination_WhenNotAccumulating([Values] Product product)
    {
        const int M = 9, K = 19, N = 21;
        float[] a = Random(Size(product, M, K, N).A, 1);
        float[] b = Random(Size(product, M, K, N).B, 2);
        float[] c = Enumerable.Repeat(float.NaN, M * N).ToArray();

        Method(product)(a, b, c, M, K, N, accumulate: false);

        Assert.That(c, Has.None.NaN);
    }

    [Test]
    public void Product_LeavesElementsBeyondTheMatrixAlone([Values] Product product)
    {
        const int M = 7, K = 5, N = 9;
        float[] a = Random(Size(product, M, K, N).A, 1);
        float[] b = Random(Size(product, M, K, N).B, 2);
        float[] c = Enumerable.Repeat(-42f, (M * N) + 3).ToArray();

        Method(product)(a, b, c, M, K, N, accumulate: false);

        Assert.That(c[(M * N)..], Is.All.EqualTo(-42f));
    }

    [Test]
    public void Product_DoesNothing_WhenNoRows([Values] Product product, [Values] bool accumulate)
    {
        float[] b = Random(5 * 4, 2);
        float[] c = [1, 2, 3];

        Method(product)([], b, c, 0, 5, 4, accumulate);

        Assert.That(c, Is.EqualTo(new float[] { 1, 2, 3 }));
    }

    [Test]
    public void Product_DoesNothing_WhenNoColumns([Values] Product product, [Values] bool accumulate)
    {
        float[] a = Random(3 * 5, 1);
        float[] c = [1, 2, 3];

        Method(product)(a, [], c, 3, 5, 0, accumulate);

        Assert.That(c, Is.EqualTo(new float[] { 1, 2, 3 }));
    }

    [Test]
    public void Product_IsZero_WhenDepthIsZeroAndNotAccumulating([Values] Product product)
    {
        float[] c = [1, 2, 3, 4, 5, 6];

        Method(product)([], [], c, 2, 0, 3, accumulate: false);

        Assert.That(c, Is.All.Zero);
    }

    [Test]
    public void Product_KeepsDestination_WhenDepthIsZeroAndAccumulating([Values] Product product)
    {
        float[] c = [1, 2, 3, 4, 5, 6];

        Method(product)([], [], c, 2, 0, 3, accumulate: true);

        Assert.That(c, Is.EqualTo(new float[] { 1, 2, 3, 4, 5, 6 }));
    }

    [Test]
    public void Product_Throws_WhenASpanIsTooShort([Values] Product product, [Values("a", "b", "c")] string shortArgument)
    {
        const int M = 4, K = 3, N = 5;
        float[] a = new float[(M * K) - (shortArgument == "a" ? 1 : 0)];
        float[] b = new float[(K * N) - (shortArgument == "b" ? 1 : 0)];
        float[] c = new float[(M * N) - (shortArgument == "c" ? 1 : 0)];

        var exception = Assert.Throws<ArgumentException>(() => Method(product)(a, b, c, M, K, N, accumulate: false));

        Assert.That(exception!.ParamName, Is.EqualTo(shortArgument));
    }

    [Test]
    public void Product_Throws_WhenADimensionIsNegative([Values] Product product, [Values("m", "k", "n")] string negative)
    {
        float[] buffer = new float[16];

        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => Method(product)(
            buffer, buffer.AsSpan(0, 0), new float[16], negative == "m" ? -1 : 2, negative == "k" ? -1 : 2, negative == "n" ? -1 : 2, accumulate: false));

        Assert.That(exception!.ParamName, Is.EqualTo(negative));
    }

    [Test]
    public void Product_Throws_WhenDestinationOverlapsAnInput([Values] Product product, [Values("a", "b")] string overlapped)
    {
        const int M = 3, K = 3, N = 3;
        float[] shared = Random(64, 1);
        float[] other = Random(9, 2);

        var exception = Assert.Throws<ArgumentException>(() => Method(product)(
            overlapped == "a" ? shared.AsSpan(0, 9) : other,
            overlapped == "b" ? shared.AsSpan(0, 9) : other,
            shared.AsSpan(4, 9),
            M,
            K,
            N,
            accumulate: false));

        Assert.That(exception!.ParamName, Is.EqualTo("c"));
    }

    private static void AssertMatchesReference(Product product, int m, int k, int n, bool accumulate)
    {
        (int aLength, int bLength) = Size(product, m, k, n);
        float[] a = Random(aLength, (m * 31) + k);
        float[] b = Random(bLength, (n * 17) + k);
        float[] initial = Random(m * n, m + n);
        float[] c = accumulate ? (float[])initial.Clone() : Enumerable.Repeat(123f, m * n).ToArray();

        Method(product)(a, b, c, m, k, n, accumulate);

        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = accumulate ? initial[(i * n) + j] : 0;
                double magnitude = Math.Abs(sum);
                for (int p = 0; p < k; p++)
                {
                    double term = (double)ElementA(product, a, i, p, m, k) * ElementB(product, b, p, j, k, n);
                    sum += term;
                    magnitude += Math.Abs(term);
                }

                // Float sums in another order: the error is bounded by a few ulps of the sum of magnitudes.
                Assert.That(c[(i * n) + j], Is.EqualTo(sum).Within((1e-6 * magnitude) + 1e-7), $"C[{i},{j}]");
            }
        }
    }

    private static float ElementA(Product product, float[] a, int i, int p, int m, int k) =>
        product == Product.TransposedA ? a[(p * m) + i] : a[(i * k) + p];

    private static float ElementB(Product product, float[] b, int p, int j, int k, int n) =>
        product == Product.TransposedB ? b[(j * k) + p] : b[(p * n) + j];

    private static (int A, int B) Size(Product product, int m, int k, int n) => (m * k, k * n);

    private static ProductMethod Method(Product product) => product switch
    {
        Product.Multiply => Gemm.Multiply,
        Product.TransposedB => Gemm.MultiplyTransposedB,
        _ => Gemm.MultiplyTransposedA,
    };

    private static float[] Random(int length, int seed)
    {
        var random = new Random(seed);
        float[] values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (random.NextSingle() * 2) - 1;
        }

        return values;
    }
}
