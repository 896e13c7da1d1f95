using EmbedClassify;
using EmbedClassify.Samples;

/// <summary>
/// The ensemble this sample measures: the embedding view (nearest centroid on centered embeddings) and the compression
/// view (gzip kNN-1) each turn into per-class scores, each view's scores are divided by the spread of its class-score
/// margins over the batch, and the sums decide. Optionally the class centroids are then re-estimated from the batch's
/// texts as the ensemble labels them (labelled examples stay with their class), a few rounds.
/// Measured here rather than shipped: it needs the whole batch at once (to scale the views) and the example texts.
/// </summary>
internal static class Ensemble
{
    public static Func<ReadOnlyMemory<float>, string> Fit(
        IReadOnlyList<LabeledEmbedding> train,
        IReadOnlyList<ReadOnlyMemory<float>> batch,
        Dictionary<ReadOnlyMemory<float>, string> textOf,
        double embeddingWeight,
        bool transductive)
    {
        string[] labels = [.. train.Select(t => t.Label).Distinct(StringComparer.Ordinal)];
        int classes = labels.Length;
        CompressionClassifier gzip = CompressionClassifier.Fit(train.Select(t => new LabeledExample(textOf[t.Vector], t.Label)));
        IReadOnlyList<Prediction> gzipPredictions = gzip.PredictBatch([.. batch.Select(v => textOf[v])]);
        double[][] g = [.. gzipPredictions.Select(p => labels.Select(l => (double)p.Scores.Single(s => s.Label == l).Score).ToArray())];

        var options = new FewShotClassifierOptions { CenterEmbeddings = true };
        var assignment = new int[batch.Count];
        IEnumerable<LabeledEmbedding> examples = train;
        for (int round = 0; round <= (transductive ? 10 : 0); round++)
        {
            // Refitting with the batch's current labels moves each centroid toward the texts the ensemble gives it.
            EmbeddingClassifier model = EmbeddingClassifier.Fit(examples, options);
            double[][] e = [.. batch.Select(v => { var p = model.Predict(v.Span); return labels.Select(l => (double)p.Scores.Single(s => s.Label == l).Score).ToArray(); })];
            double se = MarginSpread(e), sg = MarginSpread(g);
            for (int i = 0; i < batch.Count; i++)
            {
                int best = 0;
                double bestScore = double.NegativeInfinity;
                for (int c = 0; c < classes; c++)
                {
                    double score = (embeddingWeight * e[i][c] / se) + (g[i][c] / sg);
                    if (score > bestScore)
                    {
                        best = c;
                        bestScore = score;
                    }
                }

                assignment[i] = best;
            }

            examples = [.. train, .. batch.Select((v, i) => new LabeledEmbedding(labels[assignment[i]], v))];
        }

        var result = new Dictionary<ReadOnlyMemory<float>, string>();
        for (int i = 0; i < batch.Count; i++)
        {
            result[batch[i]] = labels[assignment[i]];
        }

        return v => result[v];
    }

    /// <summary>The standard deviation of (score − mean score of the row) over all rows and classes; 1 when there is no spread.</summary>
    private static double MarginSpread(double[][] scores)
    {
        double[] margins = [.. scores.SelectMany(row => row.Select(s => s - row.Average()))];
        double sd = MathNet.Numerics.Statistics.Statistics.StandardDeviation(margins);
        return sd > 0 ? sd : 1;
    }
}
