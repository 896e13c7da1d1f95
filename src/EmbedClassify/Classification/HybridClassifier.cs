using Microsoft.Extensions.AI;

namespace EmbedClassify;

/// <summary>
/// Represents a classifier that combines independent views of a text: its embedding (an
/// <see cref="EmbeddingClassifier"/>), its words (TF-IDF weighted unigrams and bigrams, nearest centroid) and, when
/// asked for, its compression distance to the examples (a <see cref="CompressionClassifier"/>). The views make
/// different mistakes — the word view sees exact terms such as product names or "unsubscribe" that an embedding smooths
/// away — so their sum is right more often than either.
/// </summary>
/// <remarks>
/// <para>
/// Each view's class scores are on its own scale (two cosines of different spaces; one minus a distance), so each is
/// divided by its own softmax temperature, fitted by leave-one-out on the examples, before they are added with
/// <see cref="HybridClassifierOptions.WordWeight"/> and <see cref="HybridClassifierOptions.CompressionWeight"/>. A view
/// that cannot tell the examples apart (words, when each text is a single word or a short name) gets a high temperature
/// and so little say. A class score is that sum of logits: higher is more, but it is neither a cosine nor a
/// probability. Ties go to the class seen first.
/// </para>
/// <para>
/// Instances are immutable and thread-safe as long as the generator is. The compression view makes prediction cost grow
/// with the number of examples (each text is compressed against each example), so it is off by default.
/// </para>
/// </remarks>
public sealed class HybridClassifier
{
    // Leave-one-out over more examples than this adds cost without changing a temperature estimate much.
    private const int MaxScaleExamples = 200;

    private readonly EmbeddingClassifier _embedding;
    private readonly WordView? _words;
    private readonly CompressionClassifier? _compression;
    private readonly float _embeddingScale;
    private readonly float _wordScale;
    private readonly float _compressionScale;

    private HybridClassifier(
        IEmbeddingGenerator<string, Embedding<float>> generator,
        EmbeddingClassifier embedding,
        (WordView? View, float Scale) words,
        (CompressionClassifier? View, float Scale) compression)
    {
        Generator = generator;
        _embedding = embedding;
        _embeddingScale = 1 / embedding.Temperature;
        (_words, _wordScale) = words;
        (_compression, _compressionScale) = compression;
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

        // The compression view validates texts and labels the same way as the embedding view, before anything is paid for.
        CompressionClassifier compression = CompressionClassifier.Fit(items);
        ReadOnlyMemory<float>[] vectors = await TextBatch.EmbedAsync(generator, [.. items.Select(e => e.Text)], null, cancellationToken).ConfigureAwait(false);
        EmbeddingClassifier embedding = EmbeddingClassifier.Fit(items.Select((e, i) => new LabeledEmbedding(e.Label, vectors[i])), options.EmbeddingOptions);
        int[] classes = [.. items.Select(e => IndexOf(embedding.Labels, e.Label))];
        int classCount = embedding.Labels.Count;

        (WordView?, float) words = (null, 0);
        if (options.WordWeight > 0)
        {
            WordView view = WordView.Fit([.. items.Select(e => e.Text)], classes, classCount);
            (float[][] scores, int[] truth) = view.LeaveOneOutScores();
            words = (view, (float)options.WordWeight / EmbeddingClassifier.FitTemperature(scores, truth, classCount));
        }

        (CompressionClassifier?, float) compressed = (null, 0);
        if (options.CompressionWeight > 0)
        {
            (float[][] scores, int[] truth) = CompressionLeaveOneOut(items, classes, classCount, compression.Options.CompressionLevel);
            compressed = (compression, (float)options.CompressionWeight / EmbeddingClassifier.FitTemperature(scores, truth, classCount));
        }

        return new HybridClassifier(generator, embedding, words, compressed);
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
        IReadOnlyList<Prediction>? compressed = _compression?.PredictBatch(list, cancellationToken);
        var predictions = new Prediction[list.Length];
        int classCount = Labels.Count;
        var embedded = new float[classCount];
        var worded = new float[classCount];
        for (int i = 0; i < list.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _embedding.Score(vectors[i].Span, embedded);
            _words?.Score(list[i], worded);
            var scores = new ClassScore[classCount];
            int best = 0;
            for (int c = 0; c < classCount; c++)
            {
                // Every view orders classes by first appearance in the same examples, so index c is one class in all.
                float score = (embedded[c] * _embeddingScale) + (worded[c] * _wordScale)
                    + (compressed is null ? 0 : compressed[i].Scores[c].Score * _compressionScale);
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
    private static (float[][] Scores, int[] Truth) CompressionLeaveOneOut(
        LabeledExample[] items, int[] classes, int classCount, System.IO.Compression.CompressionLevel level)
    {
        // Only examples whose class keeps another example are held out, so every class has a finite score.
        int[] candidates = [.. Enumerable.Range(0, items.Length).Where(i => classes.Count(c => c == classes[i]) > 1).Take(MaxScaleExamples)];
        var scores = new float[candidates.Length][];
        Parallel.For(0, candidates.Length, n =>
        {
            int held = candidates[n];
            var best = new float[classCount];
            Array.Fill(best, float.NegativeInfinity);
            for (int j = 0; j < items.Length; j++)
            {
                if (j != held)
                {
                    best[classes[j]] = Math.Max(best[classes[j]], 1 - CompressionClassifier.Distance(items[held].Text, items[j].Text, level));
                }
            }

            scores[n] = best;
        });
        return (scores, [.. candidates.Select(i => classes[i])]);
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
}
