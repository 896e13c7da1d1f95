using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EmbedClassify;

public static partial class VectorMath
{
    /// <summary>
    /// Multiplies every element of a vector by a factor in place.
    /// </summary>
    /// <param name="x">The vector to scale.</param>
    /// <param name="factor">The factor to multiply by.</param>
    /// <remarks>
    /// <para>
    /// A <see cref="float.NaN"/> factor makes every element <see cref="float.NaN"/>; a
    /// <see cref="float.NaN"/> element stays <see cref="float.NaN"/>.
    /// </para>
    /// <para>
    /// This method is thread-safe as long as no other thread accesses <paramref name="x"/> at the same time.
    /// </para>
    /// </remarks>
    public static void Scale(Span<float> x, float factor) => ScaleCore(x, factor);

    // The in-place kernels store whole vectors at aligned addresses, because a store that straddles
    // two cache lines costs about twice as much. The first and last vectors are computed from the
    // original values before the loop and stored after it, so the unaligned ends they cover can
    // overlap the loop's stores without changing any result.
    private static void ScaleCore(Span<float> x, float factor)
    {
        ref float xRef = ref MemoryMarshal.GetReference(x);
        nuint length = (nuint)x.Length;

        if (Vector512.IsHardwareAccelerated && length >= (nuint)Vector512<float>.Count)
        {
            Scale512(ref xRef, length, factor);
            return;
        }

        if (Vector256.IsHardwareAccelerated && length >= (nuint)Vector256<float>.Count)
        {
            Scale256(ref xRef, length, factor);
            return;
        }

        if (Vector128.IsHardwareAccelerated && length >= (nuint)Vector128<float>.Count)
        {
            Scale128(ref xRef, length, factor);
            return;
        }

        ScaleScalar(ref xRef, length, factor);
    }

    private static void Scale512(ref float xRef, nuint length, float factor)
    {
        nuint width = (nuint)Vector512<float>.Count;
        Vector512<float> f = Vector512.Create(factor);
        nuint last = length - width;
        Vector512<float> begin = Vector512.LoadUnsafe(ref xRef) * f;
        Vector512<float> end = Vector512.LoadUnsafe(ref xRef, last) * f;

        nuint i = FirstAlignedIndex(ref xRef, width);
        for (; i + (4 * width) <= length; i += 4 * width)
        {
            (Vector512.LoadUnsafe(ref xRef, i) * f).StoreUnsafe(ref xRef, i);
            (Vector512.LoadUnsafe(ref xRef, i + width) * f).StoreUnsafe(ref xRef, i + width);
            (Vector512.LoadUnsafe(ref xRef, i + (2 * width)) * f).StoreUnsafe(ref xRef, i + (2 * width));
            (Vector512.LoadUnsafe(ref xRef, i + (3 * width)) * f).StoreUnsafe(ref xRef, i + (3 * width));
        }

        for (; i + width <= length; i += width)
        {
            (Vector512.LoadUnsafe(ref xRef, i) * f).StoreUnsafe(ref xRef, i);
        }

        begin.StoreUnsafe(ref xRef);
        end.StoreUnsafe(ref xRef, last);
    }

    private static void Scale256(ref float xRef, nuint length, float factor)
    {
        nuint width = (nuint)Vector256<float>.Count;
        Vector256<float> f = Vector256.Create(factor);
        nuint last = length - width;
        Vector256<float> begin = Vector256.LoadUnsafe(ref xRef) * f;
        Vector256<float> end = Vector256.LoadUnsafe(ref xRef, last) * f;

        nuint i = FirstAlignedIndex(ref xRef, width);
        for (; i + (4 * width) <= length; i += 4 * width)
        {
            (Vector256.LoadUnsafe(ref xRef, i) * f).StoreUnsafe(ref xRef, i);
            (Vector256.LoadUnsafe(ref xRef, i + width) * f).StoreUnsafe(ref xRef, i + width);
            (Vector256.LoadUnsafe(ref xRef, i + (2 * width)) * f).StoreUnsafe(ref xRef, i + (2 * width));
            (Vector256.LoadUnsafe(ref xRef, i + (3 * width)) * f).StoreUnsafe(ref xRef, i + (3 * width));
        }

        for (; i + width <= length; i += width)
        {
            (Vector256.LoadUnsafe(ref xRef, i) * f).StoreUnsafe(ref xRef, i);
        }

        begin.StoreUnsafe(ref xRef);
        end.StoreUnsafe(ref xRef, last);
    }

    private static void Scale128(ref float xRef, nuint length, float factor)
    {
        nuint width = (nuint)Vector128<float>.Count;
        Vector128<float> f = Vector128.Create(factor);
        nuint last = length - width;
        Vector128<float> begin = Vector128.LoadUnsafe(ref xRef) * f;
        Vector128<float> end = Vector128.LoadUnsafe(ref xRef, last) * f;

        nuint i = FirstAlignedIndex(ref xRef, width);
        for (; i + (4 * width) <= length; i += 4 * width)
        {
            (Vector128.LoadUnsafe(ref xRef, i) * f).StoreUnsafe(ref xRef, i);
            (Vector128.LoadUnsafe(ref xRef, i + width) * f).StoreUnsafe(ref xRef, i + width);
            (Vector128.LoadUnsafe(ref xRef, i + (2 * width)) * f).StoreUnsafe(ref xRef, i + (2 * width));
            (Vector128.LoadUnsafe(ref xRef, i + (3 * width)) * f).StoreUnsafe(ref xRef, i + (3 * width));
        }

        for (; i + width <= length; i += width)
        {
            (Vector128.LoadUnsafe(ref xRef, i) * f).StoreUnsafe(ref xRef, i);
        }

        begin.StoreUnsafe(ref xRef);
        end.StoreUnsafe(ref xRef, last);
    }

    private static void ScaleScalar(ref float xRef, nuint length, float factor)
    {
        for (nuint i = 0; i < length; i++)
        {
            Unsafe.Add(ref xRef, i) *= factor;
        }
    }
}
