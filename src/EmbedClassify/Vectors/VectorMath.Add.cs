using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EmbedClassify;

public static partial class VectorMath
{
    /// <summary>
    /// Adds a vector to another vector in place.
    /// </summary>
    /// <param name="source">The vector to add.</param>
    /// <param name="destination">
    /// The vector to add to; on return, <c>destination[i]</c> is <c>destination[i] + source[i]</c>.
    /// </param>
    /// <exception cref="ArgumentException">
    /// <paramref name="destination"/> does not have the same length as <paramref name="source"/>, or
    /// the spans overlap without starting at the same element.
    /// </exception>
    /// <remarks>
    /// <para>
    /// <paramref name="source"/> and <paramref name="destination"/> may be the same span, which
    /// doubles every element. A <see cref="float.NaN"/> in either input makes that element of
    /// <paramref name="destination"/> <see cref="float.NaN"/>.
    /// </para>
    /// <para>
    /// This method is thread-safe as long as no other thread accesses <paramref name="destination"/>
    /// at the same time.
    /// </para>
    /// </remarks>
    public static void Add(ReadOnlySpan<float> source, Span<float> destination)
    {
        if (source.Length != destination.Length)
        {
            ThrowLengthMismatch(nameof(destination));
        }

        if (source.Overlaps(destination, out int elementOffset) && elementOffset != 0)
        {
            throw new ArgumentException("The spans must not partially overlap.", nameof(destination));
        }

        // Aligned like Scale; the first and last vectors are summed before the loop and stored after it.
        ref float sRef = ref MemoryMarshal.GetReference(source);
        ref float dRef = ref MemoryMarshal.GetReference(destination);
        nuint length = (nuint)source.Length;

        if (Vector512.IsHardwareAccelerated && length >= (nuint)Vector512<float>.Count)
        {
            Add512(ref dRef, ref sRef, length);
            return;
        }

        if (Vector256.IsHardwareAccelerated && length >= (nuint)Vector256<float>.Count)
        {
            Add256(ref dRef, ref sRef, length);
            return;
        }

        if (Vector128.IsHardwareAccelerated && length >= (nuint)Vector128<float>.Count)
        {
            Add128(ref dRef, ref sRef, length);
            return;
        }

        AddScalar(ref dRef, ref sRef, length);
    }

    private static void Add512(ref float dRef, ref float sRef, nuint length)
    {
        nuint width = (nuint)Vector512<float>.Count;
        nuint last = length - width;
        Vector512<float> begin = Vector512.LoadUnsafe(ref dRef) + Vector512.LoadUnsafe(ref sRef);
        Vector512<float> end = Vector512.LoadUnsafe(ref dRef, last) + Vector512.LoadUnsafe(ref sRef, last);

        nuint i = FirstAlignedIndex(ref dRef, width);
        for (; i + (4 * width) <= length; i += 4 * width)
        {
            (Vector512.LoadUnsafe(ref dRef, i) + Vector512.LoadUnsafe(ref sRef, i)).StoreUnsafe(ref dRef, i);
            (Vector512.LoadUnsafe(ref dRef, i + width) + Vector512.LoadUnsafe(ref sRef, i + width)).StoreUnsafe(ref dRef, i + width);
            (Vector512.LoadUnsafe(ref dRef, i + (2 * width)) + Vector512.LoadUnsafe(ref sRef, i + (2 * width))).StoreUnsafe(ref dRef, i + (2 * width));
            (Vector512.LoadUnsafe(ref dRef, i + (3 * width)) + Vector512.LoadUnsafe(ref sRef, i + (3 * width))).StoreUnsafe(ref dRef, i + (3 * width));
        }

        for (; i + width <= length; i += width)
        {
            (Vector512.LoadUnsafe(ref dRef, i) + Vector512.LoadUnsafe(ref sRef, i)).StoreUnsafe(ref dRef, i);
        }

        begin.StoreUnsafe(ref dRef);
        end.StoreUnsafe(ref dRef, last);
    }

    private static void Add256(ref float dRef, ref float sRef, nuint length)
    {
        nuint width = (nuint)Vector256<float>.Count;
        nuint last = length - width;
        Vector256<float> begin = Vector256.LoadUnsafe(ref dRef) + Vector256.LoadUnsafe(ref sRef);
        Vector256<float> end = Vector256.LoadUnsafe(ref dRef, last) + Vector256.LoadUnsafe(ref sRef, last);

        nuint i = FirstAlignedIndex(ref dRef, width);
        for (; i + (4 * width) <= length; i += 4 * width)
        {
            (Vector256.LoadUnsafe(ref dRef, i) + Vector256.LoadUnsafe(ref sRef, i)).StoreUnsafe(ref dRef, i);
            (Vector256.LoadUnsafe(ref dRef, i + width) + Vector256.LoadUnsafe(ref sRef, i + width)).StoreUnsafe(ref dRef, i + width);
            (Vector256.LoadUnsafe(ref dRef, i + (2 * width)) + Vector256.LoadUnsafe(ref sRef, i + (2 * width))).StoreUnsafe(ref dRef, i + (2 * width));
            (Vector256.LoadUnsafe(ref dRef, i + (3 * width)) + Vector256.LoadUnsafe(ref sRef, i + (3 * width))).StoreUnsafe(ref dRef, i + (3 * width));
        }

        for (; i + width <= length; i += width)
        {
            (Vector256.LoadUnsafe(ref dRef, i) + Vector256.LoadUnsafe(ref sRef, i)).StoreUnsafe(ref dRef, i);
        }

        begin.StoreUnsafe(ref dRef);
        end.StoreUnsafe(ref dRef, last);
    }

    private static void Add128(ref float dRef, ref float sRef, nuint length)
    {
        nuint width = (nuint)Vector128<float>.Count;
        nuint last = length - width;
        Vector128<float> begin = Vector128.LoadUnsafe(ref dRef) + Vector128.LoadUnsafe(ref sRef);
        Vector128<float> end = Vector128.LoadUnsafe(ref dRef, last) + Vector128.LoadUnsafe(ref sRef, last);

        nuint i = FirstAlignedIndex(ref dRef, width);
        for (; i + (4 * width) <= length; i += 4 * width)
        {
            (Vector128.LoadUnsafe(ref dRef, i) + Vector128.LoadUnsafe(ref sRef, i)).StoreUnsafe(ref dRef, i);
            (Vector128.LoadUnsafe(ref dRef, i + width) + Vector128.LoadUnsafe(ref sRef, i + width)).StoreUnsafe(ref dRef, i + width);
            (Vector128.LoadUnsafe(ref dRef, i + (2 * width)) + Vector128.LoadUnsafe(ref sRef, i + (2 * width))).StoreUnsafe(ref dRef, i + (2 * width));
            (Vector128.LoadUnsafe(ref dRef, i + (3 * width)) + Vector128.LoadUnsafe(ref sRef, i + (3 * width))).StoreUnsafe(ref dRef, i + (3 * width));
        }

        for (; i + width <= length; i += width)
        {
            (Vector128.LoadUnsafe(ref dRef, i) + Vector128.LoadUnsafe(ref sRef, i)).StoreUnsafe(ref dRef, i);
        }

        begin.StoreUnsafe(ref dRef);
        end.StoreUnsafe(ref dRef, last);
    }

    private static void AddScalar(ref float dRef, ref float sRef, nuint length)
    {
        for (nuint i = 0; i < length; i++)
        {
            Unsafe.Add(ref dRef, i) += Unsafe.Add(ref sRef, i);
        }
    }
}
