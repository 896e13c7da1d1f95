namespace EmbedClassify.FineTuning;

/// <summary>
/// The three matrix products a linear layer's forward and backward passes need, on row-major float spans.
/// </summary>
/// <remarks>
/// <para>
/// All three run one blocked kernel (Gemm.Blocked.cs): the operands are repacked into panels whatever their layout,
/// so a transposed operand costs one O(rows × columns) copy against the product's O(m·k·n) work. Large products are
/// split by row blocks over the processors; small ones run on the calling thread.
/// </para>
/// <para>
/// Sums are taken in a different order than a naive loop (blocks of k, fused multiply-add), so results differ from
/// it by float rounding only. With <c>accumulate</c> false the destination's previous contents are ignored, even NaN.
/// The methods are thread-safe as long as no other thread writes to <c>c</c> or to the inputs meanwhile.
/// </para>
/// </remarks>
internal static partial class Gemm
{
    /// <summary>C[m×n] = (or +=) A[m×k] · B[k×n].</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="m"/>, <paramref name="k"/> or <paramref name="n"/> is negative.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its matrix, or <paramref name="c"/> overlaps an input.</exception>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate)
    {
        Validate(a, b, c, m, k, n);
        Run(a, b, c, m, k, n, accumulate, transposeA: false, transposeB: false);
    }

    /// <summary>C[m×n] = (or +=) A[m×k] · B[n×k]ᵀ.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="m"/>, <paramref name="k"/> or <paramref name="n"/> is negative.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its matrix, or <paramref name="c"/> overlaps an input.</exception>
    public static void MultiplyTransposedB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate)
    {
        Validate(a, b, c, m, k, n);
        Run(a, b, c, m, k, n, accumulate, transposeA: false, transposeB: true);
    }

    /// <summary>C[m×n] = (or +=) A[k×m]ᵀ · B[k×n].</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="m"/>, <paramref name="k"/> or <paramref name="n"/> is negative.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its matrix, or <paramref name="c"/> overlaps an input.</exception>
    public static void MultiplyTransposedA(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate)
    {
        Validate(a, b, c, m, k, n);
        Run(a, b, c, m, k, n, accumulate, transposeA: true, transposeB: false);
    }

    private static void Validate(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        CheckLength(a.Length, (long)m * k, nameof(a));
        CheckLength(b.Length, (long)k * n, nameof(b));
        CheckLength(c.Length, (long)m * n, nameof(c));

        // The kernel reads inputs after it has started writing c: an overlap would feed partial results back in.
        ReadOnlySpan<float> output = c[..(m * n)];
        if (output.Overlaps(a[..(m * k)]) || output.Overlaps(b[..(k * n)]))
        {
            throw new ArgumentException("The destination must not overlap either input.", nameof(c));
        }
    }

    private static void CheckLength(int length, long required, string parameterName)
    {
        if (length < required)
        {
            throw new ArgumentException($"The span holds {length} elements; the matrix needs {required}.", parameterName);
        }
    }
}
