using Microsoft.Extensions.AI;

namespace EmbedClassify;

/// <summary>
/// Measures few-shot accuracy honestly: draws a few training examples per class from a labelled set, fits, tests on
/// everything else, and repeats with seeded draws. Works on embeddings, so each text is embedded once for any number of
/// draws and methods.
/// </summary>
/// <remarks>
/// Each prediction counts as correct only if its single top label is right; ties are broken deterministically by the
/// classifier, never counted as right because one of the tied labels was. Instances are immutable and thread-safe.
/// </remarks>
public sealed class FewShotEvaluator
{
    private readonly LabeledEmbedding[] _data;
    private readonly string[] _labels;
    private readonly int[][] _indicesByClass;

    /// <summary>
    /// Initializes a new instance of the <see cref="FewShotEvaluator"/> class over labelled vectors.
    /// </summary>
    /// <param name="dataset">The labelled vectors: at least two classes.</param>
    /// <exception cref="ArgumentNullException"><paramref name="dataset"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="dataset"/> has fewer than two classes or a null or blank label.</exception>
    public FewShotEvaluator(IEnumerable<LabeledEmbedding> dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        _data = [.. dataset];
        for (int i = 0; i < _data.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(_data[i].Label))
            {
                throw new ArgumentException($"dataset[{i}] has a null or blank label.", nameof(dataset));
            }
        }

        _labels = [.. _data.Select(d => d.Label).Distinct(StringComparer.Ordinal)];
        if (_labels.Length < 2)
        {
            throw new ArgumentException("The dataset needs examples of at least two classes.", nameof(dataset));
        }

        _indicesByClass = [.. _labels.Select(l => Enumerable.Range(0, _data.Length).Where(i => _data[i].Label == l).ToArray())];
    }

    /// <summary>Gets the classes, in the order in which they first appear in the dataset.</summary>
    public IReadOnlyList<string> Labels => _labels;

    /// <summary>Gets the number of labelled vectors.</summary>
    public int Count => _data.Length;

    /// <summary>
    /// Embeds a labelled text collection once and returns an evaluator over it.
    /// </summary>
    /// <param name="generator">The embedding generator.</param>
    /// <param name="dataset">The labelled texts.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The evaluator.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> or <paramref name="dataset"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A text or label is null or blank, or there are fewer than two classes.</exception>
    /// <exception cref="InvalidOperationException">The generator returned unusable vectors.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public static async Task<FewShotEvaluator> CreateAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator,
        IEnumerable<LabeledExample> dataset,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(dataset);
        LabeledExample[] items = [.. dataset];
        TextBatch.Validate([.. items.Select(e => e.Text)], nameof(dataset));
        ReadOnlyMemory<float>[] vectors = await TextBatch.EmbedAsync(generator, [.. items.Select(e => e.Text)], null, cancellationToken).ConfigureAwait(false);
        return new FewShotEvaluator(items.Select((e, i) => new LabeledEmbedding(e.Label, vectors[i])));
    }

    /// <summary>
    /// Evaluates an <see cref="EmbeddingClassifier"/> configuration at one number of examples per class.
    /// </summary>
    /// <param name="examplesPerClass">How many training examples to draw from each class; every class needs at least one more to test on.</param>
    /// <param name="classifierOptions">The classifier settings, or <see langword="null"/> for the defaults.</param>
    /// <param name="options">The evaluation settings, or <see langword="null"/> for the defaults.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="examplesPerClass"/> is less than 1.</exception>
    /// <exception cref="ArgumentException">A class has no more than <paramref name="examplesPerClass"/> examples.</exception>
    public EvaluationReport Evaluate(int examplesPerClass, FewShotClassifierOptions? classifierOptions = null, FewShotEvaluationOptions? options = null)
    {
        FewShotClassifierOptions fitted = classifierOptions?.Clone() ?? new FewShotClassifierOptions();
        bool usesUnlabeled = fitted.Strategy is ClassificationStrategy.KMeans or ClassificationStrategy.Auto;
        return Evaluate(
            examplesPerClass,
            Describe(fitted),
            (train, unlabeled) =>
            {
                EmbeddingClassifier model = EmbeddingClassifier.Fit(train, usesUnlabeled ? unlabeled : [], fitted);
                return vector => model.Predict(vector.Span).Label;
            },
            options);
    }

    /// <summary>
    /// Evaluates any method that fits on labelled vectors (and optionally unlabelled ones) and predicts one label per vector.
    /// </summary>
    /// <param name="examplesPerClass">How many training examples to draw from each class; every class needs at least one more to test on.</param>
    /// <param name="method">A name for the report.</param>
    /// <param name="fit">Fits the method to training vectors and unlabelled vectors and returns its prediction function.</param>
    /// <param name="options">The evaluation settings, or <see langword="null"/> for the defaults.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="method"/> or <paramref name="fit"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="examplesPerClass"/> is less than 1.</exception>
    /// <exception cref="ArgumentException">A class has no more than <paramref name="examplesPerClass"/> examples.</exception>
    public EvaluationReport Evaluate(
        int examplesPerClass,
        string method,
        Func<IReadOnlyList<LabeledEmbedding>, IReadOnlyList<ReadOnlyMemory<float>>, Func<ReadOnlyMemory<float>, string>> fit,
        FewShotEvaluationOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(examplesPerClass, 1);
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(fit);
        options ??= new FewShotEvaluationOptions();
        for (int c = 0; c < _labels.Length; c++)
        {
            if (_indicesByClass[c].Length <= examplesPerClass)
            {
                throw new ArgumentException(
                    $"Class '{_labels[c]}' has {_indicesByClass[c].Length} examples; drawing {examplesPerClass} per class would leave none to test on.",
                    nameof(examplesPerClass));
            }
        }

        var draws = new ConfusionMatrix[options.Repetitions];
        for (int r = 0; r < options.Repetitions; r++)
        {
            (int[] train, int[] test) = Draw(examplesPerClass, DrawSeed(options.Seed, r));
            ReadOnlyMemory<float>[] testVectors = [.. test.Select(i => _data[i].Vector)];
            Func<ReadOnlyMemory<float>, string> predict = fit(
                [.. train.Select(i => _data[i])],
                options.TestAsUnlabeled ? testVectors : []);
            ConfusionMatrix matrix = ConfusionMatrix.Empty(_labels);
            for (int t = 0; t < test.Length; t++)
            {
                matrix.Add(Array.IndexOf(_labels, _data[test[t]].Label), Array.IndexOf(_labels, predict(testVectors[t])));
            }

            draws[r] = matrix;
        }

        return new EvaluationReport(method, examplesPerClass, draws, _labels);
    }

    /// <summary>
    /// Evaluates a classifier configuration at several numbers of examples per class, on the same draws for every
    /// configuration evaluated with the same seed, so a user can see whether more examples would help.
    /// </summary>
    /// <param name="examplesPerClass">The numbers of examples per class, for example 1, 2, 5, 10, 32. Numbers that would leave a class without test data are skipped.</param>
    /// <param name="classifierOptions">The classifier settings, or <see langword="null"/> for the defaults.</param>
    /// <param name="options">The evaluation settings, or <see langword="null"/> for the defaults.</param>
    /// <returns>One report per usable number, in the given order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="examplesPerClass"/> is <see langword="null"/>.</exception>
    public IReadOnlyList<EvaluationReport> LearningCurve(
        IEnumerable<int> examplesPerClass,
        FewShotClassifierOptions? classifierOptions = null,
        FewShotEvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(examplesPerClass);
        int smallestClass = _indicesByClass.Min(c => c.Length);
        return [.. examplesPerClass.Where(n => n >= 1 && n < smallestClass).Select(n => Evaluate(n, classifierOptions, options))];
    }

    /// <summary>
    /// Estimates accuracy from the labelled examples alone, for users who have no test set: each example in turn is
    /// classified by a classifier fitted to all the others.
    /// </summary>
    /// <param name="examples">The labelled vectors; every class needs at least two, so that one is left when the other is held out.</param>
    /// <param name="classifierOptions">The classifier settings, or <see langword="null"/> for the defaults.</param>
    /// <returns>A report over one "draw" per example, pooled: its accuracy has <see cref="Estimate.Count"/> 1 and no interval width.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="examples"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A class has fewer than two examples, or there are fewer than two classes.</exception>
    public static EvaluationReport LeaveOneOut(IEnumerable<LabeledEmbedding> examples, FewShotClassifierOptions? classifierOptions = null)
    {
        ArgumentNullException.ThrowIfNull(examples);
        LabeledEmbedding[] items = [.. examples];
        string[] labels = [.. items.Select(e => e.Label).Distinct(StringComparer.Ordinal)];
        if (labels.Length < 2)
        {
            throw new ArgumentException("Leave-one-out needs examples of at least two classes.", nameof(examples));
        }

        foreach (string label in labels)
        {
            if (items.Count(e => e.Label == label) < 2)
            {
                throw new ArgumentException($"Class '{label}' has one example; leave-one-out needs at least two per class.", nameof(examples));
            }
        }

        FewShotClassifierOptions fitted = classifierOptions?.Clone() ?? new FewShotClassifierOptions();
        ConfusionMatrix matrix = ConfusionMatrix.Empty(labels);
        for (int i = 0; i < items.Length; i++)
        {
            EmbeddingClassifier model = EmbeddingClassifier.Fit(items.Where((_, j) => j != i), fitted);
            matrix.Add(Array.IndexOf(labels, items[i].Label), Array.IndexOf(labels, model.Predict(items[i].Vector.Span).Label));
        }

        return new EvaluationReport($"{Describe(fitted)}, leave-one-out", 0, [matrix], labels);
    }

    private static int DrawSeed(int seed, int repetition) => unchecked((seed * 1_000_003) + repetition);

    private static string Describe(FewShotClassifierOptions options) => options.Strategy switch
    {
        ClassificationStrategy.KNearestNeighbors => $"kNN (k = {options.Neighbors})",
        ClassificationStrategy.KMeans when options.Initialization == KMeansInitialization.ClassCentroids => "k-means from class centroids",
        ClassificationStrategy.KMeans => options.Clusters is { } k ? $"k-means (k = {k})" : "k-means",
        ClassificationStrategy.Auto => "auto",
        _ => "nearest centroid",
    } + (options.CenterEmbeddings ? ", centered" : string.Empty);

    private (int[] Train, int[] Test) Draw(int examplesPerClass, int seed)
    {
        var random = new Random(seed);
        var train = new List<int>(examplesPerClass * _labels.Length);
        var test = new List<int>(_data.Length);
        foreach (int[] ofClass in _indicesByClass)
        {
            int[] shuffled = [.. ofClass];
            random.Shuffle(shuffled);
            train.AddRange(shuffled.AsSpan(0, examplesPerClass));
            test.AddRange(shuffled.AsSpan(examplesPerClass));
        }

        test.Sort();
        return ([.. train], [.. test]);
    }
}
