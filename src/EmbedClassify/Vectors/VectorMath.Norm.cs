using System.Numerics.Tensors;

namespace EmbedClassify;

public static partial class VectorMath
{
    /// <summary>
    /// Computes the Euclidean (L2) norm of a vector.
    /// </summary>
    /// <param name="x">The vector.</param>
    /// <returns>
    /// The square root of the sum of the squares of the elements, or 0 if <paramref name="x"/> is empty.
    /// </returns>
    /// <remarks>
    /// The result is <see cref="float.NaN"/> if <paramref name="x"/> contains <see cref="float.NaN"/>.
    /// The squares are summed in single precision without rescaling, so the result is
    /// <see cref="float.PositiveInfinity"/> when the norm exceeds about 1.8E+19, and 0 when every
    /// element is smaller in magnitude than about 1E-23. This method is thread-safe.
    /// </remarks>
    public static float Norm(ReadOnlySpan<float> x) => MathF.Sqrt(SumOfSquaresCore(x));

    /// <summary>
    /// Scales a vector in place to unit Euclidean length.
    /// </summary>
    /// <param name="x">The vector to normalize.</param>
    /// <returns>The Euclidean norm of <paramref name="x"/> before it was scaled.</returns>
    /// <remarks>
    /// <para>
    /// A vector whose norm is 0, including an empty vector, is left unchanged and 0 is returned,
    /// so a zero vector never produces <see cref="float.NaN"/>.
    /// </para>
    /// <para>
    /// If <paramref name="x"/> contains <see cref="float.NaN"/>, the returned norm is
    /// <see cref="float.NaN"/> and every element becomes <see cref="float.NaN"/>. If the norm is
    /// infinite (see <see cref="Norm(ReadOnlySpan{float})"/>), finite elements become 0 and
    /// infinite elements become <see cref="float.NaN"/>.
    /// </para>
    /// <para>
    /// This method is thread-safe as long as no other thread accesses <paramref name="x"/> at the same time.
    /// </para>
    /// </remarks>
    public static float Normalize(Span<float> x)
    {
        float norm = MathF.Sqrt(SumOfSquaresCore(x));

        // A subnormal sum of squares still gives a norm above 1E-23, so the reciprocal is finite
        // and one multiply per element replaces a much slower divide.
        if (norm != 0f)
        {
            TensorPrimitives.Multiply(x, 1f / norm, x);
        }

        return norm;
    }

    private static float SumOfSquaresCore(ReadOnlySpan<float> x) => DotCore(x, x);
}
