using EmbedClassify.Onnx;

namespace EmbedClassify.FineTuning;

/// <summary>
/// The one <see cref="FewShotClassifier"/>, fitted on embeddings of a model fine-tuned on its own examples, together
/// with that model and the generator it embeds with. Everything the classifier does (predictions, probabilities,
/// unknown detection, explanations, adding examples, saving) works as usual through <see cref="Classifier"/>.
/// </summary>
/// <remarks>
/// <see cref="SaveAsync"/> writes the classifier file and, beside it, the tuned model's folder
/// (<see cref="ModelFolder"/>); the classifier file records the tuned model's id, so <see cref="LoadAsync"/> (and
/// <c>embedclassify predict</c>) find the model it needs, and loading it with any other generator is refused.
/// Disposing releases the generator.
/// </remarks>
public sealed partial class FineTunedClassifier : IDisposable
{
    private FineTunedClassifier(FewShotClassifier classifier, FineTunedModel model, OnnxEmbeddingGenerator generator)
    {
        Classifier = classifier;
        Model = model;
        Generator = generator;
    }

    /// <summary>Gets the classifier.</summary>
    public FewShotClassifier Classifier { get; }

    /// <summary>Gets the fine-tuned model the classifier's vectors come from.</summary>
    public FineTunedModel Model { get; }

    /// <summary>Gets the generator that embeds with <see cref="Model"/>; owned by this instance.</summary>
    public OnnxEmbeddingGenerator Generator { get; }

    /// <summary>Gets the folder <see cref="SaveAsync"/> writes the tuned model to, beside a classifier saved at <paramref name="classifierPath"/>.</summary>
    /// <param name="classifierPath">The classifier file's path.</param>
    /// <returns>The path with <c>.tuned</c> appended.</returns>
    /// <exception cref="ArgumentException"><paramref name="classifierPath"/> is <see langword="null"/>, empty or white space.</exception>
    public static string ModelFolder(string classifierPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(classifierPath);
        return Path.GetFullPath(classifierPath) + ".tuned";
    }

    /// <summary>
    /// Fine-tunes the built-in model on <paramref name="examples"/> (<see cref="FineTunedModel.TrainAsync"/>), then
    /// creates the classifier from the same examples embedded by the tuned model.
    /// </summary>
    /// <param name="examples">Labelled examples of at least two labels.</param>
    /// <param name="fineTuning">Optional fine-tuning settings.</param>
    /// <param name="options">Optional classifier settings, as for <see cref="FewShotClassifier.CreateAsync(Microsoft.Extensions.AI.IEmbeddingGenerator{string, Microsoft.Extensions.AI.Embedding{float}}, IEnumerable{LabeledExample}, FewShotClassifierOptions?, CancellationToken)"/>.</param>
    /// <param name="generatorOptions">Optional settings of the tuned model's generator (batching, sequence length); no model id, float32 only.</param>
    /// <param name="progress">Optional; told after each optimizer step.</param>
    /// <param name="cancellationToken">Checked between steps and embedding batches.</param>
    /// <returns>The classifier with its model; the caller disposes it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="examples"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The examples or options are not valid (the message says which).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public static async Task<FineTunedClassifier> CreateAsync(
        IEnumerable<LabeledExample> examples,
        FineTuningOptions? fineTuning = null,
        FewShotClassifierOptions? options = null,
        OnnxEmbeddingGeneratorOptions? generatorOptions = null,
        IProgress<FineTuningProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(examples);
        LabeledExample[] list = [.. examples];
        FineTunedModel model = await FineTunedModel.TrainAsync(list, fineTuning, progress, cancellationToken).ConfigureAwait(false);
        OnnxEmbeddingGenerator generator = model.CreateGenerator(generatorOptions);
        try
        {
            FewShotClassifier classifier = await FewShotClassifier.CreateAsync(generator, list, options, cancellationToken).ConfigureAwait(false);
            return new FineTunedClassifier(classifier, model, generator);
        }
        catch
        {
            generator.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Loads a classifier saved by <see cref="SaveAsync"/>: the tuned model from <see cref="ModelFolder"/> (its weights
    /// checked against its fingerprint), then the classifier, refused unless it was fitted on that model.
    /// </summary>
    /// <param name="path">The classifier file.</param>
    /// <param name="generatorOptions">Optional settings of the tuned model's generator; no model id, float32 only.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The classifier with its model; the caller disposes it.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is <see langword="null"/>, empty or white space, or its classifier was not fitted on a fine-tuned model.</exception>
    /// <exception cref="FileNotFoundException">The classifier file or a file of the model folder is missing.</exception>
    /// <exception cref="DirectoryNotFoundException">The model folder is missing.</exception>
    /// <exception cref="InvalidDataException">A file is damaged, or the model's weights are not the ones recorded.</exception>
    /// <exception cref="EmbeddingModelMismatchException">The classifier was fitted on another model than the folder's.</exception>
    public static async Task<FineTunedClassifier> LoadAsync(
        string path,
        OnnxEmbeddingGeneratorOptions? generatorOptions = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The classifier file '{Path.GetFullPath(path)}' does not exist.", Path.GetFullPath(path));
        }

        // The classifier file is read once: its identity is read on its own only when the model folder is missing, to
        // tell a classifier of another model (ArgumentException) from one whose tuned model was not copied with it.
        string folder = ModelFolder(path);
        if (!Directory.Exists(folder))
        {
            ModelIdentity identity = ModelInfo.Read(path).Identity;
            ThrowUnlessFineTuned(identity, path, inner: null);
        }

        FineTunedModel model = await FineTunedModel.LoadAsync(folder, cancellationToken).ConfigureAwait(false);
        OnnxEmbeddingGenerator generator = model.CreateGenerator(generatorOptions);
        try
        {
            FewShotClassifier classifier;
            try
            {
                classifier = await FewShotClassifier.LoadAsync(generator, path, cancellationToken).ConfigureAwait(false);
            }
            catch (EmbeddingModelMismatchException e) when (e.Saved is { } saved)
            {
                ThrowUnlessFineTuned(saved, path, e);
                throw;
            }

            return new FineTunedClassifier(classifier, model, generator);
        }
        catch
        {
            generator.Dispose();
            throw;
        }
    }

    /// <summary>Saves the classifier to <paramref name="path"/> and the tuned model to <see cref="ModelFolder"/> of it.</summary>
    /// <param name="path">The classifier file to create or replace.</param>
    /// <param name="includeTexts"><see langword="true"/> to store the examples' texts in the classifier file too.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when both are written.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is <see langword="null"/>, empty or white space.</exception>
    public async Task SaveAsync(string path, bool includeTexts = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);

        // The model first: a classifier file is never left without the model it needs.
        await Model.SaveAsync(ModelFolder(path), cancellationToken).ConfigureAwait(false);
        await Classifier.SaveAsync(path, includeTexts, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Releases the generator.</summary>
    public void Dispose() => Generator.Dispose();

    private static void ThrowUnlessFineTuned(ModelIdentity saved, string path, Exception? inner)
    {
        if (!FineTunedModel.IsFineTunedModelId(saved.ModelId))
        {
            throw new ArgumentException(
                $"The classifier in '{Path.GetFullPath(path)}' was fitted on {saved.ProviderName}/{saved.ModelId}, not on a fine-tuned model; load it with FewShotClassifier.LoadAsync and a generator of that model.",
                nameof(path),
                inner);
        }
    }
}
