namespace EmbedClassify;

public static partial class VectorMath
{
    // Below this many elements a scan takes a few microseconds, less than it costs to wake worker threads.
    private const long ParallelThreshold = 1 << 18;

    /// <summary>
    /// Computes the dot product of a query vector with every row of a row-major matrix, splitting the rows among
    /// several threads.
    /// </summary>
    /// <param name="query">The query vector.</param>
    /// <param name="matrix">
    /// The matrix, stored row by row: <c>destination.Length</c> rows of <c>query.Length</c> elements each.
    /// </param>
    /// <param name="destination">The memory that receives one dot product per row.</param>
    /// <param name="maxDegreeOfParallelism">
    /// The largest number of threads to use, or -1 (the default) for one per processor.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="maxDegreeOfParallelism"/> is 0 or less than -1.
    /// </exception>
    /// <exception cref="ArgumentException">
    /// The length of <paramref name="matrix"/> is not <c>destination.Length * query.Length</c>, or
    /// <paramref name="destination"/> overlaps <paramref name="query"/> or <paramref name="matrix"/>.
    /// </exception>
    /// <remarks>
    /// <para>
    /// Every result is bit for bit what <see cref="DotRows(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
    /// returns, whatever the number of threads. A scan of a matrix larger than the processor caches is limited by
    /// memory bandwidth, which one core cannot saturate on most machines; small matrices are scanned on the calling
    /// thread because starting workers would cost more than it saves.
    /// </para>
    /// <para>
    /// The method blocks until every row is done and uses thread-pool threads. It is thread-safe as long as no other
    /// thread writes to <paramref name="destination"/> at the same time.
    /// </para>
    /// </remarks>
    public static void DotRowsParallel(ReadOnlyMemory<float> query, ReadOnlyMemory<float> matrix, Memory<float> destination, int maxDegreeOfParallelism = -1)
    {
        if (maxDegreeOfParallelism is 0 or < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, "The value must be -1 or positive.");
        }

        ValidateRows(query.Span, matrix.Span, destination.Span);

        int workers = maxDegreeOfParallelism == -1 ? Environment.ProcessorCount : Math.Min(maxDegreeOfParallelism, Environment.ProcessorCount);
        workers = (int)Math.Min(workers, Math.Max(1, matrix.Length / ParallelThreshold));
        workers = Math.Min(workers, Math.Max(1, destination.Length));
        if (workers <= 1)
        {
            DotRows(query.Span, matrix.Span, destination.Span);
            return;
        }

        // One contiguous share of rows per worker: each share is then one sequential stream, as DotRows wants.
        int dimension = query.Length;
        int rows = destination.Length;
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, worker =>
        {
            int first = (int)((long)rows * worker / workers);
            int end = (int)((long)rows * (worker + 1) / workers);
            DotRows(
                query.Span,
                matrix.Span.Slice(first * dimension, (end - first) * dimension),
                destination.Span[first..end]);
        });
    }
}
