using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EmbedClassify;

public static partial class VectorMath
{
    /// <summary>
    /// Computes the cosine similarity of a query vector with every row of a row-major matrix.
    /// </summary>
    /// <param name="query">The query vector.</param>
    /// <param name="matrix">
    /// The matrix, stored row by row: <c>destination.Length</c> rows of <c>query.Length</c> elements each.
    /// </param>
    /// <param name="destination">The span that receives one cosine similarity per row.</param>
    /// <exception cref="ArgumentException">
    /// The length of <paramref name="matrix"/> is not <c>destination.Length * query.Length</c>, or
    /// <paramref name="destination"/> overlaps <paramref name="query"/> or <paramref name="matrix"/>.
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
    /// at the same time.
    /// </para>
    /// </remarks>
    public static void CosineRows(ReadOnlySpan<float> query, ReadOnlySpan<float> matrix, Span<float> destination)
    {
        ValidateRows(query, matrix, destination);

        ref float queryRef = ref MemoryMarshal.GetReference(query);
        ref float matrixRef = ref MemoryMarshal.GetReference(matrix);
        nuint dimension = (nuint)query.Length;
        float queryNormSquared = SumOfSquaresCore(query);

        // Processes rows like DotRows, and for the same reasons; only the 512-bit rung has the
        // registers to keep two rows' dot products and sums of squares in flight.
        int row = 0;
        if (Vector512.IsHardwareAccelerated && dimension >= (nuint)Vector512<float>.Count)
        {
            row = CosineRows512(ref queryRef, ref matrixRef, destination, dimension, queryNormSquared);
        }
        else if (Vector256.IsHardwareAccelerated && dimension >= (nuint)Vector256<float>.Count)
        {
            row = CosineRows256(ref queryRef, ref matrixRef, destination, dimension, queryNormSquared);
        }
        else if (Vector128.IsHardwareAccelerated && dimension >= (nuint)Vector128<float>.Count)
        {
            row = CosineRows128(ref queryRef, ref matrixRef, destination, dimension, queryNormSquared);
        }

        for (; row < destination.Length; row++)
        {
            (float dot, _, float rowNormSquared) = DotAndSumsOfSquaresCore(query, matrix.Slice(row * query.Length, query.Length));
            destination[row] = Cosine(dot, queryNormSquared, rowNormSquared);
        }
    }

    private static int CosineRows512(ref float queryRef, ref float matrixRef, Span<float> destination, nuint dimension, float queryNormSquared)
    {
        nuint width = (nuint)Vector512<float>.Count;
        nuint tail = dimension - width;
        Vector512<float> tailMask = TailMask512(width - (dimension % width));
        bool hasTail = dimension % width != 0;
        int stride = destination.Length / 2;
        int row = 0;
        for (; row < stride; row++)
        {
            ref float row0 = ref Unsafe.Add(ref matrixRef, (nuint)row * dimension);
            ref float row1 = ref Unsafe.Add(ref matrixRef, ((nuint)row + (nuint)stride) * dimension);
            Vector512<float> dot00 = Vector512<float>.Zero;
            Vector512<float> dot01 = Vector512<float>.Zero;
            Vector512<float> dot02 = Vector512<float>.Zero;
            Vector512<float> dot03 = Vector512<float>.Zero;
            Vector512<float> sq00 = Vector512<float>.Zero;
            Vector512<float> sq01 = Vector512<float>.Zero;
            Vector512<float> sq02 = Vector512<float>.Zero;
            Vector512<float> sq03 = Vector512<float>.Zero;
            Vector512<float> dot10 = Vector512<float>.Zero;
            Vector512<float> dot11 = Vector512<float>.Zero;
            Vector512<float> dot12 = Vector512<float>.Zero;
            Vector512<float> dot13 = Vector512<float>.Zero;
            Vector512<float> sq10 = Vector512<float>.Zero;
            Vector512<float> sq11 = Vector512<float>.Zero;
            Vector512<float> sq12 = Vector512<float>.Zero;
            Vector512<float> sq13 = Vector512<float>.Zero;

            nuint i = 0;
            for (; i + (4 * width) <= dimension; i += 4 * width)
            {
                Vector512<float> q0 = Vector512.LoadUnsafe(ref queryRef, i);
                Vector512<float> q1 = Vector512.LoadUnsafe(ref queryRef, i + width);
                Vector512<float> q2 = Vector512.LoadUnsafe(ref queryRef, i + (2 * width));
                Vector512<float> q3 = Vector512.LoadUnsafe(ref queryRef, i + (3 * width));
                Vector512<float> r00 = Vector512.LoadUnsafe(ref row0, i);
                dot00 = Vector512.MultiplyAddEstimate(q0, r00, dot00);
                sq00 = Vector512.MultiplyAddEstimate(r00, r00, sq00);
                Vector512<float> r01 = Vector512.LoadUnsafe(ref row0, i + width);
                dot01 = Vector512.MultiplyAddEstimate(q1, r01, dot01);
                sq01 = Vector512.MultiplyAddEstimate(r01, r01, sq01);
                Vector512<float> r02 = Vector512.LoadUnsafe(ref row0, i + (2 * width));
                dot02 = Vector512.MultiplyAddEstimate(q2, r02, dot02);
                sq02 = Vector512.MultiplyAddEstimate(r02, r02, sq02);
                Vector512<float> r03 = Vector512.LoadUnsafe(ref row0, i + (3 * width));
                dot03 = Vector512.MultiplyAddEstimate(q3, r03, dot03);
                sq03 = Vector512.MultiplyAddEstimate(r03, r03, sq03);
                Vector512<float> r10 = Vector512.LoadUnsafe(ref row1, i);
                dot10 = Vector512.MultiplyAddEstimate(q0, r10, dot10);
                sq10 = Vector512.MultiplyAddEstimate(r10, r10, sq10);
                Vector512<float> r11 = Vector512.LoadUnsafe(ref row1, i + width);
                dot11 = Vector512.MultiplyAddEstimate(q1, r11, dot11);
                sq11 = Vector512.MultiplyAddEstimate(r11, r11, sq11);
                Vector512<float> r12 = Vector512.LoadUnsafe(ref row1, i + (2 * width));
                dot12 = Vector512.MultiplyAddEstimate(q2, r12, dot12);
                sq12 = Vector512.MultiplyAddEstimate(r12, r12, sq12);
                Vector512<float> r13 = Vector512.LoadUnsafe(ref row1, i + (3 * width));
                dot13 = Vector512.MultiplyAddEstimate(q3, r13, dot13);
                sq13 = Vector512.MultiplyAddEstimate(r13, r13, sq13);
            }

            for (; i + width <= dimension; i += width)
            {
                Vector512<float> q = Vector512.LoadUnsafe(ref queryRef, i);
                Vector512<float> r0 = Vector512.LoadUnsafe(ref row0, i);
                dot00 = Vector512.MultiplyAddEstimate(q, r0, dot00);
                sq00 = Vector512.MultiplyAddEstimate(r0, r0, sq00);
                Vector512<float> r1 = Vector512.LoadUnsafe(ref row1, i);
                dot10 = Vector512.MultiplyAddEstimate(q, r1, dot10);
                sq10 = Vector512.MultiplyAddEstimate(r1, r1, sq10);
            }

            if (hasTail)
            {
                Vector512<float> q = Vector512.LoadUnsafe(ref queryRef, tail) & tailMask;
                Vector512<float> r0 = Vector512.LoadUnsafe(ref row0, tail) & tailMask;
                dot01 = Vector512.MultiplyAddEstimate(q, r0, dot01);
                sq01 = Vector512.MultiplyAddEstimate(r0, r0, sq01);
                Vector512<float> r1 = Vector512.LoadUnsafe(ref row1, tail) & tailMask;
                dot11 = Vector512.MultiplyAddEstimate(q, r1, dot11);
                sq11 = Vector512.MultiplyAddEstimate(r1, r1, sq11);
            }

            destination[row] = Cosine(
                Vector512.Sum((dot00 + dot01) + (dot02 + dot03)),
                queryNormSquared,
                Vector512.Sum((sq00 + sq01) + (sq02 + sq03)));
            destination[row + stride] = Cosine(
                Vector512.Sum((dot10 + dot11) + (dot12 + dot13)),
                queryNormSquared,
                Vector512.Sum((sq10 + sq11) + (sq12 + sq13)));
        }

        return stride * 2;
    }

    private static int CosineRows256(ref float queryRef, ref float matrixRef, Span<float> destination, nuint dimension, float queryNormSquared)
    {
        nuint width = (nuint)Vector256<float>.Count;
        nuint tail = dimension - width;
        Vector256<float> tailMask = TailMask256(width - (dimension % width));
        bool hasTail = dimension % width != 0;
        int row = 0;
        for (; row < destination.Length; row++)
        {
            ref float row0 = ref Unsafe.Add(ref matrixRef, (nuint)row * dimension);
            Vector256<float> dot00 = Vector256<float>.Zero;
            Vector256<float> dot01 = Vector256<float>.Zero;
            Vector256<float> dot02 = Vector256<float>.Zero;
            Vector256<float> dot03 = Vector256<float>.Zero;
            Vector256<float> sq00 = Vector256<float>.Zero;
            Vector256<float> sq01 = Vector256<float>.Zero;
            Vector256<float> sq02 = Vector256<float>.Zero;
            Vector256<float> sq03 = Vector256<float>.Zero;

            nuint i = 0;
            for (; i + (4 * width) <= dimension; i += 4 * width)
            {
                Vector256<float> q0 = Vector256.LoadUnsafe(ref queryRef, i);
                Vector256<float> q1 = Vector256.LoadUnsafe(ref queryRef, i + width);
                Vector256<float> q2 = Vector256.LoadUnsafe(ref queryRef, i + (2 * width));
                Vector256<float> q3 = Vector256.LoadUnsafe(ref queryRef, i + (3 * width));
                Vector256<float> r00 = Vector256.LoadUnsafe(ref row0, i);
                dot00 = Vector256.MultiplyAddEstimate(q0, r00, dot00);
                sq00 = Vector256.MultiplyAddEstimate(r00, r00, sq00);
                Vector256<float> r01 = Vector256.LoadUnsafe(ref row0, i + width);
                dot01 = Vector256.MultiplyAddEstimate(q1, r01, dot01);
                sq01 = Vector256.MultiplyAddEstimate(r01, r01, sq01);
                Vector256<float> r02 = Vector256.LoadUnsafe(ref row0, i + (2 * width));
                dot02 = Vector256.MultiplyAddEstimate(q2, r02, dot02);
                sq02 = Vector256.MultiplyAddEstimate(r02, r02, sq02);
                Vector256<float> r03 = Vector256.LoadUnsafe(ref row0, i + (3 * width));
                dot03 = Vector256.MultiplyAddEstimate(q3, r03, dot03);
                sq03 = Vector256.MultiplyAddEstimate(r03, r03, sq03);
            }

            for (; i + width <= dimension; i += width)
            {
                Vector256<float> q = Vector256.LoadUnsafe(ref queryRef, i);
                Vector256<float> r0 = Vector256.LoadUnsafe(ref row0, i);
                dot00 = Vector256.MultiplyAddEstimate(q, r0, dot00);
                sq00 = Vector256.MultiplyAddEstimate(r0, r0, sq00);
            }

            if (hasTail)
            {
                Vector256<float> q = Vector256.LoadUnsafe(ref queryRef, tail) & tailMask;
                Vector256<float> r0 = Vector256.LoadUnsafe(ref row0, tail) & tailMask;
                dot01 = Vector256.MultiplyAddEstimate(q, r0, dot01);
                sq01 = Vector256.MultiplyAddEstimate(r0, r0, sq01);
            }

            destination[row] = Cosine(
                Vector256.Sum((dot00 + dot01) + (dot02 + dot03)),
                queryNormSquared,
                Vector256.Sum((sq00 + sq01) + (sq02 + sq03)));
        }

        return row;
    }

    private static int CosineRows128(ref float queryRef, ref float matrixRef, Span<float> destination, nuint dimension, float queryNormSquared)
    {
        nuint width = (nuint)Vector128<float>.Count;
        nuint tail = dimension - width;
        Vector128<float> tailMask = TailMask128(width - (dimension % width));
        bool hasTail = dimension % width != 0;
        int row = 0;
        for (; row < destination.Length; row++)
        {
            ref float row0 = ref Unsafe.Add(ref matrixRef, (nuint)row * dimension);
            Vector128<float> dot00 = Vector128<float>.Zero;
            Vector128<float> dot01 = Vector128<float>.Zero;
            Vector128<float> dot02 = Vector128<float>.Zero;
            Vector128<float> dot03 = Vector128<float>.Zero;
            Vector128<float> sq00 = Vector128<float>.Zero;
            Vector128<float> sq01 = Vector128<float>.Zero;
            Vector128<float> sq02 = Vector128<float>.Zero;
            Vector128<float> sq03 = Vector128<float>.Zero;

            nuint i = 0;
            for (; i + (4 * width) <= dimension; i += 4 * width)
            {
                Vector128<float> q0 = Vector128.LoadUnsafe(ref queryRef, i);
                Vector128<float> q1 = Vector128.LoadUnsafe(ref queryRef, i + width);
                Vector128<float> q2 = Vector128.LoadUnsafe(ref queryRef, i + (2 * width));
                Vector128<float> q3 = Vector128.LoadUnsafe(ref queryRef, i + (3 * width));
                Vector128<float> r00 = Vector128.LoadUnsafe(ref row0, i);
                dot00 = Vector128.MultiplyAddEstimate(q0, r00, dot00);
                sq00 = Vector128.MultiplyAddEstimate(r00, r00, sq00);
                Vector128<float> r01 = Vector128.LoadUnsafe(ref row0, i + width);
                dot01 = Vector128.MultiplyAddEstimate(q1, r01, dot01);
                sq01 = Vector128.MultiplyAddEstimate(r01, r01, sq01);
                Vector128<float> r02 = Vector128.LoadUnsafe(ref row0, i + (2 * width));
                dot02 = Vector128.MultiplyAddEstimate(q2, r02, dot02);
                sq02 = Vector128.MultiplyAddEstimate(r02, r02, sq02);
                Vector128<float> r03 = Vector128.LoadUnsafe(ref row0, i + (3 * width));
                dot03 = Vector128.MultiplyAddEstimate(q3, r03, dot03);
                sq03 = Vector128.MultiplyAddEstimate(r03, r03, sq03);
            }

            for (; i + width <= dimension; i += width)
            {
                Vector128<float> q = Vector128.LoadUnsafe(ref queryRef, i);
                Vector128<float> r0 = Vector128.LoadUnsafe(ref row0, i);
                dot00 = Vector128.MultiplyAddEstimate(q, r0, dot00);
                sq00 = Vector128.MultiplyAddEstimate(r0, r0, sq00);
            }

            if (hasTail)
            {
                Vector128<float> q = Vector128.LoadUnsafe(ref queryRef, tail) & tailMask;
                Vector128<float> r0 = Vector128.LoadUnsafe(ref row0, tail) & tailMask;
                dot01 = Vector128.MultiplyAddEstimate(q, r0, dot01);
                sq01 = Vector128.MultiplyAddEstimate(r0, r0, sq01);
            }

            destination[row] = Cosine(
                Vector128.Sum((dot00 + dot01) + (dot02 + dot03)),
                queryNormSquared,
                Vector128.Sum((sq00 + sq01) + (sq02 + sq03)));
        }

        return row;
    }
}
