using Microsoft.Extensions.AI;

namespace EmbedClassify;

/// <summary>
/// Represents a classifier that combines two independent views of a text: its embedding (an
/// <see cref="EmbeddingClassifier"/>) and its compression distance to the examples (a <see cref="CompressionClassifier"/>).
/// The two make different mistakes — the compression view sees surface features such as markup, links and shouting
/// that an embedding smooths away — so their sum is right more often than either.
/// </summary>
/// <remarks>
/// <para>
/// Each view's class scores are on its own scale (a cosine; one minus a distance), so each is divided by the spread of
/// its class-score margins over the examples, scored leave-one-out, before the two are added with
/// <see cref="HybridClassifierOptions.CompressionWeight"/>. A class score is that sum: higher is more, but it is neither
/// a cosine nor a probability. Ties go to the class seen first.
/// </para>
/// <para>
/// Instances are immutable and thread-safe as long as the generator is. Compression makes prediction cost grow with
/// the number of examples (each text is compressed against each example), so this suits a few examples per class.
/// </para>
/// </remarks>
public sealed class HybridClassifier
{
    // Leave-one-out over more examples than this adds cost without changing a spread estimate much.
    private const int MaxScaleExamples = 200;

    private readonly EmbeddingClassifier _embedding;
    private readonly CompressionClassifier _compression;
    private readonly float _embeddingScale;
    private readonly float _compressionScale;

    private HybridClassifier(
        IEmbeddingGenerator<string, Embedding<float>> generator,
        EmbeddingClassifier embedding,
        CompressionClassifier compression,
        float embeddingScale,
        float compressionScale)
    {
        Generator = generator;
        _embedding = embedding;
        _compression = compression;
        _embeddingScale = embeddingScale;
        _compressionScale = compressionScale;
    }

    /// <summary>Gets the generator that embeds texts.</summary>
    public IEmbeddingGenerator<string, Embedding<float>> Generator { get; }

    /// <summary>Gets the class labels, in the order in which they first appeared among the examples.</summary>
    public IReadOnlyList<string> Labels => _embedding.Labels;

    /// <summary>
    /// Embeds the examples and fits both views.
    /// </summary>
    /// <param name="generator">The embedding generator.</param>
    /// <param name="examples">The labelled texts: at least two classes.</param>
    /// <param name="options">The settings, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The fitted classifier.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> or <paramref name="examples"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The examples are invalid as for <see cref="FewShotClassifier"/>; checked before anything is embedded.</exception>
    /// <exception cref="InvalidOperationException">The generator returned unusable vectors.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public static async Task<HybridClassifier> CreateAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator,
        IEnumerable<LabeledExample> examples,
        HybridClassifierOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(examples);
        options = options?.Clone() ?? new HybridClassifierOptions();
        if (options.EmbeddingOptions.NoneLabel is not null || options.EmbeddingOptions.Strategy == ClassificationStrategy.KMeans)
        {
            // Both views must score the same classes, and this classifier has no unlabelled texts to give k-means.
            throw new ArgumentException("The embedding view of a hybrid classifier takes neither a none label nor the k-means strategy.", nameof(options));
        }

        LabeledExample[] items = [.. examples];

        // The compression view validates texts and labels the same way, before anything is paid for.
        CompressionClassifier compression = CompressionClassifier.Fit(items);
        ReadOnlyMemory<float>[] vectors = await TextBatch.EmbedAsync(generator, [.. items.Select(e => e.Text)], null, cancellationToken).ConfigureAwait(false);
        EmbeddingClassifier embedding = EmbeddingClassifier.Fit(items.Select((e, i) => new LabeledEmbedding(e.Label, vectors[i])), options.EmbeddingOptions);

        float embeddingSpread = MarginSpread(embedding.LeaveOneOutScores().Scores);
        float compressionSpread = MarginSpread(CompressionLeaveOneOut(items, embedding.Labels, compression.Options.CompressionLevel));
        return new HybridClassifier(
            generator,
            embedding,
            compression,
            1 / embeddingSpread,
            (float)options.CompressionWeight / compressionSpread);
    }

    /// <summary>
    /// Classifies one text.
    /// </summary>
    /// <param name="text">The text to classify.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The predicted label and every class's combined score.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="text"/> is empty or white space.</exception>
    /// <exception cref="InvalidOperationException">The generator returned an unusable vector.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async Task<Prediction> PredictAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        return (await PredictBatchAsync([text], cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>
    /// Classifies many texts with one call to the generator.
    /// </summary>
    /// <param name="texts">The texts to classify.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>One prediction per text, in input order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A text is null, empty or white space; the message gives its index.</exception>
    /// <exception cref="InvalidOperationException">The generator returned unusable vectors.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async Task<IReadOnlyList<Prediction>> PredictBatchAsync(IEnumerable<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        string[] list = [.. texts];
        TextBatch.Validate(list, nameof(texts));
        ReadOnlyMemory<float>[] vectors = await TextBatch.EmbedAsync(Generator, list, _embedding.Dimensions, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<Prediction> compressed = _compression.PredictBatch(list, cancellationToken);
        var predictions = new Prediction[list.Length];
        int classCount = Labels.Count;
        var embedded = new float[classCount];
        for (int i = 0; i < list.Length; i++)
        {
            _embedding.Score(vectors[i].Span, embedded);
            var scores = new ClassScore[classCount];
            int best = 0;
            for (int c = 0; c < classCount; c++)
            {
                // Both classifiers order classes by first appearance in the same examples, so index c is one class in both.
                float score = (embedded[c] * _embeddingScale) + (compressed[i].Scores[c].Score * _compressionScale);
                scores[c] = new ClassScore(Labels[c], score);
                if (score > scores[best].Score)
                {
                    best = c;
                }
            }

            predictions[i] = new Prediction(Labels[best], scores[best].Score, scores);
        }

        return predictions;
    }

    /// <summary>Scores each (sampled) example against the other examples' compression distances, per class.</summary>
    private static float[][] CompressionLeaveOneOut(LabeledExample[] items, IReadOnlyList<string> labels, System.IO.Compression.CompressionLevel level)
    {
        int[] candidates = [.. Enumerable.Range(0, items.Length).Where(i => items.Count(e => e.Label == items[i].Label) > 1).Take(MaxScaleExamples)];
        var scores = new float[candidates.Length][];
        Parallel.For(0, candidates.Length, n =>
        {
            int held = candidates[n];
            var best = new float[labels.Count];
            Array.Fill(best, float.NegativeInfinity);
            for (int j = 0; j < items.Length; j++)
            {
                if (j == held)
                {
                    continue;
                }

                int c = IndexOf(labels, items[j].Label);
                best[c] = Math.Max(best[c], 1 - CompressionClassifier.Distance(items[held].Text, items[j].Text, level));
            }

            scores[n] = best;
        });
        return scores;
    }

    private static int IndexOf(IReadOnlyList<string> labels, string label)
    {
        for (int i = 0; i < labels.Count; i++)
        {
            if (labels[i] == label)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The standard deviation of (score − the row's mean score) over all rows and classes; 1 when there is none.</summary>
    private static float MarginSpread(float[][] rows)
    {
        double sum = 0, sumOfSquares = 0;
        long count = 0;
        foreach (float[] row in rows)
        {
            double mean = row.Average();
            foreach (float s in row)
            {
                double margin = s - mean;
                sum += margin;
                sumOfSquares += margin * margin;
                count++;
            }
        }

        if (count < 2)
        {
            return 1;
        }

        double variance = (sumOfSquares - (sum * sum / count)) / (count - 1);
        return variance > 0 ? (float)Math.Sqrt(variance) : 1;
    }
}
