using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EmbedClassify;

public static partial class VectorMath
{
    /// <summary>
    /// Computes the dot product of every query vector with every row of a row-major matrix.
    /// </summary>
    /// <param name="queries">The query vectors, stored one after another: <c>queries.Length / dimension</c> vectors.</param>
    /// <param name="matrix">The matrix, stored row by row: <c>matrix.Length / dimension</c> rows.</param>
    /// <param name="dimension">The length of each query and each row.</param>
    /// <param name="destination">
    /// The span that receives the results, query by query: <c>destination[q * rowCount + r]</c> is the dot product of
    /// query <c>q</c> with row <c>r</c>. Its length must be the number of queries times the number of rows.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> is less than 1.</exception>
    /// <exception cref="ArgumentException">
    /// The length of <paramref name="queries"/> or <paramref name="matrix"/> is not a multiple of
    /// <paramref name="dimension"/>; the length of <paramref name="destination"/> is not the number of queries times the
    /// number of rows; or <paramref name="destination"/> overlaps <paramref name="queries"/> or <paramref name="matrix"/>.
    /// </exception>
    /// <remarks>
    /// <para>
    /// This is the batch form of <see cref="DotRows(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>: it
    /// computes four queries against several rows at once, so every vector loaded from memory feeds several fused
    /// multiply-adds, and it is several times faster than one call per pair once there are at least four queries. Each
    /// pair is summed in its own single accumulator, so a result can differ in the last bits from what
    /// <see cref="Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/> returns for the same pair; it is deterministic on a
    /// given processor.
    /// </para>
    /// <para>
    /// A <see cref="float.NaN"/> in a query or a row makes the results of that query or row <see cref="float.NaN"/>.
    /// This method is thread-safe as long as no other thread writes to <paramref name="destination"/> at the same time.
    /// </para>
    /// </remarks>
    public static void DotMatrix(ReadOnlySpan<float> queries, ReadOnlySpan<float> matrix, int dimension, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        if (queries.Length % dimension != 0)
        {
            throw new ArgumentException("The length of the queries must be a multiple of the dimension.", nameof(queries));
        }

        if (matrix.Length % dimension != 0)
        {
            throw new ArgumentException("The length of the matrix must be a multiple of the dimension.", nameof(matrix));
        }

        int queryCount = queries.Length / dimension;
        int rowCount = matrix.Length / dimension;
        if (destination.Length != (long)queryCount * rowCount)
        {
            throw new ArgumentException(
                "The destination length must equal the number of queries times the number of rows.",
                nameof(destination));
        }

        ReadOnlySpan<float> output = destination;
        if (output.Overlaps(queries) || output.Overlaps(matrix))
        {
            throw new ArgumentException("The destination must not overlap the queries or the matrix.", nameof(destination));
        }

        ref float queryRef = ref MemoryMarshal.GetReference(queries);
        ref float matrixRef = ref MemoryMarshal.GetReference(matrix);
        nuint length = (nuint)dimension;

        // Only the 512-bit rung has the 32 registers that sixteen accumulators plus the operands need; with 16
        // registers a 4 x 4 block spills, so the narrower rungs compute 4 queries x 2 rows.
        int query = 0;
        if (Vector512.IsHardwareAccelerated && length >= (nuint)Vector512<float>.Count)
        {
            query = DotMatrix512(ref queryRef, ref matrixRef, queryCount, rowCount, length, destination);
        }
        else if (Vector256.IsHardwareAccelerated && length >= (nuint)Vector256<float>.Count)
        {
            query = DotMatrix256(ref queryRef, ref matrixRef, queryCount, rowCount, length, destination);
        }
        else if (Vector128.IsHardwareAccelerated && length >= (nuint)Vector128<float>.Count)
        {
            query = DotMatrix128(ref queryRef, ref matrixRef, queryCount, rowCount, length, destination);
        }

        for (; query < queryCount; query++)
        {
            DotRows(queries.Slice(query * dimension, dimension), matrix, destination.Slice(query * rowCount, rowCount));
        }
    }

    // Rows left over after the last full block of rows, for the four queries of one block.
    private static void DotMatrixRemainingRows(
        ref float queryRef, ref float matrixRef, int firstQuery, int firstRow, int rowCount, nuint length, Span<float> destination)
    {
        for (int q = firstQuery; q < firstQuery + 4; q++)
        {
            ReadOnlySpan<float> queryVector = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref queryRef, (nuint)q * length), (int)length);
            for (int r = firstRow; r < rowCount; r++)
            {
                ReadOnlySpan<float> row = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref matrixRef, (nuint)r * length), (int)length);
                destination[(q * rowCount) + r] = DotCore(queryVector, row);
            }
        }
    }

    private static int DotMatrix512(ref float queryRef, ref float matrixRef, int queryCount, int rowCount, nuint length, Span<float> destination)
    {
        nuint width = (nuint)Vector512<float>.Count;
        nuint tail = length - width;
        bool hasTail = length % width != 0;
        Vector512<float> tailMask = TailMask512(width - (length % width));
        int blockedRows = rowCount & ~3;
        int query = 0;
        for (; query + 4 <= queryCount; query += 4)
        {
            ref float q0 = ref Unsafe.Add(ref queryRef, (nuint)query * length);
            ref float q1 = ref Unsafe.Add(ref q0, length);
            ref float q2 = ref Unsafe.Add(ref q1, length);
            ref float q3 = ref Unsafe.Add(ref q2, length);
            for (int row = 0; row < blockedRows; row += 4)
            {
                ref float r0 = ref Unsafe.Add(ref matrixRef, (nuint)row * length);
                ref float r1 = ref Unsafe.Add(ref r0, length);
                ref float r2 = ref Unsafe.Add(ref r1, length);
                ref float r3 = ref Unsafe.Add(ref r2, length);
                Vector512<float> a00 = Vector512<float>.Zero, a01 = Vector512<float>.Zero, a02 = Vector512<float>.Zero, a03 = Vector512<float>.Zero;
                Vector512<float> a10 = Vector512<float>.Zero, a11 = Vector512<float>.Zero, a12 = Vector512<float>.Zero, a13 = Vector512<float>.Zero;
                Vector512<float> a20 = Vector512<float>.Zero, a21 = Vector512<float>.Zero, a22 = Vector512<float>.Zero, a23 = Vector512<float>.Zero;
                Vector512<float> a30 = Vector512<float>.Zero, a31 = Vector512<float>.Zero, a32 = Vector512<float>.Zero, a33 = Vector512<float>.Zero;

                for (nuint i = 0; i + width <= length; i += width)
                {
                    Vector512<float> x0 = Vector512.LoadUnsafe(ref q0, i);
                    Vector512<float> x1 = Vector512.LoadUnsafe(ref q1, i);
                    Vector512<float> x2 = Vector512.LoadUnsafe(ref q2, i);
                    Vector512<float> x3 = Vector512.LoadUnsafe(ref q3, i);
                    Vector512<float> y = Vector512.LoadUnsafe(ref r0, i);
                    a00 = Vector512.MultiplyAddEstimate(x0, y, a00);
                    a10 = Vector512.MultiplyAddEstimate(x1, y, a10);
                    a20 = Vector512.MultiplyAddEstimate(x2, y, a20);
                    a30 = Vector512.MultiplyAddEstimate(x3, y, a30);
                    y = Vector512.LoadUnsafe(ref r1, i);
                    a01 = Vector512.MultiplyAddEstimate(x0, y, a01);
                    a11 = Vector512.MultiplyAddEstimate(x1, y, a11);
                    a21 = Vector512.MultiplyAddEstimate(x2, y, a21);
                    a31 = Vector512.MultiplyAddEstimate(x3, y, a31);
                    y = Vector512.LoadUnsafe(ref r2, i);
                    a02 = Vector512.MultiplyAddEstimate(x0, y, a02);
                    a12 = Vector512.MultiplyAddEstimate(x1, y, a12);
                    a22 = Vector512.MultiplyAddEstimate(x2, y, a22);
                    a32 = Vector512.MultiplyAddEstimate(x3, y, a32);
                    y = Vector512.LoadUnsafe(ref r3, i);
                    a03 = Vector512.MultiplyAddEstimate(x0, y, a03);
                    a13 = Vector512.MultiplyAddEstimate(x1, y, a13);
                    a23 = Vector512.MultiplyAddEstimate(x2, y, a23);
                    a33 = Vector512.MultiplyAddEstimate(x3, y, a33);
                }

                if (hasTail)
                {
                    // Both operands are masked, as in Dot: 0 * an infinite element already counted would be NaN.
                    Vector512<float> x0 = Vector512.LoadUnsafe(ref q0, tail) & tailMask;
                    Vector512<float> x1 = Vector512.LoadUnsafe(ref q1, tail) & tailMask;
                    Vector512<float> x2 = Vector512.LoadUnsafe(ref q2, tail) & tailMask;
                    Vector512<float> x3 = Vector512.LoadUnsafe(ref q3, tail) & tailMask;
                    Vector512<float> y = Vector512.LoadUnsafe(ref r0, tail) & tailMask;
                    a00 = Vector512.MultiplyAddEstimate(x0, y, a00);
                    a10 = Vector512.MultiplyAddEstimate(x1, y, a10);
                    a20 = Vector512.MultiplyAddEstimate(x2, y, a20);
                    a30 = Vector512.MultiplyAddEstimate(x3, y, a30);
                    y = Vector512.LoadUnsafe(ref r1, tail) & tailMask;
                    a01 = Vector512.MultiplyAddEstimate(x0, y, a01);
                    a11 = Vector512.MultiplyAddEstimate(x1, y, a11);
                    a21 = Vector512.MultiplyAddEstimate(x2, y, a21);
                    a31 = Vector512.MultiplyAddEstimate(x3, y, a31);
                    y = Vector512.LoadUnsafe(ref r2, tail) & tailMask;
                    a02 = Vector512.MultiplyAddEstimate(x0, y, a02);
                    a12 = Vector512.MultiplyAddEstimate(x1, y, a12);
                    a22 = Vector512.MultiplyAddEstimate(x2, y, a22);
                    a32 = Vector512.MultiplyAddEstimate(x3, y, a32);
                    y = Vector512.LoadUnsafe(ref r3, tail) & tailMask;
                    a03 = Vector512.MultiplyAddEstimate(x0, y, a03);
                    a13 = Vector512.MultiplyAddEstimate(x1, y, a13);
                    a23 = Vector512.MultiplyAddEstimate(x2, y, a23);
                    a33 = Vector512.MultiplyAddEstimate(x3, y, a33);
                }

                Span<float> d0 = destination.Slice((query * rowCount) + row, 4);
                Span<float> d1 = destination.Slice(((query + 1) * rowCount) + row, 4);
                Span<float> d2 = destination.Slice(((query + 2) * rowCount) + row, 4);
                Span<float> d3 = destination.Slice(((query + 3) * rowCount) + row, 4);
                d0[0] = Vector512.Sum(a00);
                d0[1] = Vector512.Sum(a01);
                d0[2] = Vector512.Sum(a02);
                d0[3] = Vector512.Sum(a03);
                d1[0] = Vector512.Sum(a10);
                d1[1] = Vector512.Sum(a11);
                d1[2] = Vector512.Sum(a12);
                d1[3] = Vector512.Sum(a13);
                d2[0] = Vector512.Sum(a20);
                d2[1] = Vector512.Sum(a21);
                d2[2] = Vector512.Sum(a22);
                d2[3] = Vector512.Sum(a23);
                d3[0] = Vector512.Sum(a30);
                d3[1] = Vector512.Sum(a31);
                d3[2] = Vector512.Sum(a32);
                d3[3] = Vector512.Sum(a33);
            }

            DotMatrixRemainingRows(ref queryRef, ref matrixRef, query, blockedRows, rowCount, length, destination);
        }

        return query;
    }

    private static int DotMatrix256(ref float queryRef, ref float matrixRef, int queryCount, int rowCount, nuint length, Span<float> destination)
    {
        nuint width = (nuint)Vector256<float>.Count;
        nuint tail = length - width;
        bool hasTail = length % width != 0;
        Vector256<float> tailMask = TailMask256(width - (length % width));
        int blockedRows = rowCount & ~1;
        int query = 0;
        for (; query + 4 <= queryCount; query += 4)
        {
            ref float q0 = ref Unsafe.Add(ref queryRef, (nuint)query * length);
            ref float q1 = ref Unsafe.Add(ref q0, length);
            ref float q2 = ref Unsafe.Add(ref q1, length);
            ref float q3 = ref Unsafe.Add(ref q2, length);
            for (int row = 0; row < blockedRows; row += 2)
            {
                ref float r0 = ref Unsafe.Add(ref matrixRef, (nuint)row * length);
                ref float r1 = ref Unsafe.Add(ref r0, length);
                Vector256<float> a00 = Vector256<float>.Zero, a01 = Vector256<float>.Zero;
                Vector256<float> a10 = Vector256<float>.Zero, a11 = Vector256<float>.Zero;
                Vector256<float> a20 = Vector256<float>.Zero, a21 = Vector256<float>.Zero;
                Vector256<float> a30 = Vector256<float>.Zero, a31 = Vector256<float>.Zero;

                for (nuint i = 0; i + width <= length; i += width)
                {
                    Vector256<float> y0 = Vector256.LoadUnsafe(ref r0, i);
                    Vector256<float> y1 = Vector256.LoadUnsafe(ref r1, i);
                    Vector256<float> x = Vector256.LoadUnsafe(ref q0, i);
                    a00 = Vector256.MultiplyAddEstimate(x, y0, a00);
                    a01 = Vector256.MultiplyAddEstimate(x, y1, a01);
                    x = Vector256.LoadUnsafe(ref q1, i);
                    a10 = Vector256.MultiplyAddEstimate(x, y0, a10);
                    a11 = Vector256.MultiplyAddEstimate(x, y1, a11);
                    x = Vector256.LoadUnsafe(ref q2, i);
                    a20 = Vector256.MultiplyAddEstimate(x, y0, a20);
                    a21 = Vector256.MultiplyAddEstimate(x, y1, a21);
                    x = Vector256.LoadUnsafe(ref q3, i);
                    a30 = Vector256.MultiplyAddEstimate(x, y0, a30);
                    a31 = Vector256.MultiplyAddEstimate(x, y1, a31);
                }

                if (hasTail)
                {
                    Vector256<float> y0 = Vector256.LoadUnsafe(ref r0, tail) & tailMask;
                    Vector256<float> y1 = Vector256.LoadUnsafe(ref r1, tail) & tailMask;
                    Vector256<float> x = Vector256.LoadUnsafe(ref q0, tail) & tailMask;
                    a00 = Vector256.MultiplyAddEstimate(x, y0, a00);
                    a01 = Vector256.MultiplyAddEstimate(x, y1, a01);
                    x = Vector256.LoadUnsafe(ref q1, tail) & tailMask;
                    a10 = Vector256.MultiplyAddEstimate(x, y0, a10);
                    a11 = Vector256.MultiplyAddEstimate(x, y1, a11);
                    x = Vector256.LoadUnsafe(ref q2, tail) & tailMask;
                    a20 = Vector256.MultiplyAddEstimate(x, y0, a20);
                    a21 = Vector256.MultiplyAddEstimate(x, y1, a21);
                    x = Vector256.LoadUnsafe(ref q3, tail) & tailMask;
                    a30 = Vector256.MultiplyAddEstimate(x, y0, a30);
                    a31 = Vector256.MultiplyAddEstimate(x, y1, a31);
                }

                destination[(query * rowCount) + row] = Vector256.Sum(a00);
                destination[(query * rowCount) + row + 1] = Vector256.Sum(a01);
                destination[((query + 1) * rowCount) + row] = Vector256.Sum(a10);
                destination[((query + 1) * rowCount) + row + 1] = Vector256.Sum(a11);
                destination[((query + 2) * rowCount) + row] = Vector256.Sum(a20);
                destination[((query + 2) * rowCount) + row + 1] = Vector256.Sum(a21);
                destination[((query + 3) * rowCount) + row] = Vector256.Sum(a30);
                destination[((query + 3) * rowCount) + row + 1] = Vector256.Sum(a31);
            }

            DotMatrixRemainingRows(ref queryRef, ref matrixRef, query, blockedRows, rowCount, length, destination);
        }

        return query;
    }

    private static int DotMatrix128(ref float queryRef, ref float matrixRef, int queryCount, int rowCount, nuint length, Span<float> destination)
    {
        nuint width = (nuint)Vector128<float>.Count;
        nuint tail = length - width;
        bool hasTail = length % width != 0;
        Vector128<float> tailMask = TailMask128(width - (length % width));
        int blockedRows = rowCount & ~1;
        int query = 0;
        for (; query + 4 <= queryCount; query += 4)
        {
            ref float q0 = ref Unsafe.Add(ref queryRef, (nuint)query * length);
            ref float q1 = ref Unsafe.Add(ref q0, length);
            ref float q2 = ref Unsafe.Add(ref q1, length);
            ref float q3 = ref Unsafe.Add(ref q2, length);
            for (int row = 0; row < blockedRows; row += 2)
            {
                ref float r0 = ref Unsafe.Add(ref matrixRef, (nuint)row * length);
                ref float r1 = ref Unsafe.Add(ref r0, length);
                Vector128<float> a00 = Vector128<float>.Zero, a01 = Vector128<float>.Zero;
                Vector128<float> a10 = Vector128<float>.Zero, a11 = Vector128<float>.Zero;
                Vector128<float> a20 = Vector128<float>.Zero, a21 = Vector128<float>.Zero;
                Vector128<float> a30 = Vector128<float>.Zero, a31 = Vector128<float>.Zero;

                for (nuint i = 0; i + width <= length; i += width)
                {
                    Vector128<float> y0 = Vector128.LoadUnsafe(ref r0, i);
                    Vector128<float> y1 = Vector128.LoadUnsafe(ref r1, i);
                    Vector128<float> x = Vector128.LoadUnsafe(ref q0, i);
                    a00 = Vector128.MultiplyAddEstimate(x, y0, a00);
                    a01 = Vector128.MultiplyAddEstimate(x, y1, a01);
                    x = Vector128.LoadUnsafe(ref q1, i);
                    a10 = Vector128.MultiplyAddEstimate(x, y0, a10);
                    a11 = Vector128.MultiplyAddEstimate(x, y1, a11);
                    x = Vector128.LoadUnsafe(ref q2, i);
                    a20 = Vector128.MultiplyAddEstimate(x, y0, a20);
                    a21 = Vector128.MultiplyAddEstimate(x, y1, a21);
                    x = Vector128.LoadUnsafe(ref q3, i);
                    a30 = Vector128.MultiplyAddEstimate(x, y0, a30);
                    a31 = Vector128.MultiplyAddEstimate(x, y1, a31);
                }

                if (hasTail)
                {
                    Vector128<float> y0 = Vector128.LoadUnsafe(ref r0, tail) & tailMask;
                    Vector128<float> y1 = Vector128.LoadUnsafe(ref r1, tail) & tailMask;
                    Vector128<float> x = Vector128.LoadUnsafe(ref q0, tail) & tailMask;
                    a00 = Vector128.MultiplyAddEstimate(x, y0, a00);
                    a01 = Vector128.MultiplyAddEstimate(x, y1, a01);
                    x = Vector128.LoadUnsafe(ref q1, tail) & tailMask;
                    a10 = Vector128.MultiplyAddEstimate(x, y0, a10);
                    a11 = Vector128.MultiplyAddEstimate(x, y1, a11);
                    x = Vector128.LoadUnsafe(ref q2, tail) & tailMask;
                    a20 = Vector128.MultiplyAddEstimate(x, y0, a20);
                    a21 = Vector128.MultiplyAddEstimate(x, y1, a21);
                    x = Vector128.LoadUnsafe(ref q3, tail) & tailMask;
                    a30 = Vector128.MultiplyAddEstimate(x, y0, a30);
                    a31 = Vector128.MultiplyAddEstimate(x, y1, a31);
                }

                destination[(query * rowCount) + row] = Vector128.Sum(a00);
                destination[(query * rowCount) + row + 1] = Vector128.Sum(a01);
                destination[((query + 1) * rowCount) + row] = Vector128.Sum(a10);
                destination[((query + 1) * rowCount) + row + 1] = Vector128.Sum(a11);
                destination[((query + 2) * rowCount) + row] = Vector128.Sum(a20);
                destination[((query + 2) * rowCount) + row + 1] = Vector128.Sum(a21);
                destination[((query + 3) * rowCount) + row] = Vector128.Sum(a30);
                destination[((query + 3) * rowCount) + row + 1] = Vector128.Sum(a31);
            }

            DotMatrixRemainingRows(ref queryRef, ref matrixRef, query, blockedRows, rowCount, length, destination);
        }

        return query;
    }
}
