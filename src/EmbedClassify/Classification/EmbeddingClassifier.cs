using System.Buffers;
using System.Numerics.Tensors;

namespace EmbedClassify;

/// <summary>
/// Represents a fitted few-shot classifier in embedding space: it holds normalized example vectors and the decision rule
/// built from them, and classifies vectors with cosine similarity.
/// </summary>
/// <remarks>
/// Instances are immutable and thread-safe. <see cref="WithExamples"/> returns a new classifier and leaves this one as is.
/// Use <see cref="FewShotClassifier"/> to classify text through an embedding generator.
/// </remarks>
public sealed partial class EmbeddingClassifier
{
    // Larger class or row counts fall back to pooled arrays, so that huge example sets cannot overflow the stack.
    private const int StackLimit = 256;

    private readonly string[] _labels;

    // The vectors the decision rule compares against: unit length, and centered when the options ask for it.
    private readonly float[] _examples;
    private readonly int[] _exampleClasses;
    private readonly float[] _prototypes;
    private readonly int[] _prototypeClasses;

    // The vectors as given (only normalized), kept so that WithExamples can refit without recentering twice.
    private readonly float[] _inputExamples;
    private readonly float[] _inputUnlabeled;
    private readonly float[]? _center;
    private readonly FewShotClassifierOptions _options;
    private readonly float[] _noneExamples;
    private readonly Lazy<float> _temperature;
    private readonly Lazy<float> _unknownThreshold;

    private EmbeddingClassifier(
        string[] labels,
        int dimensions,
        float[] inputExamples,
        float[] inputUnlabeled,
        int[] exampleClasses,
        float[]? center,
        float[] examples,
        float[] prototypes,
        int[] prototypeClasses,
        FewShotClassifierOptions options,
        float[] noneExamples)
    {
        _labels = labels;
        Labels = Array.AsReadOnly(labels);
        Dimensions = dimensions;
        _inputExamples = inputExamples;
        _inputUnlabeled = inputUnlabeled;
        _exampleClasses = exampleClasses;
        _center = center;
        _examples = examples;
        _prototypes = prototypes;
        _prototypeClasses = prototypeClasses;
        _options = options;
        _noneExamples = noneExamples;
        _temperature = new Lazy<float>(FitTemperature, LazyThreadSafetyMode.ExecutionAndPublication);
        _unknownThreshold = new Lazy<float>(FitUnknownThreshold, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Gets the class labels, in the order in which they first appeared among the examples.</summary>
    /// <remarks>A read-only view: casting it to a list or array cannot change the classifier's labels.</remarks>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The labels as the array scoring indexes directly (the hot path skips the read-only view's interface call).</summary>
    internal string[] LabelArray => _labels;

    /// <summary>Gets the length of the vectors this classifier accepts.</summary>
    public int Dimensions { get; }

    /// <summary>Gets the number of labelled examples the classifier was fitted on.</summary>
    public int ExampleCount => _exampleClasses.Length;

    /// <summary>Gets the number of unlabelled vectors the classifier was fitted on (used by k-means only).</summary>
    public int UnlabeledCount => _inputUnlabeled.Length / Dimensions;

    /// <summary>Gets the decision rule in use.</summary>
    public ClassificationStrategy Strategy => _options.Strategy;

    /// <summary>Gets a copy of the options the classifier was fitted with.</summary>
    public FewShotClassifierOptions Options => _options.Clone();

    /// <summary>
    /// Fits a classifier to labelled vectors.
    /// </summary>
    /// <param name="examples">The labelled vectors: at least one, with at least two distinct labels, all of one length.</param>
    /// <param name="options">The settings, or <see langword="null"/> for the defaults.</param>
    /// <returns>The fitted classifier.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="examples"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="examples"/> is empty, has fewer than two distinct labels, or holds a null or blank label, an empty,
    /// all-zero or non-finite vector, or vectors of different lengths; or <paramref name="options"/> asks for more
    /// clusters than there are vectors.
    /// </exception>
    public static EmbeddingClassifier Fit(IEnumerable<LabeledEmbedding> examples, FewShotClassifierOptions? options = null) =>
        Fit(examples, [], options);

    /// <summary>
    /// Fits a classifier to labelled vectors plus unlabelled ones, which the <see cref="ClassificationStrategy.KMeans"/>
    /// strategy uses to place its clusters.
    /// </summary>
    /// <param name="examples">The labelled vectors: at least one, with at least two distinct labels, all of one length.</param>
    /// <param name="unlabeled">Vectors without labels, of the same length as the examples; may be empty.</param>
    /// <param name="options">The settings, or <see langword="null"/> for the defaults.</param>
    /// <returns>The fitted classifier.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="examples"/> or <paramref name="unlabeled"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="examples"/> or <paramref name="unlabeled"/> is invalid (see <see cref="Fit(IEnumerable{LabeledEmbedding}, FewShotClassifierOptions?)"/>);
    /// <paramref name="unlabeled"/> is not empty but the strategy is not <see cref="ClassificationStrategy.KMeans"/>;
    /// or the options do not fit the data.
    /// </exception>
    public static EmbeddingClassifier Fit(
        IEnumerable<LabeledEmbedding> examples,
        IEnumerable<ReadOnlyMemory<float>> unlabeled,
        FewShotClassifierOptions? options = null) =>
        Fit(examples, unlabeled, options, unlabeledCenterOnly: false);

    /// <summary>
    /// Fits as the public overload does; with <paramref name="unlabeledCenterOnly"/>, any strategy takes unlabelled
    /// vectors, which then only move the center (when the options center embeddings) unless the strategy is k-means.
    /// </summary>
    internal static EmbeddingClassifier Fit(
        IEnumerable<LabeledEmbedding> examples,
        IEnumerable<ReadOnlyMemory<float>> unlabeled,
        FewShotClassifierOptions? options,
        bool unlabeledCenterOnly)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(unlabeled);
        options = options?.Clone() ?? new FewShotClassifierOptions();
        FewShotClassifierOptionsValidator.ThrowIfInvalid(options, nameof(options));

        LabeledEmbedding[] exampleList = [.. examples];
        ReadOnlyMemory<float>[] unlabeledList = [.. unlabeled];
        if (exampleList.Length == 0)
        {
            throw new ArgumentException("At least one example is required.", nameof(examples));
        }

        ReadOnlyMemory<float>[] noneList = [];
        if (options.NoneLabel is { } noneLabel)
        {
            noneList = [.. exampleList.Where(e => e.Label == noneLabel).Select(e => e.Vector)];
            exampleList = [.. exampleList.Where(e => e.Label != noneLabel)];
            if (exampleList.Length == 0)
            {
                throw new ArgumentException($"Every example has the none label '{noneLabel}'; at least two real classes are required.", nameof(examples));
            }
        }

        int dimensions = exampleList[0].Vector.Length;
        var labels = new LabelIndexer(nameof(examples));
        var exampleClasses = new int[exampleList.Length];
        var exampleVectors = new float[exampleList.Length * dimensions];
        for (int i = 0; i < exampleList.Length; i++)
        {
            int classIndex = labels.Add(exampleList[i].Label, i);
            CopyNormalized(exampleList[i].Vector.Span, exampleVectors.AsSpan(i * dimensions, dimensions), dimensions, i, nameof(examples));
            exampleClasses[i] = classIndex;
        }

        string[] classLabels = labels.ToClassLabels();

        var unlabeledVectors = new float[unlabeledList.Length * dimensions];
        for (int i = 0; i < unlabeledList.Length; i++)
        {
            CopyNormalized(unlabeledList[i].Span, unlabeledVectors.AsSpan(i * dimensions, dimensions), dimensions, i, nameof(unlabeled));
        }

        if (unlabeledList.Length > 0 && !unlabeledCenterOnly && options.Strategy is not (ClassificationStrategy.KMeans or ClassificationStrategy.Auto))
        {
            throw new ArgumentException(
                $"Unlabelled vectors are used only by the {nameof(ClassificationStrategy.KMeans)} and {nameof(ClassificationStrategy.Auto)} strategies, not by {options.Strategy}.",
                nameof(unlabeled));
        }

        var noneVectors = new float[noneList.Length * dimensions];
        for (int i = 0; i < noneList.Length; i++)
        {
            CopyNormalized(noneList[i].Span, noneVectors.AsSpan(i * dimensions, dimensions), dimensions, i, nameof(examples));
        }

        if (options.Strategy != ClassificationStrategy.Auto)
        {
            return Build(classLabels, dimensions, exampleVectors, exampleClasses, unlabeledVectors, options, noneVectors);
        }

        EmbeddingClassifier picked = BuildAuto(classLabels, dimensions, exampleVectors, exampleClasses, unlabeledVectors, options, noneVectors);

        // A FewShotClassifier is refined on the unlabelled vectors whichever rule won, and refits on them (AddExamplesAsync,
        // a saved file), so it keeps them even when the winner was fitted without them; they change none of its scores.
        return unlabeledCenterOnly && picked.UnlabeledCount == 0 && unlabeledVectors.Length > 0
            ? picked.WithInputUnlabeled(unlabeledVectors)
            : picked;
    }

    /// <summary>Returns this classifier holding <paramref name="inputUnlabeled"/> as its unlabelled vectors, fitted state unchanged.</summary>
    private EmbeddingClassifier WithInputUnlabeled(float[] inputUnlabeled) =>
        new(_labels, Dimensions, _inputExamples, inputUnlabeled, _exampleClasses, _center, _examples, _prototypes, _prototypeClasses, _options, _noneExamples);

    /// <summary>
    /// Returns a classifier fitted to this classifier's vectors plus <paramref name="examples"/> (and, for k-means,
    /// <paramref name="unlabeled"/>), with the same options. Vectors already held are reused, not recomputed.
    /// </summary>
    /// <param name="examples">The labelled vectors to add; may bring new labels.</param>
    /// <param name="unlabeled">Unlabelled vectors to add, or <see langword="null"/> for none.</param>
    /// <returns>A new classifier; this instance is unchanged.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="examples"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A vector has a length other than <see cref="Dimensions"/>, or is invalid as in <see cref="Fit(IEnumerable{LabeledEmbedding}, FewShotClassifierOptions?)"/>.</exception>
    public EmbeddingClassifier WithExamples(IEnumerable<LabeledEmbedding> examples, IEnumerable<ReadOnlyMemory<float>>? unlabeled = null)
    {
        ArgumentNullException.ThrowIfNull(examples);
        LabeledEmbedding[] added = [.. examples];
        ReadOnlyMemory<float>[] addedUnlabeled = unlabeled is null ? [] : [.. unlabeled];
        for (int i = 0; i < added.Length; i++)
        {
            if (added[i].Vector.Length != Dimensions)
            {
                throw new ArgumentException(
                    $"examples[{i}] has {added[i].Vector.Length} dimensions but this classifier holds {Dimensions}-dimensional vectors.",
                    nameof(examples));
            }
        }

        var all = new List<LabeledEmbedding>(ExampleCount + added.Length);
        for (int i = 0; i < ExampleCount; i++)
        {
            all.Add(new LabeledEmbedding(_labels[_exampleClasses[i]], _inputExamples.AsMemory(i * Dimensions, Dimensions)));
        }

        for (int i = 0; i < _noneExamples.Length / Dimensions; i++)
        {
            all.Add(new LabeledEmbedding(_options.NoneLabel!, _noneExamples.AsMemory(i * Dimensions, Dimensions)));
        }

        all.AddRange(added);
        var allUnlabeled = new List<ReadOnlyMemory<float>>(UnlabeledCount + addedUnlabeled.Length);
        for (int i = 0; i < UnlabeledCount; i++)
        {
            allUnlabeled.Add(_inputUnlabeled.AsMemory(i * Dimensions, Dimensions));
        }

        allUnlabeled.AddRange(addedUnlabeled);
        return Fit(all, allUnlabeled, _options);
    }

    /// <summary>
    /// Classifies one vector.
    /// </summary>
    /// <param name="embedding">The vector, of length <see cref="Dimensions"/>; it need not be normalized.</param>
    /// <returns>The predicted label, its score and every class's score.</returns>
    /// <remarks>
    /// An all-zero vector has cosine 0 with everything, so every class scores 0 and the first class wins the tie.
    /// Ties always go to the class that comes first in <see cref="Labels"/>, never to several classes at once.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="embedding"/> has the wrong length or holds NaN or infinity.</exception>
    public Prediction Predict(ReadOnlySpan<float> embedding)
    {
        float[]? rented = null;
        Span<float> scores = _labels.Length <= StackLimit
            ? stackalloc float[StackLimit]
            : (rented = ArrayPool<float>.Shared.Rent(_labels.Length));
        scores = scores[.._labels.Length];
        try
        {
            int best = Score(embedding, scores);
            var classScores = new ClassScore[_labels.Length];
            for (int c = 0; c < classScores.Length; c++)
            {
                classScores[c] = new ClassScore(_labels[c], scores[c]);
            }

            return new Prediction(_labels[best], scores[best], classScores)
            {
                IsUnknown = _options.DetectUnknown && scores[best] < UnknownThreshold,
            };
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Scores one vector against every class without allocating, and returns the index of the predicted class.
    /// </summary>
    /// <param name="embedding">The vector, of length <see cref="Dimensions"/>; it need not be normalized.</param>
    /// <param name="classScores">Receives each class's score, in the order of <see cref="Labels"/>; its length must equal the number of classes.</param>
    /// <returns>The index into <see cref="Labels"/> of the predicted class.</returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="embedding"/> has the wrong length or holds NaN or infinity, or <paramref name="classScores"/> has the wrong length.
    /// </exception>
    public int Score(ReadOnlySpan<float> embedding, Span<float> classScores)
    {
        float inverseNorm = InverseNormOf(embedding);
        if (classScores.Length != _labels.Length)
        {
            throw new ArgumentException(
                $"The destination has room for {classScores.Length} scores but there are {_labels.Length} classes.",
                nameof(classScores));
        }

        // A zero query has cosine 0 with everything by this library's definition, centered or not.
        if (_center is null || inverseNorm == 0)
        {
            return ScoreNormalized(embedding, inverseNorm, classScores);
        }

        float[]? rented = null;
        Span<float> centered = Dimensions <= 4 * StackLimit
            ? stackalloc float[4 * StackLimit]
            : (rented = ArrayPool<float>.Shared.Rent(Dimensions));
        centered = centered[..Dimensions];
        try
        {
            return ScoreNormalized(centered, CenterQuery(embedding, inverseNorm, centered), classScores);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Checks that a query fits this classifier and returns the reciprocal of its length: stored vectors are unit length,
    /// so scaling dot products by it gives cosines. Returns 0 for a zero vector.
    /// </summary>
    private float InverseNormOf(ReadOnlySpan<float> embedding)
    {
        if (embedding.Length != Dimensions)
        {
            throw new ArgumentException(
                $"The embedding has {embedding.Length} dimensions but this classifier holds {Dimensions}-dimensional vectors.",
                nameof(embedding));
        }

        float norm = VectorMath.Norm(embedding);
        if (!float.IsFinite(norm))
        {
            throw new ArgumentException("The embedding holds NaN or infinity (or values so large that its length overflows).", nameof(embedding));
        }

        return norm > 0 ? 1 / norm : 0;
    }

    /// <summary>
    /// Writes the query as the examples were stored — normalized, then the shared center taken off — into
    /// <paramref name="destination"/>, and returns the reciprocal of that vector's length (0 when it is zero).
    /// </summary>
    private float CenterQuery(ReadOnlySpan<float> embedding, float inverseNorm, Span<float> destination)
    {
        embedding.CopyTo(destination);
        TensorPrimitives.Multiply(destination, inverseNorm, destination);
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] -= _center![i];
        }

        float norm = VectorMath.Norm(destination);
        return norm > 0 ? 1 / norm : 0;
    }

    private int ScoreNormalized(ReadOnlySpan<float> embedding, float inverseNorm, Span<float> classScores) =>
        _options.Strategy == ClassificationStrategy.KNearestNeighbors
            ? ScoreNeighbors(embedding, inverseNorm, classScores)
            : ScorePrototypes(embedding, inverseNorm, classScores);

    private static void CopyNormalized(ReadOnlySpan<float> source, Span<float> destination, int dimensions, int index, string parameterName)
    {
        if (source.Length == 0)
        {
            throw new ArgumentException($"{parameterName}[{index}] is an empty vector.", parameterName);
        }

        if (source.Length != dimensions)
        {
            throw new ArgumentException(
                $"{parameterName}[{index}] has {source.Length} dimensions but the first example has {dimensions}; all vectors must come from one embedding model.",
                parameterName);
        }

        source.CopyTo(destination);
        float norm = VectorMath.Normalize(destination);
        if (!float.IsFinite(norm))
        {
            throw new ArgumentException($"{parameterName}[{index}] holds NaN or infinity.", parameterName);
        }

        if (norm == 0)
        {
            throw new ArgumentException($"{parameterName}[{index}] is all zeros, which has no direction to compare.", parameterName);
        }
    }
}
