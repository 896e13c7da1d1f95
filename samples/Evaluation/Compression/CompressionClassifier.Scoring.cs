using System.Buffers;

namespace EmbedClassify.Samples;

internal sealed partial class CompressionClassifier
{
    /// <summary>
    /// Writes each class's score for <paramref name="text"/> and returns the index of the voted class.
    /// </summary>
    private int Score(string text, Span<float> classScores)
    {
        int count = _exampleClasses.Length;
        int k = Math.Min(_options.Neighbors, count);
        int classCount = _labels.Length;

        byte[] joined = ArrayPool<byte>.Shared.Rent(checked(Utf8.GetMaxByteCount(text.Length) + 1 + _longestExample));
        float[]? rentedDistances = null;
        int[]? rentedIndices = null;
        float[]? rentedVotes = null;
        Span<float> negatedDistances = count <= StackLimit
            ? stackalloc float[StackLimit]
            : (rentedDistances = ArrayPool<float>.Shared.Rent(count));
        Span<int> nearest = k <= StackLimit
            ? stackalloc int[StackLimit]
            : (rentedIndices = ArrayPool<int>.Shared.Rent(k));
        Span<float> votes = classCount <= StackLimit / 2
            ? stackalloc float[StackLimit]
            : (rentedVotes = ArrayPool<float>.Shared.Rent(2 * classCount));
        negatedDistances = negatedDistances[..count];
        nearest = nearest[..k];
        Span<float> voteCounts = votes[..classCount];
        Span<float> voteSums = votes.Slice(classCount, classCount);
        try
        {
            int queryLength = Utf8.GetBytes(text, joined);
            int queryCompressed = CompressedLength(joined.AsSpan(0, queryLength), _options.CompressionLevel);

            // The paper joins the two texts with a space; the query's bytes stay in place and each example is copied after them.
            joined[queryLength] = (byte)' ';
            Span<byte> tail = joined.AsSpan(queryLength + 1);
            classScores.Fill(float.NegativeInfinity);
            for (int i = 0; i < count; i++)
            {
                ReadOnlySpan<byte> example = _exampleBytes.AsSpan(_exampleOffsets[i], _exampleOffsets[i + 1] - _exampleOffsets[i]);
                example.CopyTo(tail);
                int together = CompressedLength(joined.AsSpan(0, queryLength + 1 + example.Length), _options.CompressionLevel);
                float distance = Ncd(queryCompressed, _compressedLengths[i], together);

                // TopK ranks the highest values first, so distances go in negated.
                negatedDistances[i] = -distance;
                int c = _exampleClasses[i];
                classScores[c] = Math.Max(classScores[c], 1 - distance);
            }

            int found = VectorMath.TopK(negatedDistances, nearest);
            voteCounts.Clear();
            voteSums.Clear();
            foreach (int i in nearest[..found])
            {
                int c = _exampleClasses[i];
                voteCounts[c]++;
                voteSums[c] -= negatedDistances[i];
            }

            return Vote(voteCounts, voteSums);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(joined);
            if (rentedDistances is not null)
            {
                ArrayPool<float>.Shared.Return(rentedDistances);
            }

            if (rentedIndices is not null)
            {
                ArrayPool<int>.Shared.Return(rentedIndices);
            }

            if (rentedVotes is not null)
            {
                ArrayPool<float>.Shared.Return(rentedVotes);
            }
        }
    }

    /// <summary>
    /// Picks the class with the most votes, then the smaller summed distance, then the lower index.
    /// </summary>
    internal static int Vote(ReadOnlySpan<float> voteCounts, ReadOnlySpan<float> distanceSums)
    {
        int best = 0;
        for (int c = 1; c < voteCounts.Length; c++)
        {
            if (voteCounts[c] > voteCounts[best] || (voteCounts[c] == voteCounts[best] && distanceSums[c] < distanceSums[best]))
            {
                best = c;
            }
        }

        return best;
    }

    /// <summary>
    /// Computes the normalized compression distance from the compressed lengths of x, y and their concatenation.
    /// </summary>
    internal static float Ncd(int compressedX, int compressedY, int compressedTogether) =>
        (float)(compressedTogether - Math.Min(compressedX, compressedY)) / Math.Max(compressedX, compressedY);
}
