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

    private static void ScaleCore(Span<float> x, float factor)
    {
        for (int i = 0; i < x.Length; i++)
        {
            x[i] *= factor;
        }
    }
}
