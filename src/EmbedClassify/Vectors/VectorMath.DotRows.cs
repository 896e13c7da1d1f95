using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
    /// The length of <paramref name="matrix"/> is not <c>destination.Length * query.Length</c>, or
    /// <paramref name="destination"/> overlaps <paramref name="query"/> or <paramref name="matrix"/>.
    /// </exception>
    /// <remarks>
    /// <para>
    /// <c>destination[i]</c> is set to <c>Dot(query, matrix.Slice(i * query.Length, query.Length))</c>;
    /// if <paramref name="query"/> is empty, every element of <paramref name="destination"/> is set to 0.
    /// </para>
    /// <para>
    /// A <see cref="float.NaN"/> in <paramref name="query"/> makes every result <see cref="float.NaN"/>;
    /// a <see cref="float.NaN"/> in a row makes that row's result <see cref="float.NaN"/>.
    /// </para>
    /// <para>
    /// This method is thread-safe as long as no other thread writes to <paramref name="destination"/>
    /// at the same time.
    /// </para>
    /// </remarks>
    public static void DotRows(ReadOnlySpan<float> query, ReadOnlySpan<float> matrix, Span<float> destination)
    {
        ValidateRows(query, matrix, destination);

        ref float queryRef = ref MemoryMarshal.GetReference(query);
        ref float matrixRef = ref MemoryMarshal.GetReference(matrix);
        nuint dimension = (nuint)query.Length;

        // Each rung computes several rows per pass so one query load feeds several rows. The rows of
        // a pass come from equal slabs of the matrix, not adjacent rows: each slab is then read as
        // one long sequential stream that hardware prefetchers follow, whereas adjacent rows restart
        // several short streams every pass and measured about twice as slow on matrices larger than
        // the cache. The rows left over are finished by DotCore, which uses the same rung and
        // summation order, so every row gets exactly the result Dot would return.
        int row = 0;
        if (Vector512.IsHardwareAccelerated && dimension >= (nuint)Vector512<float>.Count)
        {
            row = DotRows512(ref queryRef, ref matrixRef, destination, dimension);
        }
        else if (Vector256.IsHardwareAccelerated && dimension >= (nuint)Vector256<float>.Count)
        {
            row = DotRows256(ref queryRef, ref matrixRef, destination, dimension);
        }
        else if (Vector128.IsHardwareAccelerated && dimension >= (nuint)Vector128<float>.Count)
        {
            row = DotRows128(ref queryRef, ref matrixRef, destination, dimension);
        }

        for (; row < destination.Length; row++)
        {
            destination[row] = DotCore(query, matrix.Slice(row * query.Length, query.Length));
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

        // Results are written while rows are still being read, so overlap would corrupt them.
        ReadOnlySpan<float> output = destination;
        if (output.Overlaps(query) || output.Overlaps(matrix))
        {
            throw new ArgumentException("The destination must not overlap the query or the matrix.", nameof(destination));
        }
    }

    private static int DotRows512(ref float queryRef, ref float matrixRef, Span<float> destination, nuint dimension)
    {
        nuint width = (nuint)Vector512<float>.Count;
        nuint tail = dimension - width;
        Vector512<float> tailMask = TailMask512(width - (dimension % width));
        bool hasTail = dimension % width != 0;
        int stride = destination.Length / 4;
        int row = 0;
        for (; row < stride; row++)
        {
            ref float row0 = ref Unsafe.Add(ref matrixRef, (nuint)row * dimension);
            ref float row1 = ref Unsafe.Add(ref matrixRef, ((nuint)row + (nuint)stride) * dimension);
            ref float row2 = ref Unsafe.Add(ref matrixRef, ((nuint)row + ((nuint)stride * 2)) * dimension);
            ref float row3 = ref Unsafe.Add(ref matrixRef, ((nuint)row + ((nuint)stride * 3)) * dimension);
            Vector512<float> acc00 = Vector512<float>.Zero;
            Vector512<float> acc01 = Vector512<float>.Zero;
            Vector512<float> acc02 = Vector512<float>.Zero;
            Vector512<float> acc03 = Vector512<float>.Zero;
            Vector512<float> acc10 = Vector512<float>.Zero;
            Vector512<float> acc11 = Vector512<float>.Zero;
            Vector512<float> acc12 = Vector512<float>.Zero;
            Vector512<float> acc13 = Vector512<float>.Zero;
            Vector512<float> acc20 = Vector512<float>.Zero;
            Vector512<float> acc21 = Vector512<float>.Zero;
            Vector512<float> acc22 = Vector512<float>.Zero;
            Vector512<float> acc23 = Vector512<float>.Zero;
            Vector512<float> acc30 = Vector512<float>.Zero;
            Vector512<float> acc31 = Vector512<float>.Zero;
            Vector512<float> acc32 = Vector512<float>.Zero;
            Vector512<float> acc33 = Vector512<float>.Zero;

            nuint i = 0;
            for (; i + (4 * width) <= dimension; i += 4 * width)
            {
                Vector512<float> q0 = Vector512.LoadUnsafe(ref queryRef, i);
                Vector512<float> q1 = Vector512.LoadUnsafe(ref queryRef, i + width);
                Vector512<float> q2 = Vector512.LoadUnsafe(ref queryRef, i + (2 * width));
                Vector512<float> q3 = Vector512.LoadUnsafe(ref queryRef, i + (3 * width));
                acc00 = Vector512.MultiplyAddEstimate(q0, Vector512.LoadUnsafe(ref row0, i), acc00);
                acc01 = Vector512.MultiplyAddEstimate(q1, Vector512.LoadUnsafe(ref row0, i + width), acc01);
                acc02 = Vector512.MultiplyAddEstimate(q2, Vector512.LoadUnsafe(ref row0, i + (2 * width)), acc02);
                acc03 = Vector512.MultiplyAddEstimate(q3, Vector512.LoadUnsafe(ref row0, i + (3 * width)), acc03);
                acc10 = Vector512.MultiplyAddEstimate(q0, Vector512.LoadUnsafe(ref row1, i), acc10);
                acc11 = Vector512.MultiplyAddEstimate(q1, Vector512.LoadUnsafe(ref row1, i + width), acc11);
                acc12 = Vector512.MultiplyAddEstimate(q2, Vector512.LoadUnsafe(ref row1, i + (2 * width)), acc12);
                acc13 = Vector512.MultiplyAddEstimate(q3, Vector512.LoadUnsafe(ref row1, i + (3 * width)), acc13);
                acc20 = Vector512.MultiplyAddEstimate(q0, Vector512.LoadUnsafe(ref row2, i), acc20);
                acc21 = Vector512.MultiplyAddEstimate(q1, Vector512.LoadUnsafe(ref row2, i + width), acc21);
                acc22 = Vector512.MultiplyAddEstimate(q2, Vector512.LoadUnsafe(ref row2, i + (2 * width)), acc22);
                acc23 = Vector512.MultiplyAddEstimate(q3, Vector512.LoadUnsafe(ref row2, i + (3 * width)), acc23);
                acc30 = Vector512.MultiplyAddEstimate(q0, Vector512.LoadUnsafe(ref row3, i), acc30);
                acc31 = Vector512.MultiplyAddEstimate(q1, Vector512.LoadUnsafe(ref row3, i + width), acc31);
                acc32 = Vector512.MultiplyAddEstimate(q2, Vector512.LoadUnsafe(ref row3, i + (2 * width)), acc32);
                acc33 = Vector512.MultiplyAddEstimate(q3, Vector512.LoadUnsafe(ref row3, i + (3 * width)), acc33);
            }

            for (; i + width <= dimension; i += width)
            {
                Vector512<float> q = Vector512.LoadUnsafe(ref queryRef, i);
                acc00 = Vector512.MultiplyAddEstimate(q, Vector512.LoadUnsafe(ref row0, i), acc00);
                acc10 = Vector512.MultiplyAddEstimate(q, Vector512.LoadUnsafe(ref row1, i), acc10);
                acc20 = Vector512.MultiplyAddEstimate(q, Vector512.LoadUnsafe(ref row2, i), acc20);
                acc30 = Vector512.MultiplyAddEstimate(q, Vector512.LoadUnsafe(ref row3, i), acc30);
            }

            if (hasTail)
            {
                Vector512<float> q = Vector512.LoadUnsafe(ref queryRef, tail) & tailMask;
                acc01 = Vector512.MultiplyAddEstimate(q, Vector512.LoadUnsafe(ref row0, tail) & tailMask, acc01);
                acc11 = Vector512.MultiplyAddEstimate(q, Vector512.LoadUnsafe(ref row1, tail) & tailMask, acc11);
                acc21 = Vector512.MultiplyAddEstimate(q, Vector512.LoadUnsafe(ref row2, tail) & tailMask, acc21);
                acc31 = Vector512.MultiplyAddEstimate(q, Vector512.LoadUnsafe(ref row3, tail) & tailMask, acc31);
            }

            destination[row] = Vector512.Sum((acc00 + acc01) + (acc02 + acc03));
            destination[row + stride] = Vector512.Sum((acc10 + acc11) + (acc12 + acc13));
            destination[row + (stride * 2)] = Vector512.Sum((acc20 + acc21) + (acc22 + acc23));
            destination[row + (stride * 3)] = Vector512.Sum((acc30 + acc31) + (acc32 + acc33));
        }

        return stride * 4;
    }

    private static int DotRows256(ref float queryRef, ref float matrixRef, Span<float> destination, nuint dimension)
    {
        nuint width = (nuint)Vector256<float>.Count;
        nuint tail = dimension - width;
        Vector256<float> tailMask = TailMask256(width - (dimension % width));
        bool hasTail = dimension % width != 0;
        int stride = destination.Length / 2;
        int row = 0;
        for (; row < stride; row++)
        {
            ref float row0 = ref Unsafe.Add(ref matrixRef, (nuint)row * dimension);
            ref float row1 = ref Unsafe.Add(ref matrixRef, ((nuint)row + (nuint)stride) * dimension);
            Vector256<float> acc00 = Vector256<float>.Zero;
            Vector256<float> acc01 = Vector256<float>.Zero;
            Vector256<float> acc02 = Vector256<float>.Zero;
            Vector256<float> acc03 = Vector256<float>.Zero;
            Vector256<float> acc10 = Vector256<float>.Zero;
            Vector256<float> acc11 = Vector256<float>.Zero;
            Vector256<float> acc12 = Vector256<float>.Zero;
            Vector256<float> acc13 = Vector256<float>.Zero;

            nuint i = 0;
            for (; i + (4 * width) <= dimension; i += 4 * width)
            {
                Vector256<float> q0 = Vector256.LoadUnsafe(ref queryRef, i);
                Vector256<float> q1 = Vector256.LoadUnsafe(ref queryRef, i + width);
                Vector256<float> q2 = Vector256.LoadUnsafe(ref queryRef, i + (2 * width));
                Vector256<float> q3 = Vector256.LoadUnsafe(ref queryRef, i + (3 * width));
                acc00 = Vector256.MultiplyAddEstimate(q0, Vector256.LoadUnsafe(ref row0, i), acc00);
                acc01 = Vector256.MultiplyAddEstimate(q1, Vector256.LoadUnsafe(ref row0, i + width), acc01);
                acc02 = Vector256.MultiplyAddEstimate(q2, Vector256.LoadUnsafe(ref row0, i + (2 * width)), acc02);
                acc03 = Vector256.MultiplyAddEstimate(q3, Vector256.LoadUnsafe(ref row0, i + (3 * width)), acc03);
                acc10 = Vector256.MultiplyAddEstimate(q0, Vector256.LoadUnsafe(ref row1, i), acc10);
                acc11 = Vector256.MultiplyAddEstimate(q1, Vector256.LoadUnsafe(ref row1, i + width), acc11);
                acc12 = Vector256.MultiplyAddEstimate(q2, Vector256.LoadUnsafe(ref row1, i + (2 * width)), acc12);
                acc13 = Vector256.MultiplyAddEstimate(q3, Vector256.LoadUnsafe(ref row1, i + (3 * width)), acc13);
            }

            for (; i + width <= dimension; i += width)
            {
                Vector256<float> q = Vector256.LoadUnsafe(ref queryRef, i);
                acc00 = Vector256.MultiplyAddEstimate(q, Vector256.LoadUnsafe(ref row0, i), acc00);
                acc10 = Vector256.MultiplyAddEstimate(q, Vector256.LoadUnsafe(ref row1, i), acc10);
            }

            if (hasTail)
            {
                Vector256<float> q = Vector256.LoadUnsafe(ref queryRef, tail) & tailMask;
                acc01 = Vector256.MultiplyAddEstimate(q, Vector256.LoadUnsafe(ref row0, tail) & tailMask, acc01);
                acc11 = Vector256.MultiplyAddEstimate(q, Vector256.LoadUnsafe(ref row1, tail) & tailMask, acc11);
            }

            destination[row] = Vector256.Sum((acc00 + acc01) + (acc02 + acc03));
            destination[row + stride] = Vector256.Sum((acc10 + acc11) + (acc12 + acc13));
        }

        return stride * 2;
    }

    private static int DotRows128(ref float queryRef, ref float matrixRef, Span<float> destination, nuint dimension)
    {
        nuint width = (nuint)Vector128<float>.Count;
        nuint tail = dimension - width;
        Vector128<float> tailMask = TailMask128(width - (dimension % width));
        bool hasTail = dimension % width != 0;
        int stride = destination.Length / 2;
        int row = 0;
        for (; row < stride; row++)
        {
            ref float row0 = ref Unsafe.Add(ref matrixRef, (nuint)row * dimension);
            ref float row1 = ref Unsafe.Add(ref matrixRef, ((nuint)row + (nuint)stride) * dimension);
            Vector128<float> acc00 = Vector128<float>.Zero;
            Vector128<float> acc01 = Vector128<float>.Zero;
            Vector128<float> acc02 = Vector128<float>.Zero;
            Vector128<float> acc03 = Vector128<float>.Zero;
            Vector128<float> acc10 = Vector128<float>.Zero;
            Vector128<float> acc11 = Vector128<float>.Zero;
            Vector128<float> acc12 = Vector128<float>.Zero;
            Vector128<float> acc13 = Vector128<float>.Zero;

            nuint i = 0;
            for (; i + (4 * width) <= dimension; i += 4 * width)
            {
                Vector128<float> q0 = Vector128.LoadUnsafe(ref queryRef, i);
                Vector128<float> q1 = Vector128.LoadUnsafe(ref queryRef, i + width);
                Vector128<float> q2 = Vector128.LoadUnsafe(ref queryRef, i + (2 * width));
                Vector128<float> q3 = Vector128.LoadUnsafe(ref queryRef, i + (3 * width));
                acc00 = Vector128.MultiplyAddEstimate(q0, Vector128.LoadUnsafe(ref row0, i), acc00);
                acc01 = Vector128.MultiplyAddEstimate(q1, Vector128.LoadUnsafe(ref row0, i + width), acc01);
                acc02 = Vector128.MultiplyAddEstimate(q2, Vector128.LoadUnsafe(ref row0, i + (2 * width)), acc02);
                acc03 = Vector128.MultiplyAddEstimate(q3, Vector128.LoadUnsafe(ref row0, i + (3 * width)), acc03);
                acc10 = Vector128.MultiplyAddEstimate(q0, Vector128.LoadUnsafe(ref row1, i), acc10);
                acc11 = Vector128.MultiplyAddEstimate(q1, Vector128.LoadUnsafe(ref row1, i + width), acc11);
                acc12 = Vector128.MultiplyAddEstimate(q2, Vector128.LoadUnsafe(ref row1, i + (2 * width)), acc12);
                acc13 = Vector128.MultiplyAddEstimate(q3, Vector128.LoadUnsafe(ref row1, i + (3 * width)), acc13);
            }

            for (; i + width <= dimension; i += width)
            {
                Vector128<float> q = Vector128.LoadUnsafe(ref queryRef, i);
                acc00 = Vector128.MultiplyAddEstimate(q, Vector128.LoadUnsafe(ref row0, i), acc00);
                acc10 = Vector128.MultiplyAddEstimate(q, Vector128.LoadUnsafe(ref row1, i), acc10);
            }

            if (hasTail)
            {
                Vector128<float> q = Vector128.LoadUnsafe(ref queryRef, tail) & tailMask;
                acc01 = Vector128.MultiplyAddEstimate(q, Vector128.LoadUnsafe(ref row0, tail) & tailMask, acc01);
                acc11 = Vector128.MultiplyAddEstimate(q, Vector128.LoadUnsafe(ref row1, tail) & tailMask, acc11);
            }

            destination[row] = Vector128.Sum((acc00 + acc01) + (acc02 + acc03));
            destination[row + stride] = Vector128.Sum((acc10 + acc11) + (acc12 + acc13));
        }

        return stride * 2;
    }
}
