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

        for (int i = 0; i < source.Length; i++)
        {
            destination[i] += source[i];
        }
    }
}
