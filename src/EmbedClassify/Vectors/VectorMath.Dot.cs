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

    private static float DotCore(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        float sum = 0f;
        for (int i = 0; i < x.Length; i++)
        {
            sum = MathF.FusedMultiplyAdd(x[i], y[i], sum);
        }

        return sum;
    }
}
