namespace EmbedClassify.Tests;

public partial class VectorMathTests
{
    private static readonly int[] QueryCounts = [0, 1, 3, 4, 5, 8, 9];

    private static readonly int[] BatchRowCounts = [0, 1, 2, 3, 4, 5, 7, 8, 9, 20];

    [Test]
    public void DotMatrix_MatchesDoubleReference_ForEveryShapeAndRemainder()
    {
        var random = new Random(Seed);
        foreach (int dimension in Dimensions.Where(d => d > 0))
        {
            foreach (int queryCount in QueryCounts)
            {
                foreach (int rows in BatchRowCounts)
                {
                    int offset = (dimension + rows + queryCount) % 4;
                    ArraySegment<float> queries = RandomSlice(random, queryCount * dimension, offset);
                    ArraySegment<float> matrix = RandomSlice(random, rows * dimension, 3 - offset);
                    float[] destination = new float[(queryCount * rows) + 1];
                    destination[^1] = 42;

                    VectorMath.DotMatrix(queries, matrix, dimension, destination.AsSpan(0, queryCount * rows));

                    for (int q = 0; q < queryCount; q++)
                    {
                        for (int row = 0; row < rows; row++)
                        {
                            (double expected, double sumAbs) = ReferenceDot(queries.Slice(q * dimension, dimension), matrix.Slice(row * dimension, dimension));
                            Assert.That(
                                destination[(q * rows) + row],
                                Is.EqualTo(expected).Within(DotTolerance(sumAbs)),
                                $"dimension {dimension}, queries {queryCount}, rows {rows}, query {q}, row {row}");
                        }
                    }

                    Assert.That(destination[^1], Is.EqualTo(42), "wrote past the destination");
                }
            }
        }
    }

    [Test]
    public void DotMatrix_PropagatesNaN_OnlyToItsQueryAndRow()
    {
        const int dimension = 37;
        var random = new Random(Seed);
        float[] queries = RandomArray(random, 8 * dimension);
        float[] matrix = RandomArray(random, 8 * dimension);
        queries[(5 * dimension) + 36] = float.NaN;
        matrix[(2 * dimension) + 3] = float.NaN;
        float[] destination = new float[64];

        VectorMath.DotMatrix(queries, matrix, dimension, destination);

        for (int q = 0; q < 8; q++)
        {
            for (int row = 0; row < 8; row++)
            {
                Assert.That(float.IsNaN(destination[(q * 8) + row]), Is.EqualTo(q == 5 || row == 2), $"query {q}, row {row}");
            }
        }
    }

    [Test]
    public void DotMatrix_TreatsInfinityInTheTailLikeDot()
    {
        // 17 elements: the masked tail re-reads lanes the main loop already counted.
        const int dimension = 17;
        float[] queries = new float[4 * dimension];
        float[] matrix = new float[4 * dimension];
        queries.AsSpan().Fill(1);
        matrix.AsSpan().Fill(1);
        matrix[3] = float.PositiveInfinity;
        float[] destination = new float[16];

        VectorMath.DotMatrix(queries, matrix, dimension, destination);

        Assert.That(destination[0], Is.EqualTo(float.PositiveInfinity));
        Assert.That(destination[1], Is.EqualTo(17));
    }

    [Test]
    public void DotMatrix_RejectsInvalidArguments_WithParameterNames()
    {
        float[] queries = new float[8];
        float[] matrix = new float[12];
        float[] destination = new float[6];

        Assert.That(() => VectorMath.DotMatrix(queries, matrix, 0, destination), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("dimension"));
        Assert.That(() => VectorMath.DotMatrix(queries.AsSpan(0, 7), matrix, 4, destination), Throws.ArgumentException.With.Property("ParamName").EqualTo("queries"));
        Assert.That(() => VectorMath.DotMatrix(queries, matrix.AsSpan(0, 11), 4, destination), Throws.ArgumentException.With.Property("ParamName").EqualTo("matrix"));
        Assert.That(() => VectorMath.DotMatrix(queries, matrix, 4, destination.AsSpan(0, 5)), Throws.ArgumentException.With.Property("ParamName").EqualTo("destination"));
        Assert.That(() => VectorMath.DotMatrix(queries, matrix, 4, matrix.AsSpan(0, 6)), Throws.ArgumentException.With.Property("ParamName").EqualTo("destination"));
    }

    [Test]
    public void DotMatrix_DoesNotAllocate()
    {
        float[] queries = RandomArray(new Random(Seed), 9 * 100);
        float[] matrix = RandomArray(new Random(Seed + 1), 7 * 100);
        float[] destination = new float[63];
        VectorMath.DotMatrix(queries, matrix, 100, destination);

        long before = GC.GetAllocatedBytesForCurrentThread();
        VectorMath.DotMatrix(queries, matrix, 100, destination);

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(-1)]
    public void DotRowsParallel_EqualsDotRows_BitForBit(int maxDegreeOfParallelism)
    {
        var random = new Random(Seed);
        foreach ((int rows, int dimension) in new[] { (0, 8), (3, 5), (1001, 384), (5003, 100) })
        {
            float[] query = RandomArray(random, dimension);
            float[] matrix = RandomArray(random, rows * dimension);
            float[] expected = new float[rows];
            float[] actual = new float[rows];
            VectorMath.DotRows(query, matrix, expected);

            VectorMath.DotRowsParallel(query, matrix, actual, maxDegreeOfParallelism);

            Assert.That(actual, Is.EqualTo(expected), $"rows {rows}, dimension {dimension}");
        }
    }

    [Test]
    public void DotRowsParallel_RejectsInvalidArguments_WithParameterNames()
    {
        float[] query = new float[4];
        float[] matrix = new float[8];

        Assert.That(() => VectorMath.DotRowsParallel(query, matrix, new float[2], 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("maxDegreeOfParallelism"));
        Assert.That(() => VectorMath.DotRowsParallel(query, matrix, new float[3]), Throws.ArgumentException.With.Property("ParamName").EqualTo("matrix"));
        Assert.That(() => VectorMath.DotRowsParallel(query, matrix, matrix.AsMemory(0, 2)), Throws.ArgumentException.With.Property("ParamName").EqualTo("destination"));
    }
}
