using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EmbedClassify;

public static partial class VectorMath
{
    /// <summary>
    /// Computes the cosine similarity of two vectors.
    /// </summary>
    /// <param name="x">The first vector.</param>
    /// <param name="y">The second vector, which must have the same length as <paramref name="x"/>.</param>
    /// <returns>
    /// The dot product of <paramref name="x"/> and <paramref name="y"/> divided by the product of
    /// their Euclidean norms, clamped to the range [-1, 1]; or 0 if either vector has a norm of 0,
    /// including when both spans are empty.
    /// </returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="y"/> does not have the same length as <paramref name="x"/>.
    /// </exception>
    /// <remarks>
    /// <para>
    /// The dot product and both norms are computed in a single pass over the inputs. The result is
    /// clamped because rounding can otherwise push the similarity of (anti)parallel vectors just
    /// outside [-1, 1].
    /// </para>
    /// <para>
    /// The result is <see cref="float.NaN"/> if either vector contains <see cref="float.NaN"/>,
    /// even when the other vector is a zero vector. If an element is infinite or a norm overflows,
    /// the result is 0 or <see cref="float.NaN"/>. This method is thread-safe.
    /// </para>
    /// </remarks>
    public static float CosineSimilarity(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        if (x.Length != y.Length)
        {
            ThrowLengthMismatch(nameof(y));
        }

        (float dot, float xx, float yy) = DotAndSumsOfSquaresCore(x, y);
        return Cosine(dot, xx, yy);
    }

    private static float Cosine(float dot, float xx, float yy)
    {
        if (xx == 0f || yy == 0f)
        {
            // A sum of squares is NaN exactly when its vector contains NaN.
            return float.IsNaN(xx + yy) ? float.NaN : 0f;
        }

        // Double precision keeps xx * yy from overflowing before the square root.
        double cosine = dot / Math.Sqrt((double)xx * yy);
        return (float)Math.Clamp(cosine, -1d, 1d);
    }

    // Same accumulation order as DotCore for each of the three sums, so XX here equals
    // SumOfSquaresCore(x) bit for bit and CosineRows can reuse one query norm for every row.
    private static (float Dot, float XX, float YY) DotAndSumsOfSquaresCore(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        ref float xRef = ref MemoryMarshal.GetReference(x);
        ref float yRef = ref MemoryMarshal.GetReference(y);
        nuint length = (nuint)x.Length;

        if (Vector512.IsHardwareAccelerated && length >= (nuint)Vector512<float>.Count)
        {
            return DotAndSumsOfSquares512(ref xRef, ref yRef, length);
        }

        if (Vector256.IsHardwareAccelerated && length >= (nuint)Vector256<float>.Count)
        {
            return DotAndSumsOfSquares256(ref xRef, ref yRef, length);
        }

        if (Vector128.IsHardwareAccelerated && length >= (nuint)Vector128<float>.Count)
        {
            return DotAndSumsOfSquares128(ref xRef, ref yRef, length);
        }

        return DotAndSumsOfSquaresScalar(ref xRef, ref yRef, length);
    }

    private static (float Dot, float XX, float YY) DotAndSumsOfSquares512(ref float xRef, ref float yRef, nuint length)
    {
        nuint width = (nuint)Vector512<float>.Count;
        Vector512<float> dot0 = Vector512<float>.Zero;
        Vector512<float> dot1 = Vector512<float>.Zero;
        Vector512<float> dot2 = Vector512<float>.Zero;
        Vector512<float> dot3 = Vector512<float>.Zero;
        Vector512<float> xx0 = Vector512<float>.Zero;
        Vector512<float> xx1 = Vector512<float>.Zero;
        Vector512<float> xx2 = Vector512<float>.Zero;
        Vector512<float> xx3 = Vector512<float>.Zero;
        Vector512<float> yy0 = Vector512<float>.Zero;
        Vector512<float> yy1 = Vector512<float>.Zero;
        Vector512<float> yy2 = Vector512<float>.Zero;
        Vector512<float> yy3 = Vector512<float>.Zero;

        nuint i = 0;
        for (; i + (4 * width) <= length; i += 4 * width)
        {
            Vector512<float> x0 = Vector512.LoadUnsafe(ref xRef, i);
            Vector512<float> y0 = Vector512.LoadUnsafe(ref yRef, i);
            Vector512<float> x1 = Vector512.LoadUnsafe(ref xRef, i + width);
            Vector512<float> y1 = Vector512.LoadUnsafe(ref yRef, i + width);
            Vector512<float> x2 = Vector512.LoadUnsafe(ref xRef, i + (2 * width));
            Vector512<float> y2 = Vector512.LoadUnsafe(ref yRef, i + (2 * width));
            Vector512<float> x3 = Vector512.LoadUnsafe(ref xRef, i + (3 * width));
            Vector512<float> y3 = Vector512.LoadUnsafe(ref yRef, i + (3 * width));
            dot0 = Vector512.MultiplyAddEstimate(x0, y0, dot0);
            xx0 = Vector512.MultiplyAddEstimate(x0, x0, xx0);
            yy0 = Vector512.MultiplyAddEstimate(y0, y0, yy0);
            dot1 = Vector512.MultiplyAddEstimate(x1, y1, dot1);
            xx1 = Vector512.MultiplyAddEstimate(x1, x1, xx1);
            yy1 = Vector512.MultiplyAddEstimate(y1, y1, yy1);
            dot2 = Vector512.MultiplyAddEstimate(x2, y2, dot2);
            xx2 = Vector512.MultiplyAddEstimate(x2, x2, xx2);
            yy2 = Vector512.MultiplyAddEstimate(y2, y2, yy2);
            dot3 = Vector512.MultiplyAddEstimate(x3, y3, dot3);
            xx3 = Vector512.MultiplyAddEstimate(x3, x3, xx3);
            yy3 = Vector512.MultiplyAddEstimate(y3, y3, yy3);
        }

        for (; i + width <= length; i += width)
        {
            Vector512<float> x = Vector512.LoadUnsafe(ref xRef, i);
            Vector512<float> y = Vector512.LoadUnsafe(ref yRef, i);
            dot0 = Vector512.MultiplyAddEstimate(x, y, dot0);
            xx0 = Vector512.MultiplyAddEstimate(x, x, xx0);
            yy0 = Vector512.MultiplyAddEstimate(y, y, yy0);
        }

        if (i != length)
        {
            nuint last = length - width;
            Vector512<float> mask = TailMask512(i - last);
            Vector512<float> x = Vector512.LoadUnsafe(ref xRef, last) & mask;
            Vector512<float> y = Vector512.LoadUnsafe(ref yRef, last) & mask;
            dot1 = Vector512.MultiplyAddEstimate(x, y, dot1);
            xx1 = Vector512.MultiplyAddEstimate(x, x, xx1);
            yy1 = Vector512.MultiplyAddEstimate(y, y, yy1);
        }

        return (
            Vector512.Sum((dot0 + dot1) + (dot2 + dot3)),
            Vector512.Sum((xx0 + xx1) + (xx2 + xx3)),
            Vector512.Sum((yy0 + yy1) + (yy2 + yy3)));
    }

    private static (float Dot, float XX, float YY) DotAndSumsOfSquares256(ref float xRef, ref float yRef, nuint length)
    {
        nuint width = (nuint)Vector256<float>.Count;
        Vector256<float> dot0 = Vector256<float>.Zero;
        Vector256<float> dot1 = Vector256<float>.Zero;
        Vector256<float> dot2 = Vector256<float>.Zero;
        Vector256<float> dot3 = Vector256<float>.Zero;
        Vector256<float> xx0 = Vector256<float>.Zero;
        Vector256<float> xx1 = Vector256<float>.Zero;
        Vector256<float> xx2 = Vector256<float>.Zero;
        Vector256<float> xx3 = Vector256<float>.Zero;
        Vector256<float> yy0 = Vector256<float>.Zero;
        Vector256<float> yy1 = Vector256<float>.Zero;
        Vector256<float> yy2 = Vector256<float>.Zero;
        Vector256<float> yy3 = Vector256<float>.Zero;

        nuint i = 0;
        for (; i + (4 * width) <= length; i += 4 * width)
        {
            Vector256<float> x0 = Vector256.LoadUnsafe(ref xRef, i);
            Vector256<float> y0 = Vector256.LoadUnsafe(ref yRef, i);
            Vector256<float> x1 = Vector256.LoadUnsafe(ref xRef, i + width);
            Vector256<float> y1 = Vector256.LoadUnsafe(ref yRef, i + width);
            Vector256<float> x2 = Vector256.LoadUnsafe(ref xRef, i + (2 * width));
            Vector256<float> y2 = Vector256.LoadUnsafe(ref yRef, i + (2 * width));
            Vector256<float> x3 = Vector256.LoadUnsafe(ref xRef, i + (3 * width));
            Vector256<float> y3 = Vector256.LoadUnsafe(ref yRef, i + (3 * width));
            dot0 = Vector256.MultiplyAddEstimate(x0, y0, dot0);
            xx0 = Vector256.MultiplyAddEstimate(x0, x0, xx0);
            yy0 = Vector256.MultiplyAddEstimate(y0, y0, yy0);
            dot1 = Vector256.MultiplyAddEstimate(x1, y1, dot1);
            xx1 = Vector256.MultiplyAddEstimate(x1, x1, xx1);
            yy1 = Vector256.MultiplyAddEstimate(y1, y1, yy1);
            dot2 = Vector256.MultiplyAddEstimate(x2, y2, dot2);
            xx2 = Vector256.MultiplyAddEstimate(x2, x2, xx2);
            yy2 = Vector256.MultiplyAddEstimate(y2, y2, yy2);
            dot3 = Vector256.MultiplyAddEstimate(x3, y3, dot3);
            xx3 = Vector256.MultiplyAddEstimate(x3, x3, xx3);
            yy3 = Vector256.MultiplyAddEstimate(y3, y3, yy3);
        }

        for (; i + width <= length; i += width)
        {
            Vector256<float> x = Vector256.LoadUnsafe(ref xRef, i);
            Vector256<float> y = Vector256.LoadUnsafe(ref yRef, i);
            dot0 = Vector256.MultiplyAddEstimate(x, y, dot0);
            xx0 = Vector256.MultiplyAddEstimate(x, x, xx0);
            yy0 = Vector256.MultiplyAddEstimate(y, y, yy0);
        }

        if (i != length)
        {
            nuint last = length - width;
            Vector256<float> mask = TailMask256(i - last);
            Vector256<float> x = Vector256.LoadUnsafe(ref xRef, last) & mask;
            Vector256<float> y = Vector256.LoadUnsafe(ref yRef, last) & mask;
            dot1 = Vector256.MultiplyAddEstimate(x, y, dot1);
            xx1 = Vector256.MultiplyAddEstimate(x, x, xx1);
            yy1 = Vector256.MultiplyAddEstimate(y, y, yy1);
        }

        return (
            Vector256.Sum((dot0 + dot1) + (dot2 + dot3)),
            Vector256.Sum((xx0 + xx1) + (xx2 + xx3)),
            Vector256.Sum((yy0 + yy1) + (yy2 + yy3)));
    }

    private static (float Dot, float XX, float YY) DotAndSumsOfSquares128(ref float xRef, ref float yRef, nuint length)
    {
        nuint width = (nuint)Vector128<float>.Count;
        Vector128<float> dot0 = Vector128<float>.Zero;
        Vector128<float> dot1 = Vector128<float>.Zero;
        Vector128<float> dot2 = Vector128<float>.Zero;
        Vector128<float> dot3 = Vector128<float>.Zero;
        Vector128<float> xx0 = Vector128<float>.Zero;
        Vector128<float> xx1 = Vector128<float>.Zero;
        Vector128<float> xx2 = Vector128<float>.Zero;
        Vector128<float> xx3 = Vector128<float>.Zero;
        Vector128<float> yy0 = Vector128<float>.Zero;
        Vector128<float> yy1 = Vector128<float>.Zero;
        Vector128<float> yy2 = Vector128<float>.Zero;
        Vector128<float> yy3 = Vector128<float>.Zero;

        nuint i = 0;
        for (; i + (4 * width) <= length; i += 4 * width)
        {
            Vector128<float> x0 = Vector128.LoadUnsafe(ref xRef, i);
            Vector128<float> y0 = Vector128.LoadUnsafe(ref yRef, i);
            Vector128<float> x1 = Vector128.LoadUnsafe(ref xRef, i + width);
            Vector128<float> y1 = Vector128.LoadUnsafe(ref yRef, i + width);
            Vector128<float> x2 = Vector128.LoadUnsafe(ref xRef, i + (2 * width));
            Vector128<float> y2 = Vector128.LoadUnsafe(ref yRef, i + (2 * width));
            Vector128<float> x3 = Vector128.LoadUnsafe(ref xRef, i + (3 * width));
            Vector128<float> y3 = Vector128.LoadUnsafe(ref yRef, i + (3 * width));
            dot0 = Vector128.MultiplyAddEstimate(x0, y0, dot0);
            xx0 = Vector128.MultiplyAddEstimate(x0, x0, xx0);
            yy0 = Vector128.MultiplyAddEstimate(y0, y0, yy0);
            dot1 = Vector128.MultiplyAddEstimate(x1, y1, dot1);
            xx1 = Vector128.MultiplyAddEstimate(x1, x1, xx1);
            yy1 = Vector128.MultiplyAddEstimate(y1, y1, yy1);
            dot2 = Vector128.MultiplyAddEstimate(x2, y2, dot2);
            xx2 = Vector128.MultiplyAddEstimate(x2, x2, xx2);
            yy2 = Vector128.MultiplyAddEstimate(y2, y2, yy2);
            dot3 = Vector128.MultiplyAddEstimate(x3, y3, dot3);
            xx3 = Vector128.MultiplyAddEstimate(x3, x3, xx3);
            yy3 = Vector128.MultiplyAddEstimate(y3, y3, yy3);
        }

        for (; i + width <= length; i += width)
        {
            Vector128<float> x = Vector128.LoadUnsafe(ref xRef, i);
            Vector128<float> y = Vector128.LoadUnsafe(ref yRef, i);
            dot0 = Vector128.MultiplyAddEstimate(x, y, dot0);
            xx0 = Vector128.MultiplyAddEstimate(x, x, xx0);
            yy0 = Vector128.MultiplyAddEstimate(y, y, yy0);
        }

        if (i != length)
        {
            nuint last = length - width;
            Vector128<float> mask = TailMask128(i - last);
            Vector128<float> x = Vector128.LoadUnsafe(ref xRef, last) & mask;
            Vector128<float> y = Vector128.LoadUnsafe(ref yRef, last) & mask;
            dot1 = Vector128.MultiplyAddEstimate(x, y, dot1);
            xx1 = Vector128.MultiplyAddEstimate(x, x, xx1);
            yy1 = Vector128.MultiplyAddEstimate(y, y, yy1);
        }

        return (
            Vector128.Sum((dot0 + dot1) + (dot2 + dot3)),
            Vector128.Sum((xx0 + xx1) + (xx2 + xx3)),
            Vector128.Sum((yy0 + yy1) + (yy2 + yy3)));
    }

    private static (float Dot, float XX, float YY) DotAndSumsOfSquaresScalar(ref float xRef, ref float yRef, nuint length)
    {
        float dot0 = 0f, dot1 = 0f, dot2 = 0f, dot3 = 0f;
        float xx0 = 0f, xx1 = 0f, xx2 = 0f, xx3 = 0f;
        float yy0 = 0f, yy1 = 0f, yy2 = 0f, yy3 = 0f;

        nuint i = 0;
        for (; i + 4 <= length; i += 4)
        {
            float x0 = Unsafe.Add(ref xRef, i), x1 = Unsafe.Add(ref xRef, i + 1), x2 = Unsafe.Add(ref xRef, i + 2), x3 = Unsafe.Add(ref xRef, i + 3);
            float y0 = Unsafe.Add(ref yRef, i), y1 = Unsafe.Add(ref yRef, i + 1), y2 = Unsafe.Add(ref yRef, i + 2), y3 = Unsafe.Add(ref yRef, i + 3);
            dot0 = float.MultiplyAddEstimate(x0, y0, dot0);
            xx0 = float.MultiplyAddEstimate(x0, x0, xx0);
            yy0 = float.MultiplyAddEstimate(y0, y0, yy0);
            dot1 = float.MultiplyAddEstimate(x1, y1, dot1);
            xx1 = float.MultiplyAddEstimate(x1, x1, xx1);
            yy1 = float.MultiplyAddEstimate(y1, y1, yy1);
            dot2 = float.MultiplyAddEstimate(x2, y2, dot2);
            xx2 = float.MultiplyAddEstimate(x2, x2, xx2);
            yy2 = float.MultiplyAddEstimate(y2, y2, yy2);
            dot3 = float.MultiplyAddEstimate(x3, y3, dot3);
            xx3 = float.MultiplyAddEstimate(x3, x3, xx3);
            yy3 = float.MultiplyAddEstimate(y3, y3, yy3);
        }

        for (; i < length; i++)
        {
            float x = Unsafe.Add(ref xRef, i);
            float y = Unsafe.Add(ref yRef, i);
            dot0 = float.MultiplyAddEstimate(x, y, dot0);
            xx0 = float.MultiplyAddEstimate(x, x, xx0);
            yy0 = float.MultiplyAddEstimate(y, y, yy0);
        }

        return ((dot0 + dot1) + (dot2 + dot3), (xx0 + xx1) + (xx2 + xx3), (yy0 + yy1) + (yy2 + yy3));
    }
}
