namespace EmbedClassify.Tests;

public partial class VectorMathTests
{
    private static readonly int[] RowCounts = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 13];

    private static readonly int[] Dimensions = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 129, 384, 385, 768];

    [Test]
    public void DotRows_MatchesDoubleReference_AndEqualsDotOfEachRow()
    {
        var random = new Random(Seed);
        foreach (int dimension in Dimensions)
        {
            foreach (int rows in RowCounts)
            {
                int offset = (dimension + rows) % 4;
                ArraySegment<float> query = RandomSlice(random, dimension, offset);
                ArraySegment<float> matrix = RandomSlice(random, rows * dimension, 3 - offset);
                float[] destination = new float[rows + 1];
                destination[rows] = 42;

                VectorMath.DotRows(query, matrix, destination.AsSpan(0, rows));

                for (int row = 0; row < rows; row++)
                {
                    ArraySegment<float> rowVector = matrix.Slice(row * dimension, dimension);
                    (double expected, double sumAbs) = ReferenceDot(query, rowVector);
                    string where = $"dimension {dimension}, rows {rows}, row {row}";
                    Assert.That(destination[row], Is.EqualTo(expected).Within(DotTolerance(sumAbs)), where);
                    Assert.That(destination[row], Is.EqualTo(VectorMath.Dot(query, rowVector)), where);
                }

                Assert.That(destination[rows], Is.EqualTo(42), "wrote past the destination");
            }
        }
    }

    [Test]
    public void DotRows_HandlesManyRowsOfEmbeddingSize()
    {
        var random = new Random(Seed);
        float[] query = RandomArray(random, 384);
        float[] matrix = RandomArray(random, 1001 * 384);
        float[] destination = new float[1001];

        VectorMath.DotRows(query, matrix, destination);

        for (int row = 0; row < destination.Length; row++)
        {
            Assert.That(destination[row], Is.EqualTo(VectorMath.Dot(query, matrix.AsSpan(row * 384, 384))), $"row {row}");
        }
    }

    [Test]
    public void CosineRows_MatchesDoubleReference_AndEqualsCosineOfEachRow()
    {
        var random = new Random(Seed);
        foreach (int dimension in Dimensions)
        {
            foreach (int rows in RowCounts)
            {
                int offset = (dimension + rows) % 4;
                ArraySegment<float> query = RandomSlice(random, dimension, offset);
                ArraySegment<float> matrix = RandomSlice(random, rows * dimension, 3 - offset);
                if (rows > 2 && dimension > 0)
                {
                    // A zero row among non-zero ones must give 0 without disturbing its neighbours.
                    matrix.AsSpan(dimension, dimension).Clear();
                }

                float[] destination = new float[rows + 1];
                destination[rows] = 42;

                VectorMath.CosineRows(query, matrix, destination.AsSpan(0, rows));

                for (int row = 0; row < rows; row++)
                {
                    ArraySegment<float> rowVector = matrix.Slice(row * dimension, dimension);
                    string where = $"dimension {dimension}, rows {rows}, row {row}";
                    Assert.That(destination[row], Is.EqualTo(ReferenceCosine(query, rowVector)).Within(CosineTolerance(query, rowVector)), where);
                    Assert.That(destination[row], Is.EqualTo(VectorMath.CosineSimilarity(query, rowVector)), where);
                }

                Assert.That(destination[rows], Is.EqualTo(42), "wrote past the destination");
            }
        }
    }

    [Test]
    public void CosineRows_ReturnsZeroForEveryRow_WhenQueryIsZero()
    {
        float[] matrix = RandomArray(new Random(Seed), 5 * 33);
        float[] destination = new float[5];

        VectorMath.CosineRows(new float[33], matrix, destination);

        Assert.That(destination, Is.All.Zero);
    }

    [Test]
    public void Rows_ReturnNaNOnlyForRowWithNaN_AndForEveryRowWhenQueryHasNaN([Values(3, 16, 17, 384)] int dimension)
    {
        var random = new Random(Seed);
        float[] query = RandomArray(random, dimension);
        float[] matrix = RandomArray(random, 6 * dimension);
        matrix[(2 * dimension) + (dimension / 2)] = float.NaN;
        float[] dots = new float[6];
        float[] cosines = new float[6];

        VectorMath.DotRows(query, matrix, dots);
        VectorMath.CosineRows(query, matrix, cosines);

        bool[] expectedNaN = [false, false, true, false, false, false];
        Assert.Multiple(() =>
        {
            Assert.That(dots.Select(float.IsNaN), Is.EqualTo(expectedNaN));
            Assert.That(cosines.Select(float.IsNaN), Is.EqualTo(expectedNaN));
        });

        query[dimension - 1] = float.NaN;
        VectorMath.DotRows(query, matrix, dots);
        VectorMath.CosineRows(query, matrix, cosines);

        Assert.Multiple(() =>
        {
            Assert.That(dots, Is.All.NaN);
            Assert.That(cosines, Is.All.NaN);
        });
    }

    [Test]
    public void Rows_ThrowArgumentExceptionForMatrix_WhenLengthIsNotRowsTimesDimension(
        [Values(0, 1, 4, 9)] int rows,
        [Values(0, 3, 16)] int dimension)
    {
        float[] query = new float[dimension];
        float[] matrix = new float[(rows * dimension) + 1];
        float[] destination = new float[rows];

        var dotException = Assert.Throws<ArgumentException>(() => VectorMath.DotRows(query, matrix, destination));
        var cosineException = Assert.Throws<ArgumentException>(() => VectorMath.CosineRows(query, matrix, destination));

        Assert.Multiple(() =>
        {
            Assert.That(dotException.ParamName, Is.EqualTo("matrix"));
            Assert.That(cosineException.ParamName, Is.EqualTo("matrix"));
        });
    }

    [Test]
    public void Rows_ThrowArgumentExceptionForDestination_WhenItOverlapsAnInput()
    {
        float[] buffer = new float[4 + (4 * 4)];

        var overlapsQuery = Assert.Throws<ArgumentException>(() => VectorMath.DotRows(buffer.AsSpan(2, 4), buffer.AsSpan(4, 16), buffer.AsSpan(0, 4)));
        var overlapsMatrix = Assert.Throws<ArgumentException>(() => VectorMath.CosineRows(new float[4], buffer.AsSpan(0, 16), buffer.AsSpan(12, 4)));

        Assert.Multiple(() =>
        {
            Assert.That(overlapsQuery.ParamName, Is.EqualTo("destination"));
            Assert.That(overlapsMatrix.ParamName, Is.EqualTo("destination"));
        });
    }

    [Test]
    public void Rows_SetEveryResultToZero_WhenQueryIsEmpty()
    {
        float[] destination = [1, 2, 3];

        VectorMath.DotRows([], [], destination);
        Assert.That(destination, Is.All.Zero);

        destination = [1, 2, 3];
        VectorMath.CosineRows([], [], destination);
        Assert.That(destination, Is.All.Zero);
    }
}
