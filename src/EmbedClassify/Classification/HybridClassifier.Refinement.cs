using System.Numerics;

namespace EmbedClassify;

public sealed partial class HybridClassifier
{
    // Expectation-maximization settles within a few rounds; later rounds move no prediction measurably.
    private const int RefinementRounds = 10;

    /// <summary>
    /// Re-estimates the embedding and word centroids from the examples (<paramref name="exampleSums"/>: the embedding
    /// view's class sums, label descriptions included) plus the unlabelled texts, each spread over the classes by the
    /// probabilities the combined views give it; returns the refined embedding and word views.
    /// </summary>
    private static (EmbeddingClassifier Embedding, WordView? Words) Refine(
        Views views,
        float[] exampleSums,
        ReadOnlySpan<ReadOnlyMemory<float>> vectors,
        string[] texts,
        double unlabeledWeight,
        CancellationToken cancellationToken)
    {
        EmbeddingClassifier embedding = views.Embedding;
        int count = texts.Length;
        int classCount = embedding.Labels.Count;
        int dimensions = embedding.Dimensions;

        // Each unlabelled text weighs this much per unit of probability, so that all of them together weigh as much as
        // unlabeledWeight examples per class, however many texts and examples there are; but no more than an example,
        // so that a handful of unlabelled texts cannot outweigh the labels.
        float textWeight = (float)Math.Min(1, unlabeledWeight * classCount / count);

        var compared = new float[count * dimensions];
        for (int i = 0; i < count; i++)
        {
            embedding.Compared(vectors[i].Span, compared.AsSpan(i * dimensions, dimensions));
        }

        TermVector[] terms = views.Words is null ? [] : [.. texts.Select(views.Words.Vectorize)];

        // The compression view is not refined (it compares with examples, not centroids), so its logits are fixed.
        float[]? compressionLogits = null;
        if (views.Compression is not null)
        {
            compressionLogits = new float[count * classCount];
            IReadOnlyList<Prediction> predictions = views.Compression.PredictBatch(texts, cancellationToken);
            for (int i = 0; i < count; i++)
            {
                for (int c = 0; c < classCount; c++)
                {
                    compressionLogits[(i * classCount) + c] = predictions[i].Scores[c].Score * views.CompressionScale;
                }
            }
        }

        float[] centroids = UnitRows((float[])exampleSums.Clone(), dimensions);
        WordView? words = views.Words;
        var logits = new float[count * classCount];
        var weights = new float[count * classCount];
        var wordScores = new float[classCount];
        for (int round = 0; round < RefinementRounds; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            VectorMath.DotMatrix(compared, centroids, dimensions, logits);
            VectorMath.Scale(logits, views.EmbeddingScale);
            for (int i = 0; i < count; i++)
            {
                Span<float> row = logits.AsSpan(i * classCount, classCount);
                if (words is not null)
                {
                    words.Score(terms[i], wordScores);
                    for (int c = 0; c < classCount; c++)
                    {
                        row[c] += wordScores[c] * views.WordScale;
                    }
                }

                if (compressionLogits is not null)
                {
                    VectorMath.Add(compressionLogits.AsSpan(i * classCount, classCount), row);
                }

                Span<float> textWeights = weights.AsSpan(i * classCount, classCount);
                row.CopyTo(textWeights);
                EmbeddingClassifier.Softmax(textWeights, 1);
                VectorMath.Scale(textWeights, textWeight);
            }

            // Refitting from the fixed original views each round (not from the last refined ones) keeps the examples'
            // weight the same in every round.
            float[] sums = (float[])exampleSums.Clone();
            for (int i = 0; i < count; i++)
            {
                ReadOnlySpan<float> text = compared.AsSpan(i * dimensions, dimensions);
                for (int c = 0; c < classCount; c++)
                {
                    AddScaled(text, weights[(i * classCount) + c], sums.AsSpan(c * dimensions, dimensions));
                }
            }

            centroids = UnitRows(sums, dimensions);
            words = views.Words?.WithWeightedTexts(terms, weights);
        }

        return (embedding.WithCentroids(centroids), words);
    }

    private static float[] UnitRows(float[] matrix, int dimensions)
    {
        for (int offset = 0; offset < matrix.Length; offset += dimensions)
        {
            VectorMath.Normalize(matrix.AsSpan(offset, dimensions));
        }

        return matrix;
    }

    private static void AddScaled(ReadOnlySpan<float> source, float factor, Span<float> destination)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var scale = new Vector<float>(factor);
            for (; i <= source.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                (new Vector<float>(source[i..]) * scale + new Vector<float>(destination[i..])).CopyTo(destination[i..]);
            }
        }

        for (; i < source.Length; i++)
        {
            destination[i] += factor * source[i];
        }
    }

    /// <summary>The fitted views and the factors that put their scores on one logit scale.</summary>
    private sealed record Views(
        EmbeddingClassifier Embedding,
        float EmbeddingScale,
        WordView? Words,
        float WordScale,
        CompressionClassifier? Compression,
        float CompressionScale);
}
