namespace EmbedClassify.FineTuning;

/// <summary>
/// The three matrix products a linear layer's forward and backward passes need, on row-major float spans.
/// </summary>
/// <remarks>Reference implementation; to be replaced by blocked SIMD kernels behind the same signatures.</remarks>
internal static class Gemm
{
    /// <summary>C[m×n] = (or +=) A[m×k] · B[k×n].</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate)
    {
        if (!accumulate)
        {
            c[..(m * n)].Clear();
        }

        for (int i = 0; i < m; i++)
        {
            Span<float> row = c.Slice(i * n, n);
            for (int p = 0; p < k; p++)
            {
                float scale = a[i * k + p];
                ReadOnlySpan<float> bRow = b.Slice(p * n, n);
                for (int j = 0; j < n; j++)
                {
                    row[j] += scale * bRow[j];
                }
            }
        }
    }

    /// <summary>C[m×n] = (or +=) A[m×k] · B[n×k]ᵀ.</summary>
    public static void MultiplyTransposedB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float sum = 0;
                for (int p = 0; p < k; p++)
                {
                    sum += a[i * k + p] * b[j * k + p];
                }

                c[i * n + j] = accumulate ? c[i * n + j] + sum : sum;
            }
        }
    }

    /// <summary>C[m×n] = (or +=) A[k×m]ᵀ · B[k×n].</summary>
    public static void MultiplyTransposedA(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate)
    {
        if (!accumulate)
        {
            c[..(m * n)].Clear();
        }

        for (int p = 0; p < k; p++)
        {
            ReadOnlySpan<float> bRow = b.Slice(p * n, n);
            for (int i = 0; i < m; i++)
            {
                float scale = a[p * m + i];
                Span<float> row = c.Slice(i * n, n);
                for (int j = 0; j < n; j++)
                {
                    row[j] += scale * bRow[j];
                }
            }
        }
    }
}
