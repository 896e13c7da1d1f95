using System.Numerics.Tensors;

namespace EmbedClassify;

public sealed partial class FewShotClassifier
{
    // Expectation-maximization settles within a few rounds; later rounds move no prediction measurably.
    private const int RefinementRounds = 10;

    /// <summary>
    /// Re-estimates every embedding view's centroids and the word centroids from the examples (<paramref name="exampleSums"/>:
    /// each embedding view's class sums, label descriptions included) plus the unlabelled texts, each spread over the
    /// classes by the probabilities the combined views give it; returns the refined embedding and word views.
    /// </summary>
    private static (EmbeddingClassifier[] Embeddings, WordView? Words) Refine(
        EmbeddingClassifier[] embeddings,
        float[] embeddingScales,
        int[] offsets,
        WordView? baseWords,
        float wordScale,
        float[][] exampleSums,
        ReadOnlyMemory<float>[] vectors,
        TermVector[] terms,
        double unlabeledWeight,
        CancellationToken cancellationToken)
    {
        int count = vectors.Length;
        int classCount = embeddings[0].Labels.Count;

        // Each unlabelled text weighs this much per unit of probability, so that all of them together weigh as much as
        // unlabeledWeight examples per class, however many texts and examples there are; but no more than an example,
        // so that a handful of unlabelled texts cannot outweigh the labels.
        float textWeight = (float)Math.Min(1, unlabeledWeight * classCount / count);

        var compared = new float[embeddings.Length][];
        var transposed = new float[embeddings.Length][];
        var centroids = new float[embeddings.Length][];
        for (int v = 0; v < embeddings.Length; v++)
        {
            int dimensions = embeddings[v].Dimensions;
            compared[v] = new float[count * dimensions];
            for (int i = 0; i < count; i++)
            {
                embeddings[v].Compared(ViewPart(vectors[i], offsets, v).Span, compared[v].AsSpan(i * dimensions, dimensions));
            }

            // Column-major copies for the M step's matrix product: one row per dimension, one per class.
            transposed[v] = new float[dimensions * count];
            for (int i = 0; i < count; i++)
            {
                for (int k = 0; k < dimensions; k++)
                {
                    transposed[v][(k * count) + i] = compared[v][(i * dimensions) + k];
                }
            }

            centroids[v] = UnitRows((float[])exampleSums[v].Clone(), dimensions);
        }

        var weightsByClass = new float[classCount * count];
        WordView? words = baseWords;
        var logits = new float[count * classCount];
        var viewLogits = embeddings.Length > 1 ? new float[count * classCount] : logits;
        var weights = new float[count * classCount];
        for (int round = 0; round < RefinementRounds; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            DotMatrixAcrossCores(compared[0], centroids[0], embeddings[0].Dimensions, logits);
            TensorPrimitives.Multiply(logits, embeddingScales[0], logits);
            for (int v = 1; v < embeddings.Length; v++)
            {
                DotMatrixAcrossCores(compared[v], centroids[v], embeddings[v].Dimensions, viewLogits);
                TensorPrimitives.MultiplyAdd(viewLogits, embeddingScales[v], logits, logits);
            }

            // Each text's class probabilities depend on that text alone, so the texts are split across cores; the
            // result is the same to the bit however they are split.
            WordView? roundWords = words;
            Parallel.For(
                0,
                count,
                () => new float[classCount],
                (i, _, scratch) =>
                {
                    Span<float> row = logits.AsSpan(i * classCount, classCount);
                    if (roundWords is not null && i < terms.Length)
                    {
                        roundWords.Score(terms[i], scratch);
                        TensorPrimitives.MultiplyAdd(scratch, wordScale, row, row);
                    }

                    Span<float> textWeights = weights.AsSpan(i * classCount, classCount);
                    row.CopyTo(textWeights);
                    EmbeddingClassifier.Softmax(textWeights, 1);
                    TensorPrimitives.Multiply(textWeights, textWeight, textWeights);
                    return scratch;
                },
                _ => { });

            // Refitting from the fixed original views each round (not from the last refined ones) keeps the examples'
            // weight the same in every round. The weighted texts' class sums are one matrix product, Wᵀ X, computed
            // as (class × text) by (dimension × text) rows: a text-by-class loop of scaled adds took seven times longer.
            for (int i = 0; i < count; i++)
            {
                for (int c = 0; c < classCount; c++)
                {
                    weightsByClass[(c * count) + i] = weights[(i * classCount) + c];
                }
            }

            for (int v = 0; v < embeddings.Length; v++)
            {
                var sums = new float[exampleSums[v].Length];
                DotMatrixAcrossCores(weightsByClass, transposed[v], count, sums);
                TensorPrimitives.Add(sums, exampleSums[v], sums);
                centroids[v] = UnitRows(sums, embeddings[v].Dimensions);
            }

            words = baseWords is null || terms.Length == 0 ? baseWords : baseWords.WithWeightedTexts(terms, weights);
        }

        return ([.. embeddings.Select((e, v) => e.WithCentroids(centroids[v]))], words);
    }

    /// <summary>
    /// <see cref="VectorMath.DotMatrix"/> with the queries split across cores in blocks of a multiple of four queries,
    /// the kernel's own block, so every product is summed exactly as one call would sum it.
    /// </summary>
    private static void DotMatrixAcrossCores(float[] queries, float[] matrix, int dimension, float[] destination)
    {
        int queryCount = queries.Length / dimension;
        int rowCount = matrix.Length / dimension;
        int blocks = Math.Min(Environment.ProcessorCount, Math.Max(1, queryCount / 64));
        int perBlock = ((queryCount / blocks) + 3) & ~3;
        Parallel.For(0, blocks, b =>
        {
            int first = Math.Min(b * perBlock, queryCount);
            int last = b == blocks - 1 ? queryCount : Math.Min(first + perBlock, queryCount);
            if (last > first)
            {
                VectorMath.DotMatrix(
                    queries.AsSpan(first * dimension, (last - first) * dimension),
                    matrix,
                    dimension,
                    destination.AsSpan(first * rowCount, (last - first) * rowCount));
            }
        });
    }

    private static float[] UnitRows(float[] matrix, int dimensions)
    {
        for (int offset = 0; offset < matrix.Length; offset += dimensions)
        {
            VectorMath.Normalize(matrix.AsSpan(offset, dimensions));
        }

        return matrix;
    }
}
