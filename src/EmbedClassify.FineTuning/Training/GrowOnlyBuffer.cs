namespace EmbedClassify.FineTuning;

/// <summary>
/// A float array that is reallocated only when a longer one is asked for, so that the training cache reaches the
/// size of the largest batch once and is then reused step after step without allocating.
/// </summary>
internal sealed class GrowOnlyBuffer
{
    private float[] array = [];

    /// <summary>Gets the bytes currently held.</summary>
    public long Bytes => (long)array.Length * sizeof(float);

    /// <summary>Returns the first <paramref name="length"/> floats, growing the array first if it is shorter. Contents are not cleared.</summary>
    public Span<float> Get(int length)
    {
        if (array.Length < length)
        {
            array = new float[length];
        }

        return array.AsSpan(0, length);
    }

    /// <summary>Returns the array itself (at least <paramref name="length"/> long), for callers that need an array.</summary>
    public float[] GetArray(int length)
    {
        Get(length);
        return array;
    }
}
