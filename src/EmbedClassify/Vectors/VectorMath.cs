using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EmbedClassify;

/// <summary>
/// Provides allocation-free, SIMD-accelerated vector operations over single-precision embeddings.
/// </summary>
/// <remarks>
/// <para>
/// Every method works on spans supplied by the caller, allocates no memory, and keeps no state,
/// so all members are thread-safe. Concurrent calls that write to the same destination span are
/// the caller's responsibility.
/// </para>
/// <para>
/// Arguments are validated before any element is read or written. Sums are accumulated in single
/// precision in several independent partial sums, so results can differ in the last few bits
/// from a sequential loop, and between processors that support different vector widths. On a
/// given processor the results are deterministic, and the row-wise methods return exactly what
/// the corresponding single-vector method returns for each row.
/// </para>
/// <para>
/// Unless a member says otherwise, a <see cref="float.NaN"/> element in any input makes the
/// corresponding result <see cref="float.NaN"/>.
/// </para>
/// </remarks>
public static partial class VectorMath
{
    [DoesNotReturn]
    private static void ThrowLengthMismatch(string paramName) =>
        throw new ArgumentException("The spans must have the same length.", paramName);

    // The final partial vector is loaded so that it ends at the last element, overlapping lanes
    // the main loop already consumed; these masks keep only the lanes at or above `consumed`.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> TailMask512(nuint consumed) =>
        Vector512.GreaterThanOrEqual(Vector512<int>.Indices, Vector512.Create((int)consumed)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> TailMask256(nuint consumed) =>
        Vector256.GreaterThanOrEqual(Vector256<int>.Indices, Vector256.Create((int)consumed)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> TailMask128(nuint consumed) =>
        Vector128.GreaterThanOrEqual(Vector128<int>.Indices, Vector128.Create((int)consumed)).AsSingle();
}
