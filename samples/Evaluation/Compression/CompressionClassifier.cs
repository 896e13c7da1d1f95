using System.Buffers;
using System.Text;

namespace EmbedClassify.Samples;

/// <summary>
/// Represents a fitted embedding-free text classifier: k-nearest neighbours under the normalized compression distance
/// ("Less is More: Parameter-Free Text Classification with Gzip", Jiang et al., 2023), measured with .NET's Deflate.
/// </summary>
/// <remarks>
/// <para>
/// The distance between texts x and y is NCD(x, y) = (C(x y) − min(C(x), C(y))) / max(C(x), C(y)), where C is the
/// length of the Deflate-compressed UTF-8 bytes (gzip's compression, without gzip's fixed header and trailer, which
/// distort the distance of short texts) and x y is the query, one space, and the example, as in the paper. Two texts
/// that share much compress well together and are close. NCD is about 0 for identical texts and about 1 for unrelated
/// ones, and can slightly exceed 1 because compression is not ideal. It is not exactly symmetric, as the compressor sees the query
/// first.
/// </para>
/// <para>
/// A class's score is 1 − the smallest NCD between the input and that class's examples, so it is at most 1 and can be
/// slightly below 0; it is not a cosine or a probability. The label is chosen by a vote of the <see cref="CompressionClassifierOptions.Neighbors"/>
/// nearest examples; see <see cref="Predict(string)"/> for how ties are broken.
/// </para>
/// <para>
/// Instances are immutable and thread-safe. Each prediction compresses the input once per example, so it costs
/// O(examples × text length); the classifier is meant for the few-shot regime.
/// </para>
/// </remarks>
internal sealed partial class CompressionClassifier
{
    // Larger example or class counts fall back to pooled arrays, so that huge example sets cannot overflow the stack.
    private const int StackLimit = 256;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly string[] _labels;
    private readonly int[] _exampleClasses;
    private readonly byte[] _exampleBytes;
    private readonly int[] _exampleOffsets;
    private readonly int[] _compressedLengths;
    private readonly int _longestExample;
    private readonly CompressionClassifierOptions _options;

    private CompressionClassifier(
        string[] labels,
        int[] exampleClasses,
        byte[] exampleBytes,
        int[] exampleOffsets,
        int[] compressedLengths,
        CompressionClassifierOptions options)
    {
        _labels = labels;
        _exampleClasses = exampleClasses;
        _exampleBytes = exampleBytes;
        _exampleOffsets = exampleOffsets;
        _compressedLengths = compressedLengths;
        _options = options;
        for (int i = 0; i < exampleClasses.Length; i++)
        {
            _longestExample = Math.Max(_longestExample, exampleOffsets[i + 1] - exampleOffsets[i]);
        }
    }

    /// <summary>Gets the class labels, in the order in which they first appeared among the examples.</summary>
    public IReadOnlyList<string> Labels => _labels;

    /// <summary>Gets the number of labelled examples the classifier was fitted on.</summary>
    public int ExampleCount => _exampleClasses.Length;

    /// <summary>Gets a copy of the options the classifier was fitted with.</summary>
    public CompressionClassifierOptions Options => _options.Clone();

    /// <summary>
    /// Fits a classifier to labelled texts: it keeps each text's UTF-8 bytes and compressed length.
    /// </summary>
    /// <param name="examples">The labelled texts: at least one, with at least two distinct labels.</param>
    /// <param name="options">The settings, or <see langword="null"/> for the defaults.</param>
    /// <returns>The fitted classifier.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="examples"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="examples"/> is empty, has fewer than two distinct labels, or holds a null or blank text or label.
    /// </exception>
    public static CompressionClassifier Fit(IEnumerable<LabeledExample> examples, CompressionClassifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(examples);
        options = options?.Clone() ?? new CompressionClassifierOptions();

        LabeledExample[] exampleList = [.. examples];
        if (exampleList.Length == 0)
        {
            throw new ArgumentException("At least one example is required.", nameof(examples));
        }

        // The label checks the library's classifiers make, kept short here: a sample baseline, not a library type.
        var labelIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var labelList = new List<string>();
        var exampleClasses = new int[exampleList.Length];
        var offsets = new int[exampleList.Length + 1];
        for (int i = 0; i < exampleList.Length; i++)
        {
            (string? text, string? label) = (exampleList[i].Text, exampleList[i].Label);
            if (string.IsNullOrWhiteSpace(text))
            {
                throw new ArgumentException(
                    $"examples[{i}] has a {(text is null ? "null" : "blank")} text; there is nothing to compress.",
                    nameof(examples));
            }

            if (string.IsNullOrWhiteSpace(label))
            {
                throw new ArgumentException($"examples[{i}] has a {(label is null ? "null" : "blank")} label; every example needs a label.", nameof(examples));
            }

            if (!labelIndex.TryGetValue(label, out int classIndex))
            {
                classIndex = labelList.Count;
                labelIndex.Add(label, classIndex);
                labelList.Add(label);
            }

            exampleClasses[i] = classIndex;
            offsets[i + 1] = checked(offsets[i] + Utf8.GetByteCount(text));
        }

        if (labelList.Count < 2)
        {
            throw new ArgumentException($"Every example has the label '{labelList[0]}'; a classifier needs examples of at least two classes.", nameof(examples));
        }

        string[] classLabels = [.. labelList];

        var bytes = new byte[offsets[^1]];
        var compressedLengths = new int[exampleList.Length];
        for (int i = 0; i < exampleList.Length; i++)
        {
            Span<byte> exampleBytes = bytes.AsSpan(offsets[i], offsets[i + 1] - offsets[i]);
            _ = Utf8.GetBytes(exampleList[i].Text, exampleBytes);
            compressedLengths[i] = CompressedLength(exampleBytes, options.CompressionLevel);
        }

        return new CompressionClassifier(classLabels, exampleClasses, bytes, offsets, compressedLengths, options);
    }

    /// <summary>
    /// Classifies one text.
    /// </summary>
    /// <param name="text">The text to classify.</param>
    /// <returns>The predicted label, its score and every class's score (1 − the smallest NCD to that class's examples).</returns>
    /// <remarks>
    /// <para>
    /// The <see cref="CompressionClassifierOptions.Neighbors"/> examples nearest by NCD vote, one vote each. Examples at
    /// exactly the same distance are taken in the order they were given to <see cref="Fit"/>. The class with the most
    /// votes wins; a tie in votes goes to the tied class whose voters have the smaller summed distance, and a tie in both
    /// to the tied class that comes first in <see cref="Labels"/>. A prediction therefore always names one class, and a
    /// tie is never resolved by counting it right for several classes at once.
    /// </para>
    /// <para>
    /// With one neighbour the label is always the class with the highest score. With more, the label can be a class
    /// whose score is not the highest, because votes count, not the single nearest example.
    /// </para>
    /// <para>This method is thread-safe.</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="text"/> is empty or white space.</exception>
    public Prediction Predict(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException("The text is empty or white space; there is nothing to compress.", nameof(text));
        }

        return PredictCore(text);
    }

    /// <summary>
    /// Classifies several texts, in parallel.
    /// </summary>
    /// <param name="texts">The texts to classify.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>One prediction per text, in input order, each the same as <see cref="Predict(string)"/> returns.</returns>
    /// <remarks>Every text is checked before any is classified. This method is thread-safe.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A text is null, empty or white space.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public IReadOnlyList<Prediction> PredictBatch(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        string[] items = [.. texts];
        for (int i = 0; i < items.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(items[i]))
            {
                throw new ArgumentException(
                    $"texts[{i}] is {(items[i] is null ? "null" : "empty or white space")}; there is nothing to compress.",
                    nameof(texts));
            }
        }

        var predictions = new Prediction[items.Length];
        Parallel.For(
            0,
            items.Length,
            new ParallelOptions { CancellationToken = cancellationToken },
            i => predictions[i] = PredictCore(items[i]));
        return predictions;
    }

    private Prediction PredictCore(string text)
    {
        int classCount = _labels.Length;
        float[]? rented = null;
        Span<float> scores = classCount <= StackLimit
            ? stackalloc float[StackLimit]
            : (rented = ArrayPool<float>.Shared.Rent(classCount));
        scores = scores[..classCount];
        try
        {
            int best = Score(text, scores);
            var classScores = new ClassScore[classCount];
            for (int c = 0; c < classCount; c++)
            {
                classScores[c] = new ClassScore(_labels[c], scores[c]);
            }

            return new Prediction(_labels[best], scores[best], classScores);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }
}
