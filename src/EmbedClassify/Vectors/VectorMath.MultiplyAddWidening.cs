using System.Numerics;
using System.Runtime.InteropServices;

namespace EmbedClassify;

public static partial class VectorMath
{
    /// <summary>
    /// Adds each product <paramref name="x"/>[i] × <paramref name="factor"/>, rounded to single precision and widened, to
    /// the double <paramref name="destination"/>[i]: the inner loop of the word view's refinement (texts × terms × classes).
    /// </summary>
    /// <remarks>
    /// TensorPrimitives has no mixed-precision multiply-add; composed from its Multiply, ConvertChecked and Add it makes
    /// three passes and two scratch buffers (ElementwiseBenchmarks, category MultiplyAddWidening, measures the two). The
    /// products are widened lane by lane after the single-precision multiply, as the scalar loop does, so every sum is
    /// the same to the bit on every instruction set. The caller guarantees that <paramref name="destination"/> is at
    /// least as long as <paramref name="x"/>.
    /// </remarks>
    internal static void MultiplyAddWidening(ReadOnlySpan<float> x, float factor, Span<double> destination)
    {
        destination = destination[..x.Length];
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var scale = new Vector<float>(factor);
            ref float source = ref MemoryMarshal.GetReference(x);
            ref double sum = ref MemoryMarshal.GetReference(destination);
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.Widen(Vector.LoadUnsafe(ref source, (nuint)i) * scale, out Vector<double> low, out Vector<double> high);
                (Vector.LoadUnsafe(ref sum, (nuint)i) + low).StoreUnsafe(ref sum, (nuint)i);
                (Vector.LoadUnsafe(ref sum, (nuint)(i + Vector<double>.Count)) + high).StoreUnsafe(ref sum, (nuint)(i + Vector<double>.Count));
            }
        }

        for (; i < x.Length; i++)
        {
            destination[i] += x[i] * factor;
        }
    }
}
