namespace EmbedClassify;

public static partial class VectorMath
{
    /// <summary>
    /// Computes the dot product of a query vector with every row of a row-major matrix.
    /// </summary>
    /// <param name="query">The query vector.</param>
    /// <param name="matrix">
    /// The matrix, stored row by row: <c>destination.Length</c> rows of <c>query.Length</c> elements each.
    /// </param>
    /// <param name="destination">The span that receives one dot product per row.</param>
    /// <exception cref="ArgumentException">
    /// The length of <paramref name="matrix"/> is not <c>destination.Length * query.Length</c>.
    /// </exception>
    /// <remarks>
    /// <para>
    /// <c>destination[i]</c> is set to <c>Dot(query, matrix.Slice(i * query.Length, query.Length))</c>;
    /// if <paramref name="query"/> is empty, every element of <paramref name="destination"/> is set to 0.
    /// Several rows are processed together so each query element is loaded once per group of rows.
    /// </para>
    /// <para>
    /// A <see cref="float.NaN"/> in <paramref name="query"/> makes every result <see cref="float.NaN"/>;
    /// a <see cref="float.NaN"/> in a row makes that row's result <see cref="float.NaN"/>.
    /// </para>
    /// <para>
    /// This method is thread-safe as long as no other thread writes to <paramref name="destination"/>
    /// at the same time. <paramref name="destination"/> must not overlap the inputs.
    /// </para>
    /// </remarks>
    public static void DotRows(ReadOnlySpan<float> query, ReadOnlySpan<float> matrix, Span<float> destination)
    {
        ValidateRows(query, matrix, destination);

        int dimension = query.Length;
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = DotCore(query, matrix.Slice(i * dimension, dimension));
        }
    }

    /// <summary>
    /// Computes the cosine similarity of a query vector with every row of a row-major matrix.
    /// </summary>
    /// <param name="query">The query vector.</param>
    /// <param name="matrix">
    /// The matrix, stored row by row: <c>destination.Length</c> rows of <c>query.Length</c> elements each.
    /// </param>
    /// <param name="destination">The span that receives one cosine similarity per row.</param>
    /// <exception cref="ArgumentException">
    /// The length of <paramref name="matrix"/> is not <c>destination.Length * query.Length</c>.
    /// </exception>
    /// <remarks>
    /// <para>
    /// <c>destination[i]</c> is set to
    /// <c>CosineSimilarity(query, matrix.Slice(i * query.Length, query.Length))</c>: results are
    /// clamped to [-1, 1], and a zero query or zero row gives 0. The norm of the query is computed
    /// once; each row's dot product and norm are computed in a single pass.
    /// </para>
    /// <para>
    /// A <see cref="float.NaN"/> in <paramref name="query"/> makes every result <see cref="float.NaN"/>;
    /// a <see cref="float.NaN"/> in a row makes that row's result <see cref="float.NaN"/>.
    /// </para>
    /// <para>
    /// This method is thread-safe as long as no other thread writes to <paramref name="destination"/>
    /// at the same time. <paramref name="destination"/> must not overlap the inputs.
    /// </para>
    /// </remarks>
    public static void CosineRows(ReadOnlySpan<float> query, ReadOnlySpan<float> matrix, Span<float> destination)
    {
        ValidateRows(query, matrix, destination);

        int dimension = query.Length;
        float qq = SumOfSquaresCore(query);
        for (int i = 0; i < destination.Length; i++)
        {
            ReadOnlySpan<float> row = matrix.Slice(i * dimension, dimension);
            destination[i] = Cosine(DotCore(query, row), qq, SumOfSquaresCore(row));
        }
    }

    private static void ValidateRows(ReadOnlySpan<float> query, ReadOnlySpan<float> matrix, Span<float> destination)
    {
        // Widened so a huge row count times a huge dimension cannot wrap around and pass.
        if (matrix.Length != (long)destination.Length * query.Length)
        {
            throw new ArgumentException(
                "The matrix length must equal the destination length times the query length.",
                nameof(matrix));
        }
    }
}
