using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EmbedClassify;

public static partial class VectorMath
{
    /// <summary>
    /// Computes the dot product of two vectors.
    /// </summary>
    /// <param name="x">The first vector.</param>
    /// <param name="y">The second vector, which must have the same length as <paramref name="x"/>.</param>
    /// <returns>
    /// The sum of <c>x[i] * y[i]</c> over all elements, or 0 if both spans are empty.
    /// </returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="y"/> does not have the same length as <paramref name="x"/>.
    /// </exception>
    /// <remarks>
    /// The result is <see cref="float.NaN"/> if either vector contains <see cref="float.NaN"/>,
    /// or if an infinite element is multiplied by zero or infinities of opposite signs are summed.
    /// This method is thread-safe.
    /// </remarks>
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        if (x.Length != y.Length)
        {
            ThrowLengthMismatch(nameof(y));
        }

        return DotCore(x, y);
    }

    // MultiplyAddEstimate is a single fused instruction wherever the hardware has FMA (always with
    // AVX-512 and Arm64) and a multiply then add otherwise; FusedMultiplyAdd would fall back to a
    // slow software emulation on x64 processors without FMA.
    //
    // The row-wise kernels repeat this exact accumulation order (four accumulators, leftover full
    // vectors into the first, masked tail into the second, pairwise reduction) so that they return
    // bit-identical results; keep them in step when changing it.
    private static float DotCore(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        ref float xRef = ref MemoryMarshal.GetReference(x);
        ref float yRef = ref MemoryMarshal.GetReference(y);
        nuint length = (nuint)x.Length;

        if (Vector512.IsHardwareAccelerated && length >= (nuint)Vector512<float>.Count)
        {
            return Dot512(ref xRef, ref yRef, length);
        }

        if (Vector256.IsHardwareAccelerated && length >= (nuint)Vector256<float>.Count)
        {
            return Dot256(ref xRef, ref yRef, length);
        }

        if (Vector128.IsHardwareAccelerated && length >= (nuint)Vector128<float>.Count)
        {
            return Dot128(ref xRef, ref yRef, length);
        }

        return DotScalar(ref xRef, ref yRef, length);
    }

    private static float Dot512(ref float xRef, ref float yRef, nuint length)
    {
        nuint width = (nuint)Vector512<float>.Count;
        Vector512<float> acc0 = Vector512<float>.Zero;
        Vector512<float> acc1 = Vector512<float>.Zero;
        Vector512<float> acc2 = Vector512<float>.Zero;
        Vector512<float> acc3 = Vector512<float>.Zero;

        nuint i = 0;
        for (; i + (4 * width) <= length; i += 4 * width)
        {
            acc0 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref xRef, i), Vector512.LoadUnsafe(ref yRef, i), acc0);
            acc1 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref xRef, i + width), Vector512.LoadUnsafe(ref yRef, i + width), acc1);
            acc2 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref xRef, i + (2 * width)), Vector512.LoadUnsafe(ref yRef, i + (2 * width)), acc2);
            acc3 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref xRef, i + (3 * width)), Vector512.LoadUnsafe(ref yRef, i + (3 * width)), acc3);
        }

        for (; i + width <= length; i += width)
        {
            acc0 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref xRef, i), Vector512.LoadUnsafe(ref yRef, i), acc0);
        }

        if (i != length)
        {
            // Both operands are masked: 0 * y would turn an already-counted infinity into NaN.
            nuint last = length - width;
            Vector512<float> mask = TailMask512(i - last);
            acc1 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref xRef, last) & mask, Vector512.LoadUnsafe(ref yRef, last) & mask, acc1);
        }

        return Vector512.Sum((acc0 + acc1) + (acc2 + acc3));
    }

    private static float Dot256(ref float xRef, ref float yRef, nuint length)
    {
        nuint width = (nuint)Vector256<float>.Count;
        Vector256<float> acc0 = Vector256<float>.Zero;
        Vector256<float> acc1 = Vector256<float>.Zero;
        Vector256<float> acc2 = Vector256<float>.Zero;
        Vector256<float> acc3 = Vector256<float>.Zero;

        nuint i = 0;
        for (; i + (4 * width) <= length; i += 4 * width)
        {
            acc0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref xRef, i), Vector256.LoadUnsafe(ref yRef, i), acc0);
            acc1 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref xRef, i + width), Vector256.LoadUnsafe(ref yRef, i + width), acc1);
            acc2 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref xRef, i + (2 * width)), Vector256.LoadUnsafe(ref yRef, i + (2 * width)), acc2);
            acc3 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref xRef, i + (3 * width)), Vector256.LoadUnsafe(ref yRef, i + (3 * width)), acc3);
        }

        for (; i + width <= length; i += width)
        {
            acc0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref xRef, i), Vector256.LoadUnsafe(ref yRef, i), acc0);
        }

        if (i != length)
        {
            nuint last = length - width;
            Vector256<float> mask = TailMask256(i - last);
            acc1 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref xRef, last) & mask, Vector256.LoadUnsafe(ref yRef, last) & mask, acc1);
        }

        return Vector256.Sum((acc0 + acc1) + (acc2 + acc3));
    }

    private static float Dot128(ref float xRef, ref float yRef, nuint length)
    {
        nuint width = (nuint)Vector128<float>.Count;
        Vector128<float> acc0 = Vector128<float>.Zero;
        Vector128<float> acc1 = Vector128<float>.Zero;
        Vector128<float> acc2 = Vector128<float>.Zero;
        Vector128<float> acc3 = Vector128<float>.Zero;

        nuint i = 0;
        for (; i + (4 * width) <= length; i += 4 * width)
        {
            acc0 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref xRef, i), Vector128.LoadUnsafe(ref yRef, i), acc0);
            acc1 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref xRef, i + width), Vector128.LoadUnsafe(ref yRef, i + width), acc1);
            acc2 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref xRef, i + (2 * width)), Vector128.LoadUnsafe(ref yRef, i + (2 * width)), acc2);
            acc3 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref xRef, i + (3 * width)), Vector128.LoadUnsafe(ref yRef, i + (3 * width)), acc3);
        }

        for (; i + width <= length; i += width)
        {
            acc0 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref xRef, i), Vector128.LoadUnsafe(ref yRef, i), acc0);
        }

        if (i != length)
        {
            nuint last = length - width;
            Vector128<float> mask = TailMask128(i - last);
            acc1 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref xRef, last) & mask, Vector128.LoadUnsafe(ref yRef, last) & mask, acc1);
        }

        return Vector128.Sum((acc0 + acc1) + (acc2 + acc3));
    }

    private static float DotScalar(ref float xRef, ref float yRef, nuint length)
    {
        float acc0 = 0f, acc1 = 0f, acc2 = 0f, acc3 = 0f;

        nuint i = 0;
        for (; i + 4 <= length; i += 4)
        {
            acc0 = float.MultiplyAddEstimate(Unsafe.Add(ref xRef, i), Unsafe.Add(ref yRef, i), acc0);
            acc1 = float.MultiplyAddEstimate(Unsafe.Add(ref xRef, i + 1), Unsafe.Add(ref yRef, i + 1), acc1);
            acc2 = float.MultiplyAddEstimate(Unsafe.Add(ref xRef, i + 2), Unsafe.Add(ref yRef, i + 2), acc2);
            acc3 = float.MultiplyAddEstimate(Unsafe.Add(ref xRef, i + 3), Unsafe.Add(ref yRef, i + 3), acc3);
        }

        for (; i < length; i++)
        {
            acc0 = float.MultiplyAddEstimate(Unsafe.Add(ref xRef, i), Unsafe.Add(ref yRef, i), acc0);
        }

        return (acc0 + acc1) + (acc2 + acc3);
    }
}
