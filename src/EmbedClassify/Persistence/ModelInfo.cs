namespace EmbedClassify;

/// <summary>
/// Represents what a saved model file holds — its format, embedding model, creation time, options, views, labels, label
/// descriptions and counts — read without an embedding generator, for tools that describe or check model files.
/// </summary>
/// <remarks>The whole file is verified (checksum and every section) before anything is reported, so a damaged file is an error, not a description.</remarks>
public sealed class ModelInfo
{
    private ModelInfo(
        int schemaVersion,
        ModelIdentity identity,
        ModelIdentity[] models,
        DateTime createdUtc,
        FewShotClassifierOptions options,
        IReadOnlyList<string> views,
        IReadOnlyList<string> labels,
        int exampleCount,
        int noneExampleCount,
        int unlabeledCount,
        bool includesTexts,
        FewShotClassifier classifier)
    {
        ViewScales = classifier.Views.ToDictionary(v => v.Name, v => v.Scale, StringComparer.Ordinal);
        DescribedOnlyLabels = [.. classifier.DescribedOnlyLabels];

        // The first description of a label is the one a class's stand-in was checked against when the file was read.
        Descriptions = classifier.Memory.Descriptions
            .DistinctBy(d => d.Label, StringComparer.Ordinal)
            .ToDictionary(d => d.Label, d => d.Text, StringComparer.Ordinal);
        Temperature = classifier.Temperature;
        SchemaVersion = schemaVersion;
        Identity = identity;
        Models = Array.AsReadOnly(models);
        CreatedUtc = createdUtc;
        Options = options;
        Views = views;
        Labels = labels;
        ExampleCount = exampleCount;
        NoneExampleCount = noneExampleCount;
        UnlabeledCount = unlabeledCount;
        IncludesTexts = includesTexts;
    }

    /// <summary>Gets the file's schema version: 1 for an embedding classifier alone, 2 for a classifier with its views.</summary>
    public int SchemaVersion { get; }

    /// <summary>Gets the embedding model the classifier's vectors come from.</summary>
    public ModelIdentity Identity { get; }

    /// <summary>
    /// Gets every embedding model the classifier needs, in view order: <see cref="Identity"/> alone, or each model that a
    /// <see cref="MultiViewEmbeddingGenerator"/> combined (whose combination <see cref="Identity"/> then is).
    /// </summary>
    public IReadOnlyList<ModelIdentity> Models { get; }

    /// <summary>Gets when the model was saved, in UTC.</summary>
    public DateTime CreatedUtc { get; }

    /// <summary>Gets a copy of the options the classifier was fitted with (the strategy is the fitted one, never Auto).</summary>
    public FewShotClassifierOptions Options => field.Clone();

    /// <summary>
    /// Gets the names of the views the file holds (<see cref="ClassifierView.EmbeddingName"/>, "embedding.1" and on for
    /// the other models of a <see cref="MultiViewEmbeddingGenerator"/>, <see cref="ClassifierView.WordsName"/>).
    /// </summary>
    public IReadOnlyList<string> Views { get; }

    /// <summary>
    /// Gets each view's factor on the shared logit scale (its weight divided by its leave-one-out temperature; see
    /// <see cref="ClassifierView.Scale"/>), by view name.
    /// </summary>
    public IReadOnlyDictionary<string, float> ViewScales { get; }

    /// <summary>Gets the temperature that turns the views' combined logits into probabilities (see <see cref="FewShotClassifier.Temperature"/>).</summary>
    public float Temperature { get; }

    /// <summary>Gets the class labels, in class order.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>
    /// Gets the labels whose class still rests on its description alone, with no example yet (see
    /// <see cref="FewShotClassifier.DescribedOnlyLabels"/>); empty for a classifier fitted on examples of every class.
    /// </summary>
    /// <remarks>Each such class's description is in <see cref="Descriptions"/>.</remarks>
    public IReadOnlyList<string> DescribedOnlyLabels { get; }

    /// <summary>
    /// Gets the label descriptions the classifier embedded, by label: entries of
    /// <see cref="FewShotClassifierOptions.LabelDescriptions"/> and labels read as words
    /// (<see cref="FewShotClassifierOptions.LabelNamesAsDescriptions"/>); empty when it embedded none (for example with the
    /// k-means or kNN strategy, or in a schema-1 file).
    /// </summary>
    public IReadOnlyDictionary<string, string> Descriptions { get; }

    /// <summary>Gets the number of labelled examples of real classes.</summary>
    /// <remarks>A class in <see cref="DescribedOnlyLabels"/> counts its description as its one example.</remarks>
    public int ExampleCount { get; }

    /// <summary>Gets the number of "none of these" examples.</summary>
    public int NoneExampleCount { get; }

    /// <summary>Gets the number of unlabelled texts the classifier was fitted with.</summary>
    public int UnlabeledCount { get; }

    /// <summary>Gets a value indicating whether the file holds the training texts.</summary>
    public bool IncludesTexts { get; }

    /// <summary>Reads and verifies a model file and describes it.</summary>
    /// <param name="path">The path of the model file.</param>
    /// <returns>The description.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or white space.</exception>
    /// <exception cref="InvalidDataException">The file is not an EmbedClassify model, or is truncated, corrupted or inconsistent.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">An I/O error occurred.</exception>
    /// <exception cref="UnauthorizedAccessException">The caller may not read the file.</exception>
    public static ModelInfo Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return FromFile(ModelFileIO.ReadWholeFile(path));
    }

    /// <summary>Reads and verifies a model from a stream and describes it.</summary>
    /// <param name="stream">The readable stream, positioned at the model; exactly the model's bytes are read, and it is not closed.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The description.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not readable.</exception>
    /// <exception cref="InvalidDataException">The stream does not hold a valid EmbedClassify model.</exception>
    /// <exception cref="IOException">An I/O error occurred.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public static async Task<ModelInfo> ReadAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream is not readable.", nameof(stream));
        }

        return FromFile(await ModelFile.ReadBytesAsync(stream, cancellationToken).ConfigureAwait(false));
    }

    private static ModelInfo FromFile(byte[] file)
    {
        if (ModelFile.SchemaVersionOf(file) == ModelFile.SchemaVersion)
        {
            ModelContents contents = ModelFile.Parse(file);
            ModelState state = contents.State;
            int d = state.Dimensions;
            return new ModelInfo(
                ModelFile.SchemaVersion, contents.Identity, [contents.Identity], contents.CreatedUtc, state.Options, [ClassifierView.EmbeddingName], state.Labels,
                state.ExampleClasses.Length, state.NoneExamples.Length / d, state.InputUnlabeled.Length / d, contents.ExampleTexts is not null,
                new FewShotClassifier(NoGenerator.Instance, EmbeddingClassifier.FromContents(contents, expected: null)));
        }

        ClassifierContents classifier = ModelFile.ParseClassifier(file);

        // Decoding every section is the only proof that the file loads; a generator is not needed for it.
        FewShotClassifier loaded = FewShotClassifier.FromContents(NoGenerator.Instance, classifier, expected: null);
        ModelState embedding = classifier.Embedding.State;
        int dimensions = embedding.Dimensions;
        return new ModelInfo(
            ModelFile.LatestSchemaVersion,
            classifier.Identity,
            classifier.Views ?? [classifier.Identity],
            classifier.CreatedUtc,
            classifier.Options,
            [.. loaded.Views.Select(v => v.Name)],
            classifier.Labels,
            embedding.ExampleClasses.Length,
            embedding.NoneExamples.Length / dimensions,
            embedding.InputUnlabeled.Length / dimensions,
            classifier.Texts is not null,
            loaded);
    }
}
