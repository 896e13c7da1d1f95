using System.Diagnostics.CodeAnalysis;

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
/// from a sequential loop, and between processors that support different vector widths.
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
}
