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

    private static (float Dot, float XX, float YY) DotAndSumsOfSquaresCore(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        float dot = 0f, xx = 0f, yy = 0f;
        for (int i = 0; i < x.Length; i++)
        {
            dot = MathF.FusedMultiplyAdd(x[i], y[i], dot);
            xx = MathF.FusedMultiplyAdd(x[i], x[i], xx);
            yy = MathF.FusedMultiplyAdd(y[i], y[i], yy);
        }

        return (dot, xx, yy);
    }
}
