namespace EmbedClassify;

/// <summary>
/// The one check every vector passes before a cache stores or returns it: not empty, the expected length, finite and
/// not all zeros.
/// </summary>
internal static class EmbeddingVectorCheck
{
    /// <summary>
    /// Returns what is wrong with <paramref name="vector"/> as a noun phrase ("a vector containing NaN or infinity"), or
    /// <see langword="null"/> when it is usable.
    /// </summary>
    /// <param name="vector">The vector to check.</param>
    /// <param name="expectedLength">The length it must have, or <see langword="null"/> when unknown.</param>
    internal static string? Problem(ReadOnlySpan<float> vector, int? expectedLength)
    {
        if (vector.IsEmpty)
        {
            return "an empty vector";
        }

        if (expectedLength is { } expected && vector.Length != expected)
        {
            return $"a vector of length {vector.Length} where {expected} dimensions were expected";
        }

        bool nonZero = false;
        foreach (float x in vector)
        {
            if (!float.IsFinite(x))
            {
                return "a vector containing NaN or infinity";
            }

            nonZero |= x != 0;
        }

        return nonZero ? null : "an all-zero vector";
    }
}
