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

    // Set when the evaluator was created from texts: what the full classifier needs besides the vectors.
    private readonly string[]? _texts;
    private readonly IEmbeddingGenerator<string, Embedding<float>>? _generator;

    /// <summary>
    /// Initializes a new instance of the <see cref="FewShotEvaluator"/> class over labelled vectors.
    /// </summary>
    /// <param name="dataset">The labelled vectors: at least two classes.</param>
    /// <exception cref="ArgumentNullException"><paramref name="dataset"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="dataset"/> has fewer than two classes, a null or blank label or one with an unpaired surrogate, or an
    /// empty, all-zero or non-finite vector or vectors of different lengths.
    /// </exception>
    public FewShotEvaluator(IEnumerable<LabeledEmbedding> dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        _data = [.. dataset];

        // Everything a classifier would refuse is refused here, naming the item, rather than by the draw that first uses it.
        int dimensions = _data.Length == 0 ? 0 : _data[0].Vector.Length;
        for (int i = 0; i < _data.Length; i++)
        {
            if (TextContent.IsBlank(_data[i].Label))
            {
                throw new ArgumentException($"dataset[{i}] has a null or blank label.", nameof(dataset));
            }

            TextContent.ThrowIfLoneSurrogate(_data[i].Label, $"The label of dataset[{i}]", nameof(dataset));
            ReadOnlySpan<float> vector = _data[i].Vector.Span;
            float norm = VectorMath.Norm(vector);
            string? problem = vector.Length == 0 ? "is an empty vector"
                : vector.Length != dimensions ? $"has {vector.Length} dimensions but the first has {dimensions}; all vectors must come from one embedding model"
                : !float.IsFinite(norm) ? "holds NaN or infinity"
                : norm == 0 ? "is all zeros, which has no direction to compare"
                : null;
            if (problem is not null)
            {
                throw new ArgumentException($"dataset[{i}] {problem}.", nameof(dataset));
            }
        }

        _labels = [.. _data.Select(d => d.Label).Distinct(StringComparer.Ordinal)];
        if (_labels.Length < 2)
        {
            throw new ArgumentException("The dataset needs examples of at least two classes.", nameof(dataset));
        }

        var indexOfLabel = _labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i, StringComparer.Ordinal);
        var byClass = _labels.Select(_ => new List<int>()).ToArray();
        for (int i = 0; i < _data.Length; i++)
        {
            byClass[indexOfLabel[_data[i].Label]].Add(i);
        }

        _indicesByClass = [.. byClass.Select(l => l.ToArray())];
    }

    private FewShotEvaluator(LabeledEmbedding[] dataset, string[] texts, IEmbeddingGenerator<string, Embedding<float>> generator)
        : this(dataset)
    {
        _texts = texts;
        _generator = generator;
    }

    /// <summary>
    /// Gets a value indicating whether the evaluator knows the texts behind its vectors (it was made by
    /// <see cref="CreateAsync"/>), so that <see cref="EvaluateAsync"/> can evaluate a whole <see cref="FewShotClassifier"/>.
    /// </summary>
    public bool HasTexts => _texts is not null;

    /// <summary>Gets the classes, in the order in which they first appear in the dataset.</summary>
    public IReadOnlyList<string> Labels => Array.AsReadOnly(_labels);

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
    /// <exception cref="ArgumentException">A text or label is null or blank or has an unpaired surrogate, or there are fewer than two classes.</exception>
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
        return new FewShotEvaluator([.. items.Select((e, i) => new LabeledEmbedding(e.Label, vectors[i]))], [.. items.Select(e => e.Text)], generator);
    }

    /// <summary>
    /// Evaluates a <see cref="FewShotClassifier"/> configuration (every view: embedding, words, label descriptions,
    /// refinement on the test texts when <see cref="FewShotEvaluationOptions.TestAsUnlabeled"/> is set) at one number
    /// of examples per class, on the same seeded draws as every other evaluation with the same seed. The texts were
    /// embedded once when the evaluator was created; only label descriptions are sent to the generator, once per call.
    /// </summary>
    /// <param name="examplesPerClass">How many training examples to draw from each class; every class needs at least one more to test on.</param>
    /// <param name="classifierOptions">The classifier settings, or <see langword="null"/> for the defaults.</param>
    /// <param name="options">The evaluation settings, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The report.</returns>
    /// <exception cref="InvalidOperationException">The evaluator was made from vectors, not texts (see <see cref="HasTexts"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="examplesPerClass"/> is less than 1.</exception>
    /// <exception cref="ArgumentException">A class has no more than <paramref name="examplesPerClass"/> examples, or <paramref name="classifierOptions"/> holds a bad setting.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async Task<EvaluationReport> EvaluateAsync(
        int examplesPerClass,
        FewShotClassifierOptions? classifierOptions = null,
        FewShotEvaluationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        if (_texts is null || _generator is null)
        {
            throw new InvalidOperationException("This evaluator holds vectors only; create it with FewShotEvaluator.CreateAsync to evaluate a FewShotClassifier on texts.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(examplesPerClass, 1);
        FewShotClassifierOptions fitted = classifierOptions?.Clone() ?? new FewShotClassifierOptions();
        FewShotClassifierOptionsValidator.ThrowIfInvalid(fitted, nameof(classifierOptions));
        FewShotClassifier.Description[] descriptions = await FewShotClassifier.EmbedDescriptionsAsync(_generator, _labels, fitted, nameof(classifierOptions), cancellationToken).ConfigureAwait(false);
        string[] texts = _texts;
        return Evaluate(
            examplesPerClass,
            Describe(fitted) + (fitted.WordWeight > 0 ? " + words" : string.Empty) + (descriptions.Length > 0 ? " + label descriptions" : string.Empty),
            (train, test) =>
            {
                var input = new FewShotClassifier.FitInput(
                    [.. train.Select(i => _data[i].Label)],
                    [.. train.Select(i => _data[i].Vector)],
                    [.. train.Select(i => texts[i])],
                    null,
                    [.. test.Select(i => _data[i].Vector)],
                    [.. test.Select(i => texts[i])],
                    null,
                    descriptions);
                FewShotClassifier classifier = FewShotClassifier.Fit(_generator, input, fitted, cancellationToken);
                return i => classifier.Predict(texts[i], _data[i].Vector.Span).Label;
            },
            options);
    }

    /// <summary>
    /// Evaluates a <see cref="FewShotClassifier"/> configuration at several numbers of examples per class, as
    /// <see cref="EvaluateAsync"/> does for one.
    /// </summary>
    /// <param name="examplesPerClass">The numbers of examples per class; numbers that would leave a class without test data are skipped.</param>
    /// <param name="classifierOptions">The classifier settings, or <see langword="null"/> for the defaults.</param>
    /// <param name="options">The evaluation settings, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>One report per usable number, in the given order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="examplesPerClass"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The evaluator was made from vectors, not texts.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async Task<IReadOnlyList<EvaluationReport>> LearningCurveAsync(
        IEnumerable<int> examplesPerClass,
        FewShotClassifierOptions? classifierOptions = null,
        FewShotEvaluationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(examplesPerClass);
        int smallestClass = _indicesByClass.Min(c => c.Length);
        var reports = new List<EvaluationReport>();
        foreach (int n in examplesPerClass.Where(n => n >= 1 && n < smallestClass))
        {
            reports.Add(await EvaluateAsync(n, classifierOptions, options, cancellationToken).ConfigureAwait(false));
        }

        return reports;
    }

    /// <summary>
    /// Estimates a <see cref="FewShotClassifier"/> configuration's accuracy from the labelled texts alone: each text in
    /// turn is classified by a classifier fitted to all the others.
    /// </summary>
    /// <param name="classifierOptions">The classifier settings, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A report over one pooled "draw": its accuracy has <see cref="Estimate.Count"/> 1 and no interval width.</returns>
    /// <exception cref="InvalidOperationException">The evaluator was made from vectors, not texts.</exception>
    /// <exception cref="ArgumentException">A class has fewer than two examples, or <paramref name="classifierOptions"/> holds a bad setting.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async Task<EvaluationReport> LeaveOneOutAsync(FewShotClassifierOptions? classifierOptions = null, CancellationToken cancellationToken = default)
    {
        if (_texts is null || _generator is null)
        {
            throw new InvalidOperationException("This evaluator holds vectors only; create it with FewShotEvaluator.CreateAsync to evaluate a FewShotClassifier on texts.");
        }

        foreach (int[] ofClass in _indicesByClass)
        {
            if (ofClass.Length < 2)
            {
                throw new ArgumentException($"Class '{_data[ofClass[0]].Label}' has one example; leave-one-out needs at least two per class.", nameof(classifierOptions));
            }
        }

        FewShotClassifierOptions fitted = classifierOptions?.Clone() ?? new FewShotClassifierOptions();
        FewShotClassifierOptionsValidator.ThrowIfInvalid(fitted, nameof(classifierOptions));
        FewShotClassifier.Description[] descriptions = await FewShotClassifier.EmbedDescriptionsAsync(_generator, _labels, fitted, nameof(classifierOptions), cancellationToken).ConfigureAwait(false);
        ConfusionMatrix matrix = ConfusionMatrix.Empty(_labels);
        for (int held = 0; held < _data.Length; held++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int[] rest = [.. Enumerable.Range(0, _data.Length).Where(i => i != held)];
            var input = new FewShotClassifier.FitInput(
                [.. rest.Select(i => _data[i].Label)], [.. rest.Select(i => _data[i].Vector)], [.. rest.Select(i => _texts[i])], null, [], null, null, descriptions);
            FewShotClassifier classifier = FewShotClassifier.Fit(_generator, input, fitted, cancellationToken);
            matrix.Add(Array.IndexOf(_labels, _data[held].Label), Array.IndexOf(_labels, classifier.Predict(_texts[held], _data[held].Vector.Span).Label));
        }

        return new EvaluationReport($"{Describe(fitted)}, leave-one-out", 0, [matrix], _labels);
    }

    /// <summary>
    /// Evaluates an <see cref="EmbeddingClassifier"/> configuration at one number of examples per class.
    /// </summary>
    /// <param name="examplesPerClass">How many training examples to draw from each class; every class needs at least one more to test on.</param>
    /// <param name="classifierOptions">The classifier settings, or <see langword="null"/> for the defaults.</param>
    /// <param name="options">The evaluation settings, or <see langword="null"/> for the defaults.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="examplesPerClass"/> is less than 1.</exception>
    /// <exception cref="ArgumentException">A class has no more than <paramref name="examplesPerClass"/> examples, or <paramref name="classifierOptions"/> holds a bad setting.</exception>
    public EvaluationReport Evaluate(int examplesPerClass, FewShotClassifierOptions? classifierOptions = null, FewShotEvaluationOptions? options = null)
    {
        FewShotClassifierOptions fitted = classifierOptions?.Clone() ?? new FewShotClassifierOptions();
        FewShotClassifierOptionsValidator.ThrowIfInvalid(fitted, nameof(classifierOptions));
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
        ArgumentNullException.ThrowIfNull(fit);
        bool transductive = options?.TestAsUnlabeled ?? false;
        return Evaluate(
            examplesPerClass,
            method,
            (train, test) =>
            {
                Func<ReadOnlyMemory<float>, string> predict = fit([.. train.Select(i => _data[i])], transductive ? [.. test.Select(i => _data[i].Vector)] : []);
                return i => predict(_data[i].Vector);
            },
            options);
    }

    /// <summary>Runs the seeded draws: <paramref name="fit"/> gets the training and test indices and returns a prediction per index.</summary>
    private EvaluationReport Evaluate(
        int examplesPerClass,
        string method,
        Func<int[], int[], Func<int, string>> fit,
        FewShotEvaluationOptions? options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(examplesPerClass, 1);
        ArgumentNullException.ThrowIfNull(method);
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

        var classOf = _labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i, StringComparer.Ordinal);
        var draws = new ConfusionMatrix[options.Repetitions];
        for (int r = 0; r < options.Repetitions; r++)
        {
            (int[] train, int[] test) = Draw(examplesPerClass, DrawSeed(options.Seed, r));
            Func<int, string> predict = fit(train, options.TestAsUnlabeled ? test : []);
            ConfusionMatrix matrix = ConfusionMatrix.Empty(_labels);
            foreach (int t in test)
            {
                matrix.Add(classOf[_data[t].Label], classOf[predict(t)]);
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
    /// <exception cref="ArgumentException">A class has fewer than two examples, there are fewer than two classes, or <paramref name="classifierOptions"/> holds a bad setting.</exception>
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
        FewShotClassifierOptionsValidator.ThrowIfInvalid(fitted, nameof(classifierOptions));
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
