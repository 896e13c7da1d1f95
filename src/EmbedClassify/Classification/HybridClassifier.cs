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
/// Given unlabelled texts (for example the batch about to be classified), it refines both views' class centroids on
/// them; see <see cref="CreateAsync(IEmbeddingGenerator{string, Embedding{float}}, IEnumerable{LabeledExample}, IEnumerable{string}, HybridClassifierOptions?, CancellationToken)"/>.
/// </para>
/// <para>
/// Instances are immutable and thread-safe as long as the generator is. The compression view makes prediction cost grow
/// with the number of examples (each text is compressed against each example), so it is off by default.
/// </para>
/// </remarks>
public sealed partial class HybridClassifier
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
        float embeddingScale,
        (WordView? View, float Scale) words,
        (CompressionClassifier? View, float Scale) compression,
        int unlabeledCount)
    {
        Generator = generator;
        _embedding = embedding;
        _embeddingScale = embeddingScale;
        UnlabeledCount = unlabeledCount;
        (_words, _wordScale) = words;
        (_compression, _compressionScale) = compression;
    }

    /// <summary>Gets the generator that embeds texts.</summary>
    public IEmbeddingGenerator<string, Embedding<float>> Generator { get; }

    /// <summary>Gets the class labels, in the order in which they first appeared among the examples.</summary>
    public IReadOnlyList<string> Labels => _embedding.Labels;

    /// <summary>Gets the number of unlabelled texts the class centroids were refined with; 0 when none were.</summary>
    public int UnlabeledCount { get; }

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
    public static Task<HybridClassifier> CreateAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator,
        IEnumerable<LabeledExample> examples,
        HybridClassifierOptions? options = null,
        CancellationToken cancellationToken = default) =>
        CreateAsync(generator, examples, [], options, cancellationToken);

    /// <summary>
    /// Embeds the examples and unlabelled texts, fits both views to the examples, then refines each view's class
    /// centroids with the unlabelled texts (for example the batch about to be classified).
    /// </summary>
    /// <remarks>
    /// The refinement is expectation-maximization shared by the views: each unlabelled text is given class probabilities
    /// from the views' combined scores, each view's centroids are re-estimated from the examples plus the unlabelled
    /// texts weighted by those probabilities, and the two steps repeat a few times. The unlabelled texts' total weight is
    /// capped at <see cref="HybridClassifierOptions.UnlabeledWeight"/> examples per class, so the examples keep each
    /// class where its labels say it is. The temperatures that weigh the views stay those fitted on the examples.
    /// Predictions of the fitted classifier do not depend on which texts are classified with it. Every unlabelled text
    /// is embedded: with a caching generator, classifying the same texts afterwards costs no second provider call.
    /// </remarks>
    /// <param name="generator">The embedding generator.</param>
    /// <param name="examples">The labelled texts: at least two classes.</param>
    /// <param name="unlabeledTexts">Texts without labels; may be empty (then this is the same as the overload without them).</param>
    /// <param name="options">The settings, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The fitted classifier.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/>, <paramref name="examples"/> or <paramref name="unlabeledTexts"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// The examples are invalid as for <see cref="FewShotClassifier"/>, an unlabelled text is null or blank, or unlabelled
    /// texts were given to an embedding view whose strategy is not nearest centroid; checked before anything is embedded.
    /// </exception>
    /// <exception cref="InvalidOperationException">The generator returned unusable vectors.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public static async Task<HybridClassifier> CreateAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator,
        IEnumerable<LabeledExample> examples,
        IEnumerable<string> unlabeledTexts,
        HybridClassifierOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(unlabeledTexts);
        options = options?.Clone() ?? new HybridClassifierOptions();
        if (options.EmbeddingOptions.NoneLabel is not null || options.EmbeddingOptions.Strategy == ClassificationStrategy.KMeans)
        {
            // Both views must score the same classes, and this classifier refines its centroids itself.
            throw new ArgumentException("The embedding view of a hybrid classifier takes neither a none label nor the k-means strategy.", nameof(options));
        }

        LabeledExample[] items = [.. examples];
        string[] unlabeled = [.. unlabeledTexts];
        TextBatch.Validate(unlabeled, nameof(unlabeledTexts));
        KeyValuePair<string, string>[] descriptions = options.LabelDescriptionWeight > 0 ? [.. options.LabelDescriptions] : [];
        bool refine = unlabeled.Length > 0 && options.UnlabeledWeight > 0;
        if (refine && options.EmbeddingOptions.Strategy != ClassificationStrategy.NearestCentroid)
        {
            throw new ArgumentException(
                $"Unlabelled texts refine class centroids, so the embedding view's strategy must be {nameof(ClassificationStrategy.NearestCentroid)}, not {options.EmbeddingOptions.Strategy}.",
                nameof(unlabeledTexts));
        }

        FewShotClassifier.ValidateExamples(items, requireTwoClasses: true, noneLabel: null);
        ValidateDescriptions(descriptions, items);
        string[] texts = [.. items.Select(e => e.Text), .. refine ? unlabeled : [], .. descriptions.Select(d => d.Value)];
        ReadOnlyMemory<float>[] vectors = await TextBatch.EmbedAsync(generator, texts, null, cancellationToken).ConfigureAwait(false);

        // Refinement centers on the unlabelled texts too: centered on the examples alone, every unlabelled text shares the
        // offset between the examples' mean and the batch's, and whichever class leans that way absorbs the batch
        // (measured: two examples per class fell below the unrefined accuracy on every two-class collection).
        EmbeddingClassifier embedding = EmbeddingClassifier.Fit(
            items.Select((e, i) => new LabeledEmbedding(e.Label, vectors[i])),
            vectors.Skip(items.Length).Take(refine ? unlabeled.Length : 0),
            options.EmbeddingOptions,
            unlabeledCenterOnly: true);
        int[] classes = [.. items.Select(e => IndexOf(embedding.Labels, e.Label))];
        int classCount = embedding.Labels.Count;
        float embeddingScale = 1 / embedding.Temperature;

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
            CompressionClassifier compression = CompressionClassifier.Fit(items);
            (float[][] scores, int[] truth) = CompressionLeaveOneOut(items, classes, classCount, compression.Options.CompressionLevel);
            compressed = (compression, (float)options.CompressionWeight / EmbeddingClassifier.FitTemperature(scores, truth, classCount));
        }

        if (refine || descriptions.Length > 0)
        {
            float[] classSums = ClassSums(embedding, descriptions, vectors.AsSpan(vectors.Length - descriptions.Length), (float)options.LabelDescriptionWeight);
            if (refine)
            {
                var views = new Views(embedding, embeddingScale, words.Item1, words.Item2, compressed.Item1, compressed.Item2);
                (embedding, words.Item1) = Refine(views, classSums, vectors.AsSpan(items.Length, unlabeled.Length), unlabeled, options.UnlabeledWeight, cancellationToken);
            }
            else
            {
                embedding = embedding.WithCentroids(UnitRows(classSums, embedding.Dimensions));
            }
        }

        return new HybridClassifier(generator, embedding, embeddingScale, words, compressed, refine ? unlabeled.Length : 0);
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

    /// <summary>Checks that every description names a class of the examples and has text, before anything is embedded.</summary>
    private static void ValidateDescriptions(KeyValuePair<string, string>[] descriptions, LabeledExample[] items)
    {
        var labels = items.Select(e => e.Label).ToHashSet(StringComparer.Ordinal);
        foreach ((string label, string description) in descriptions)
        {
            if (!labels.Contains(label))
            {
                throw new ArgumentException($"LabelDescriptions has a description for '{label}', which no example has.", "options");
            }

            if (string.IsNullOrWhiteSpace(description))
            {
                throw new ArgumentException($"LabelDescriptions['{label}'] is {(description is null ? "null" : "empty or white space")}; there is nothing to embed.", "options");
            }
        }
    }

    /// <summary>
    /// Returns each class's sum of its examples as the embedding view compares them, plus its description (if any)
    /// <paramref name="descriptionWeight"/> times; row-major, one row per class.
    /// </summary>
    private static float[] ClassSums(
        EmbeddingClassifier embedding, KeyValuePair<string, string>[] descriptions, ReadOnlySpan<ReadOnlyMemory<float>> descriptionVectors, float descriptionWeight)
    {
        int dimensions = embedding.Dimensions;
        float[] sums = embedding.ComparedClassSums();
        var compared = new float[dimensions];
        for (int d = 0; d < descriptions.Length; d++)
        {
            embedding.Compared(descriptionVectors[d].Span, compared);
            AddScaled(compared, descriptionWeight, sums.AsSpan(IndexOf(embedding.Labels, descriptions[d].Key) * dimensions, dimensions));
        }

        return sums;
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
