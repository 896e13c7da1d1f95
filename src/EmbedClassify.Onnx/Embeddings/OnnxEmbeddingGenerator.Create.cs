using EmbedClassify.Onnx.MiniLM;

namespace EmbedClassify.Onnx;

/// <content>Factories that load a model from embedded resources or from a folder.</content>
public sealed partial class OnnxEmbeddingGenerator
{
    /// <summary>The model id of the model <see cref="CreateDefault"/> loads at <see cref="OnnxModelPrecision.Float32"/>.</summary>
    public const string DefaultModelId = "all-MiniLM-L6-v2";

    /// <summary>
    /// The suffix appended to the model id at <see cref="OnnxModelPrecision.Int8"/> (so the default int8 id is
    /// <c>all-MiniLM-L6-v2-int8</c>): int8 and float32 vectors differ slightly, so they must never share a cache entry
    /// or a saved model.
    /// </summary>
    public const string Int8ModelIdSuffix = "-int8";

    /// <summary>
    /// The suffix appended to the model id when <see cref="OnnxEmbeddingGeneratorOptions.LowerCase"/> is
    /// <see langword="false"/>: the same text is tokenized differently, so its vectors differ.
    /// </summary>
    public const string CasedModelIdSuffix = "-cased";

    /// <summary>
    /// Returns the model id the vectors of a generator carry: <paramref name="modelId"/>, then <c>-{n}tokens</c> when
    /// <see cref="OnnxEmbeddingGeneratorOptions.MaxSequenceLength"/> is not
    /// <see cref="OnnxEmbeddingGeneratorOptions.DefaultMaxSequenceLength"/>, <see cref="CasedModelIdSuffix"/> when text is
    /// not lowercased, and <see cref="Int8ModelIdSuffix"/> at <see cref="OnnxModelPrecision.Int8"/>.
    /// </summary>
    /// <param name="modelId">The model's own id (or <see cref="OnnxEmbeddingGeneratorOptions.ModelId"/>).</param>
    /// <param name="options">The settings the generator runs with.</param>
    /// <returns>The id; at the default settings and float32, <paramref name="modelId"/> itself.</returns>
    /// <remarks>
    /// A text longer than the window, or with capitals, gets another vector under other settings; the cache and saved
    /// classifiers key on this id, so vectors made under different settings never meet (a classifier saved at 512
    /// tokens is refused by a generator at 256 instead of classifying cut texts against whole ones).
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="modelId"/> is null, empty or only white space.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public static string ModelIdFor(string modelId, OnnxEmbeddingGeneratorOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        ArgumentNullException.ThrowIfNull(options);
        string length = options.MaxSequenceLength == OnnxEmbeddingGeneratorOptions.DefaultMaxSequenceLength
            ? string.Empty
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"-{options.MaxSequenceLength}tokens");
        return modelId + length + (options.LowerCase ? string.Empty : CasedModelIdSuffix)
            + (options.Precision == OnnxModelPrecision.Int8 ? Int8ModelIdSuffix : string.Empty);
    }

    /// <summary>
    /// Creates a generator for all-MiniLM-L6-v2 (384 dimensions), loaded from the resources of the
    /// <c>EmbedClassify.Onnx.MiniLM</c> package at the <see cref="OnnxEmbeddingGeneratorOptions.Precision"/> of
    /// <paramref name="options"/>; nothing is downloaded.
    /// </summary>
    /// <param name="options">Optional settings; they are copied, so later changes have no effect.</param>
    /// <returns>A new generator; the caller disposes it.</returns>
    /// <exception cref="InvalidOperationException">The model resources could not be found in <c>EmbedClassify.Onnx.MiniLM</c>.</exception>
    /// <exception cref="Microsoft.ML.OnnxRuntime.OnnxRuntimeException">ONNX Runtime failed to load the model.</exception>
    public static OnnxEmbeddingGenerator CreateDefault(OnnxEmbeddingGeneratorOptions? options = null) =>
        Create(LocalModelDescription.MiniLM, options);

    /// <summary>
    /// Creates a generator for a built-in model at the <see cref="OnnxEmbeddingGeneratorOptions.Precision"/> of
    /// <paramref name="options"/>, pooled as the model was trained; the model packages (MiniLM, arctic-embed-xs) call it.
    /// </summary>
    /// <exception cref="ArgumentException"><see cref="OnnxEmbeddingGeneratorOptions.MaxSequenceLength"/> exceeds the model's position table.</exception>
    internal static OnnxEmbeddingGenerator Create(LocalModelDescription model, OnnxEmbeddingGeneratorOptions? options)
    {
        ArgumentNullException.ThrowIfNull(model);
        options = options?.Clone() ?? new OnnxEmbeddingGeneratorOptions();
        if (options.MaxSequenceLength > model.MaxPositions)
        {
            throw new ArgumentException(
                $"MaxSequenceLength {options.MaxSequenceLength} exceeds the {model.MaxPositions} positions of the model '{model.ModelId}'.", nameof(options));
        }

        bool int8 = options.Precision == OnnxModelPrecision.Int8;
        byte[] modelBytes;
        using (Stream graph = int8 ? model.OpenInt8Model() : model.OpenFloat32Model())
        {
            modelBytes = new byte[graph.Length];
            graph.ReadExactly(modelBytes);
        }

        BertWordPieceEncoder encoder;
        using (Stream vocabulary = model.OpenVocabulary())
        {
            encoder = BertWordPieceEncoder.Create(vocabulary, options.LowerCase, options.MaxSequenceLength);
        }

        SentenceEmbeddingModel sentenceModel = SentenceEmbeddingModel.Create(modelBytes, options.IntraOpThreads, model.Pooling);
        string modelId = ModelIdFor(options.ModelId ?? model.ModelId, options);
        return new OnnxEmbeddingGenerator(sentenceModel, encoder, options, modelId, providerUri: null);
    }

    /// <summary>
    /// Creates a generator for a float32 graph of all-MiniLM-L6-v2's architecture and vocabulary whose weights differ
    /// (a fine-tuned copy), under its own <paramref name="modelId"/> (with the suffixes of <see cref="ModelIdFor"/>) so
    /// its vectors never mix with the original's.
    /// </summary>
    internal static OnnxEmbeddingGenerator FromMiniLMGraph(byte[] modelBytes, string modelId, OnnxEmbeddingGeneratorOptions? options)
    {
        options = options?.Clone() ?? new OnnxEmbeddingGeneratorOptions();
        BertWordPieceEncoder encoder = CreateMiniLMEncoder(options.LowerCase, options.MaxSequenceLength);
        SentenceEmbeddingModel sentenceModel = SentenceEmbeddingModel.Create(modelBytes, options.IntraOpThreads);
        return new OnnxEmbeddingGenerator(sentenceModel, encoder, options, ModelIdFor(modelId, options), providerUri: null);
    }

    /// <summary>Creates the WordPiece encoder of the built-in model's vocabulary.</summary>
    internal static BertWordPieceEncoder CreateMiniLMEncoder(bool lowerCase, int maxSequenceLength)
    {
        using Stream vocabulary = MiniLMModelFiles.OpenVocabulary();
        return BertWordPieceEncoder.Create(vocabulary, lowerCase, maxSequenceLength);
    }

    /// <summary>
    /// Creates a generator for a BERT-family sentence-transformers model exported to ONNX, read
    /// from <c>model.onnx</c> and <c>vocab.txt</c> in <paramref name="modelDirectory"/>.
    /// </summary>
    /// <param name="modelDirectory">
    /// The folder holding <c>model.onnx</c> (whose token-state output is mean-pooled) and the
    /// WordPiece <c>vocab.txt</c>.
    /// </param>
    /// <param name="options">
    /// Optional settings; they are copied, so later changes have no effect. Set
    /// <see cref="OnnxEmbeddingGeneratorOptions.MaxSequenceLength"/> and
    /// <see cref="OnnxEmbeddingGeneratorOptions.LowerCase"/> to match the model.
    /// </param>
    /// <returns>A new generator; the caller disposes it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="modelDirectory"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelDirectory"/> is empty or only white space, or <paramref name="options"/> sets a <see cref="OnnxEmbeddingGeneratorOptions.Precision"/> other than <see cref="OnnxModelPrecision.Float32"/>.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist; the message names its full path.</exception>
    /// <exception cref="FileNotFoundException"><c>model.onnx</c> or <c>vocab.txt</c> is missing; <see cref="FileNotFoundException.FileName"/> is the expected full path.</exception>
    /// <exception cref="NotSupportedException">The model's inputs or outputs are not those of a BERT-family encoder.</exception>
    /// <exception cref="Microsoft.ML.OnnxRuntime.OnnxRuntimeException">ONNX Runtime failed to load the model.</exception>
    public static OnnxEmbeddingGenerator FromDirectory(string modelDirectory, OnnxEmbeddingGeneratorOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDirectory);
        options = options?.Clone() ?? new OnnxEmbeddingGeneratorOptions();
        if (options.Precision != OnnxModelPrecision.Float32)
        {
            // The folder's model.onnx runs as it is; quantizing it is a build step (the Precision of the built-in model).
            throw new ArgumentException(
                $"Precision {options.Precision} applies to the built-in model (CreateDefault); FromDirectory runs the folder's model.onnx as it is, so leave Precision at {OnnxModelPrecision.Float32}.", nameof(options));
        }

        string directory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(modelDirectory));
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The model folder '{directory}' does not exist.");
        }

        string modelPath = RequireFile(directory, "model.onnx");
        string vocabularyPath = RequireFile(directory, "vocab.txt");

        BertWordPieceEncoder encoder;
        using (FileStream vocabulary = File.OpenRead(vocabularyPath))
        {
            encoder = BertWordPieceEncoder.Create(vocabulary, options.LowerCase, options.MaxSequenceLength);
        }

        SentenceEmbeddingModel model = SentenceEmbeddingModel.Create(modelPath, options.IntraOpThreads);
        string modelId = ModelIdFor(options.ModelId ?? (Path.GetFileName(directory) is { Length: > 0 } name ? name : directory), options);
        return new OnnxEmbeddingGenerator(model, encoder, options, modelId, new Uri(directory));
    }

    private static string RequireFile(string directory, string fileName)
    {
        string path = Path.Combine(directory, fileName);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"The model folder '{directory}' has no '{fileName}'; expected '{path}'.", path);
    }
}
