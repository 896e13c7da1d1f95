using System.Buffers;

namespace EmbedClassify;

public sealed partial class EmbeddingClassifier
{
    private int ScorePrototypes(ReadOnlySpan<float> embedding, float inverseNorm, Span<float> classScores)
    {
        int prototypeCount = _prototypeClasses.Length;
        float[]? rented = null;
        Span<float> similarities = prototypeCount <= StackLimit
            ? stackalloc float[StackLimit]
            : (rented = ArrayPool<float>.Shared.Rent(prototypeCount));
        similarities = similarities[..prototypeCount];
        try
        {
            VectorMath.DotRows(embedding, _prototypes, similarities);

            // -1 is the lowest cosine there is: the score of a class that no k-means cluster ended up carrying.
            classScores.Fill(-1f);
            for (int p = 0; p < prototypeCount; p++)
            {
                float cosine = similarities[p] * inverseNorm;
                int c = _prototypeClasses[p];
                classScores[c] = Math.Max(classScores[c], cosine);
            }

            return SphericalKMeans.ArgMax(classScores);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }

    private int ScoreNeighbors(ReadOnlySpan<float> embedding, float inverseNorm, Span<float> classScores)
    {
        int count = _exampleClasses.Length;
        int k = Math.Min(_options.Neighbors, count);
        int classCount = _labels.Length;
        float[]? rentedSimilarities = null;
        int[]? rentedIndices = null;
        float[]? rentedVotes = null;
        Span<float> similarities = count <= StackLimit
            ? stackalloc float[StackLimit]
            : (rentedSimilarities = ArrayPool<float>.Shared.Rent(count));
        Span<int> nearest = k <= StackLimit
            ? stackalloc int[StackLimit]
            : (rentedIndices = ArrayPool<int>.Shared.Rent(k));
        Span<float> votes = classCount <= StackLimit / 2
            ? stackalloc float[StackLimit]
            : (rentedVotes = ArrayPool<float>.Shared.Rent(2 * classCount));
        similarities = similarities[..count];
        nearest = nearest[..k];
        Span<float> voteCounts = votes[..classCount];
        Span<float> voteSums = votes.Slice(classCount, classCount);
        try
        {
            VectorMath.DotRows(embedding, _examples, similarities);
            classScores.Fill(-1f);
            for (int i = 0; i < count; i++)
            {
                float cosine = similarities[i] * inverseNorm;
                similarities[i] = cosine;
                int c = _exampleClasses[i];
                classScores[c] = Math.Max(classScores[c], cosine);
            }

            int found = VectorMath.TopK(similarities, nearest);
            voteCounts.Clear();
            voteSums.Clear();
            foreach (int i in nearest[..found])
            {
                int c = _exampleClasses[i];
                voteCounts[c]++;
                voteSums[c] += similarities[i];
            }

            int best = 0;
            for (int c = 1; c < classCount; c++)
            {
                if (voteCounts[c] > voteCounts[best] || (voteCounts[c] == voteCounts[best] && voteSums[c] > voteSums[best]))
                {
                    best = c;
                }
            }

            return best;
        }
        finally
        {
            if (rentedSimilarities is not null)
            {
                ArrayPool<float>.Shared.Return(rentedSimilarities);
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
}
