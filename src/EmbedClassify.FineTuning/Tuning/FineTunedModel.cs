using System.Text.Json;
using EmbedClassify.Onnx;
using EmbedClassify.Onnx.MiniLM;

namespace EmbedClassify.FineTuning;

/// <summary>
/// all-MiniLM-L6-v2 fine-tuned on labelled examples: a float32 ONNX graph of the same shape as the built-in model, with
/// its own model id (the base id plus a fingerprint of its weights), so its vectors never share a cache entry or a
/// saved classifier with another model's.
/// </summary>
/// <remarks>
/// Create one with <see cref="TrainAsync"/>, embed with <see cref="CreateGenerator"/>, keep it with
/// <see cref="SaveAsync"/> (a folder that <see cref="LoadAsync"/> and <see cref="OnnxEmbeddingGenerator.FromDirectory"/>
/// read). <see cref="FineTunedClassifier"/> does all of it in one call.
/// </remarks>
public sealed class FineTunedModel
{
    /// <summary>The name of the file in a saved model's folder that records its identity and how it was trained.</summary>
    public const string DescriptionFileName = "fine-tuning.json";

    private const string ModelFileName = "model.onnx";
    private const string VocabularyFileName = "vocab.txt";
    private const string IdInfix = "-tuned-";

    private readonly byte[] _graph;

    private FineTunedModel(byte[] graph, string fingerprint, FineTuningSummary summary)
    {
        _graph = graph;
        Fingerprint = fingerprint;
        Summary = summary;
        ModelId = OnnxEmbeddingGenerator.DefaultModelId + IdInfix + fingerprint[..16];
    }

    /// <summary>Gets the model id its generators report, for example <c>all-MiniLM-L6-v2-tuned-3f9c0e1d2b4a5c6d</c>.</summary>
    public string ModelId { get; }

    /// <summary>Gets the SHA-256 of the tuned weights, as lowercase hex; <see cref="ModelId"/> ends with its first 16 characters.</summary>
    public string Fingerprint { get; }

    /// <summary>Gets how the model was trained.</summary>
    public FineTuningSummary Summary { get; }

    /// <summary>
    /// Tells whether <paramref name="modelId"/> is the id of a fine-tuned model (as a saved classifier records it), so a
    /// loader knows to look for the tuned model rather than the built-in one.
    /// </summary>
    /// <param name="modelId">A model id, for example from <see cref="ModelInfo"/>.</param>
    /// <returns><see langword="true"/> for ids this class gives.</returns>
    public static bool IsFineTunedModelId(string? modelId) =>
        modelId is not null && modelId.StartsWith(OnnxEmbeddingGenerator.DefaultModelId + IdInfix, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Fine-tunes the built-in all-MiniLM-L6-v2 on <paramref name="examples"/> (SetFit's contrastive step: one epoch of
    /// AdamW over balanced same-label / other-label pairs). Runs on the calling machine's CPU cores; see docs/accuracy.md
    /// for its time and memory.
    /// </summary>
    /// <param name="examples">Labelled examples of at least two labels; blank texts are refused.</param>
    /// <param name="options">Optional settings; copied, so later changes have no effect.</param>
    /// <param name="progress">Optional; told after each optimizer step.</param>
    /// <param name="cancellationToken">Checked between steps.</param>
    /// <returns>The tuned model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="examples"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An example has a blank (or default) text or label, or fewer than two labels are given.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public static async Task<FineTunedModel> TrainAsync(
        IEnumerable<LabeledExample> examples,
        FineTuningOptions? options = null,
        IProgress<FineTuningProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(examples);
        options = options?.Clone() ?? new FineTuningOptions();
        (string[] texts, int[] labels, int classCount) = ReadExamples(examples, nameof(examples));
        if (classCount < 2)
        {
            throw new ArgumentException("Fine-tuning needs examples of at least two labels.", nameof(examples));
        }

        // Training is CPU-bound for minutes: keep it off the caller's thread (a UI or request thread).
        return await Task.Run(() => Train(texts, labels, options, progress, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Loads a model saved by <see cref="SaveAsync"/>, checking that its weights are the ones its description names.</summary>
    /// <param name="directory">The folder the model was saved to.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is <see langword="null"/>, empty or white space.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">A file of the saved model is missing.</exception>
    /// <exception cref="InvalidDataException">The files are damaged, or the weights are not the ones the description's fingerprint names.</exception>
    public static async Task<FineTunedModel> LoadAsync(string directory, CancellationToken cancellationToken = default)
    {
        (string folder, string descriptionPath, string modelPath) = Locate(directory);
        FineTunedModelDescription? description;
        try
        {
            await using FileStream stream = File.OpenRead(descriptionPath);
            description = await JsonSerializer.DeserializeAsync(stream, FineTuningJsonContext.Default.FineTunedModelDescription, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{descriptionPath}' is not a fine-tuned model description.", e);
        }

        byte[] graph = await File.ReadAllBytesAsync(modelPath, cancellationToken).ConfigureAwait(false);
        return Verify(folder, descriptionPath, modelPath, description, graph);
    }

    /// <summary>Loads a model saved by <see cref="SaveAsync"/>, like <see cref="LoadAsync"/>, synchronously.</summary>
    /// <param name="directory">The folder the model was saved to.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is <see langword="null"/>, empty or white space.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">A file of the saved model is missing.</exception>
    /// <exception cref="InvalidDataException">The files are damaged, or the weights are not the ones the description's fingerprint names.</exception>
    public static FineTunedModel Load(string directory)
    {
        (string folder, string descriptionPath, string modelPath) = Locate(directory);
        FineTunedModelDescription? description;
        try
        {
            using FileStream stream = File.OpenRead(descriptionPath);
            description = JsonSerializer.Deserialize(stream, FineTuningJsonContext.Default.FineTunedModelDescription);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{descriptionPath}' is not a fine-tuned model description.", e);
        }

        return Verify(folder, descriptionPath, modelPath, description, File.ReadAllBytes(modelPath));
    }

    /// <summary>
    /// Creates a generator that embeds with this model (mean pooling, L2-normalised, like the built-in one), reporting
    /// <see cref="ModelId"/>.
    /// </summary>
    /// <param name="options">
    /// Optional generator settings; copied. <see cref="OnnxEmbeddingGeneratorOptions.ModelId"/> must be unset (the id
    /// is the model's). <see cref="OnnxModelPrecision.Int8"/> quantizes the tuned graph as the built-in int8 graph is
    /// quantized (int8 MatMul weights, one scale per output column). The vectors carry <see cref="ModelId"/> with the
    /// suffixes of <see cref="OnnxEmbeddingGenerator.ModelIdFor"/> (another token window, cased text, int8).
    /// </param>
    /// <returns>A new generator; the caller disposes it.</returns>
    /// <exception cref="ArgumentException"><paramref name="options"/> sets a model id.</exception>
    public OnnxEmbeddingGenerator CreateGenerator(OnnxEmbeddingGeneratorOptions? options = null)
    {
        if (options?.ModelId is not null)
        {
            throw new ArgumentException($"A fine-tuned model's id is its own ({ModelId}); leave ModelId unset.", nameof(options));
        }

        if (options?.Precision == OnnxModelPrecision.Int8)
        {
            global::Onnx.ModelProto model = global::Onnx.ModelProto.Parser.ParseFrom(_graph);
            EmbedClassify.Onnx.Quantizer.DynamicQuantizer.Quantize(model, EmbedClassify.Onnx.Quantizer.QuantizationScheme.Default);
            return OnnxEmbeddingGenerator.FromMiniLMGraph(Google.Protobuf.MessageExtensions.ToByteArray(model), ModelId, options);
        }

        return OnnxEmbeddingGenerator.FromMiniLMGraph(_graph, ModelId, options);
    }

    /// <summary>
    /// Saves the model into <paramref name="directory"/> (created if needed): <c>model.onnx</c>, <c>vocab.txt</c> and
    /// <see cref="DescriptionFileName"/>. Each file is written under a temporary name and then moved, so an interrupted
    /// save never leaves a file that looks complete.
    /// </summary>
    /// <param name="directory">The folder to write into; files of the same names are replaced.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the files are written.</returns>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is <see langword="null"/>, empty or white space.</exception>
    public async Task SaveAsync(string directory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string folder = Path.GetFullPath(directory);
        Directory.CreateDirectory(folder);

        await WriteAtomicallyAsync(Path.Combine(folder, ModelFileName), stream => stream.WriteAsync(_graph, cancellationToken), cancellationToken).ConfigureAwait(false);
        await WriteAtomicallyAsync(Path.Combine(folder, VocabularyFileName), async stream =>
        {
            await using Stream vocabulary = MiniLMModelFiles.OpenVocabulary();
            await vocabulary.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);

        // Written last: a folder whose description exists has its model file complete.
        var description = new FineTunedModelDescription { ModelId = ModelId, Fingerprint = Fingerprint, Summary = Summary };
        await WriteAtomicallyAsync(
            Path.Combine(folder, DescriptionFileName),
            stream => new ValueTask(JsonSerializer.SerializeAsync(stream, description, FineTuningJsonContext.Default.FineTunedModelDescription, cancellationToken)),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the tuned weights back out of the graph.</summary>
    internal BertWeights ReadWeights() => OnnxBertGraph.Parse(_graph).ReadWeights();

    internal static FineTunedModel FromGraph(byte[] graph, BertWeights weights, FineTuningSummary summary) =>
        new(graph, OnnxBertGraph.Fingerprint(weights), summary);

    private static (string Folder, string DescriptionPath, string ModelPath) Locate(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string folder = Path.GetFullPath(directory);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The fine-tuned model folder '{folder}' does not exist.");
        }

        string descriptionPath = Path.Combine(folder, DescriptionFileName);
        string modelPath = Path.Combine(folder, ModelFileName);
        foreach (string path in (ReadOnlySpan<string>)[descriptionPath, modelPath])
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"The fine-tuned model folder '{folder}' has no '{Path.GetFileName(path)}'.", path);
            }
        }

        return (folder, descriptionPath, modelPath);
    }

    private static FineTunedModel Verify(string folder, string descriptionPath, string modelPath, FineTunedModelDescription? description, byte[] graph)
    {
        if (description?.Fingerprint is not { Length: 64 } || description.Summary is null)
        {
            throw new InvalidDataException($"'{descriptionPath}' names no fingerprint or no training summary.");
        }

        string fingerprint = OnnxBertGraph.Fingerprint(OnnxBertGraph.Parse(graph).ReadWeights());
        if (!string.Equals(fingerprint, description.Fingerprint, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException(
                $"The weights in '{modelPath}' are not the ones '{DescriptionFileName}' in '{folder}' names (fingerprint {fingerprint[..16]}…, expected {description.Fingerprint[..16]}…): the file was changed or damaged.");
        }

        return new FineTunedModel(graph, fingerprint, description.Summary);
    }

    internal static (string[] Texts, int[] Labels, int ClassCount) ReadExamples(IEnumerable<LabeledExample> examples, string parameterName)
    {
        var texts = new List<string>();
        var labels = new List<int>();
        var classes = new Dictionary<string, int>(StringComparer.Ordinal);
        int index = 0;
        foreach (LabeledExample example in examples)
        {
            if (string.IsNullOrWhiteSpace(example.Text) || string.IsNullOrWhiteSpace(example.Label))
            {
                throw new ArgumentException($"Example {index} has a blank text or label.", parameterName);
            }

            if (!classes.TryGetValue(example.Label, out int label))
            {
                classes[example.Label] = label = classes.Count;
            }

            texts.Add(example.Text);
            labels.Add(label);
            index++;
        }

        return ([.. texts], [.. labels], classes.Count);
    }

    private static FineTunedModel Train(string[] texts, int[] labels, FineTuningOptions options, IProgress<FineTuningProgress>? progress, CancellationToken cancellationToken)
    {
        byte[] baseGraph;
        using (Stream model = MiniLMModelFiles.OpenFloat32Model())
        {
            baseGraph = new byte[model.Length];
            model.ReadExactly(baseGraph);
        }

        OnnxBertGraph graph = OnnxBertGraph.Parse(baseGraph);
        BertWeights weights = graph.ReadWeights();
        FineTuningSummary summary = SetFitTrainer.Train(weights, texts, labels, options, progress, cancellationToken);
        return FromGraph(graph.WriteModel(weights), weights, summary);
    }

    private static async Task WriteAtomicallyAsync(string path, Func<Stream, ValueTask> write, CancellationToken cancellationToken)
    {
        string temporary = path + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await write(stream).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
