using Microsoft.Extensions.AI;

namespace EmbedClassify;

/// <summary>
/// Provides saving and loading of a <see cref="FewShotClassifier"/>, with the embedding model's identity taken from its
/// generator's <see cref="EmbeddingGeneratorMetadata"/>.
/// </summary>
public static class FewShotClassifierPersistence
{
    /// <summary>Provides saving of a <see cref="FewShotClassifier"/>.</summary>
    /// <param name="classifier">The classifier to save.</param>
    extension(FewShotClassifier classifier)
    {
        /// <summary>
        /// Writes the classifier to a stream in the EmbedClassify model format (see <c>docs/model-format.md</c>), with the
        /// provider name, model id and dimensions its generator reports, and nothing else about the generator (no endpoint, no key).
        /// </summary>
        /// <param name="stream">The writable stream to write to, at its current position; it is not closed.</param>
        /// <param name="includeTexts">
        /// <see langword="true"/> to store the examples' texts too, so that a loaded classifier can show them in
        /// <see cref="FewShotClassifier.NearestExamplesAsync"/>; by default no training text is stored, because a model
        /// that holds data can leak it.
        /// </param>
        /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
        /// <returns>A task that completes when the model is written.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="classifier"/> or <paramref name="stream"/> is <see langword="null"/>.</exception>
        /// <exception cref="ArgumentException"><paramref name="stream"/> is not writable.</exception>
        /// <exception cref="InvalidOperationException">
        /// The generator reports no <see cref="EmbeddingGeneratorMetadata"/> with a provider name and a default model id, or
        /// one whose dimensions differ from the classifier's; or <paramref name="includeTexts"/> is <see langword="true"/>
        /// but the classifier keeps no texts; or the model is too large for one model file.
        /// </exception>
        /// <exception cref="IOException">An I/O error occurred.</exception>
        /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
        public async Task SaveAsync(Stream stream, bool includeTexts = false, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(classifier);
            ArgumentNullException.ThrowIfNull(stream);
            if (!stream.CanWrite)
            {
                throw new ArgumentException("The stream is not writable.", nameof(stream));
            }

            byte[] file = ToModelFile(classifier, includeTexts);
            await stream.WriteAsync(file, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Writes the classifier to a file in the EmbedClassify model format, replacing the file atomically; see
        /// <see cref="SaveAsync(FewShotClassifier, Stream, bool, CancellationToken)"/>.
        /// </summary>
        /// <param name="path">The path of the file to create or replace.</param>
        /// <param name="includeTexts"><see langword="true"/> to store the examples' texts too; by default no training text is stored.</param>
        /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
        /// <returns>A task that completes when the file is in place.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="classifier"/> or <paramref name="path"/> is <see langword="null"/>.</exception>
        /// <exception cref="ArgumentException"><paramref name="path"/> is empty or white space.</exception>
        /// <exception cref="InvalidOperationException">
        /// The generator does not report its provider and model, or <paramref name="includeTexts"/> is <see langword="true"/>
        /// but the classifier keeps no texts, or the model is too large for one model file.
        /// </exception>
        /// <exception cref="IOException">An I/O error occurred.</exception>
        /// <exception cref="UnauthorizedAccessException">The caller may not write the file.</exception>
        /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
        public Task SaveAsync(string path, bool includeTexts = false, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(classifier);
            ArgumentException.ThrowIfNullOrWhiteSpace(path);
            return ModelFileIO.WriteAtomicallyAsync(path, ToModelFile(classifier, includeTexts), cancellationToken);
        }
    }

    /// <summary>Provides loading of a <see cref="FewShotClassifier"/>.</summary>
    extension(FewShotClassifier)
    {
        /// <summary>
        /// Reads a classifier saved by <see cref="SaveAsync(FewShotClassifier, Stream, bool, CancellationToken)"/> and attaches
        /// it to <paramref name="generator"/>, after checking that the generator is the embedding model the classifier was
        /// saved for. The whole model is read and verified before anything is built.
        /// </summary>
        /// <param name="generator">
        /// The generator to classify with. It must report <see cref="EmbeddingGeneratorMetadata"/> naming the saved provider
        /// and model; when it declares its dimensions, they must match too.
        /// </param>
        /// <param name="stream">The readable stream, positioned at the model; exactly the model's bytes are read, and it is not closed.</param>
        /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
        /// <returns>The classifier, with its example texts when they were saved.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="generator"/> or <paramref name="stream"/> is <see langword="null"/>.</exception>
        /// <exception cref="ArgumentException"><paramref name="stream"/> is not readable.</exception>
        /// <exception cref="InvalidOperationException">The generator reports no metadata with a provider name and a default model id.</exception>
        /// <exception cref="EmbeddingModelMismatchException">The model was saved for another provider, model or dimension count.</exception>
        /// <exception cref="InvalidDataException">
        /// The stream does not hold an EmbedClassify model, or holds one that is truncated, corrupted, inconsistent or of a
        /// newer schema version than this library reads.
        /// </exception>
        /// <exception cref="IOException">An I/O error occurred.</exception>
        /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
        public static async Task<FewShotClassifier> LoadAsync(
            IEmbeddingGenerator<string, Embedding<float>> generator,
            Stream stream,
            CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(generator);
            ArgumentNullException.ThrowIfNull(stream);
            if (!stream.CanRead)
            {
                throw new ArgumentException("The stream is not readable.", nameof(stream));
            }

            EmbeddingGeneratorMetadata metadata = RequireMetadata(generator);
            byte[] file = await ModelFile.ReadBytesAsync(stream, cancellationToken).ConfigureAwait(false);
            return FromFile(generator, metadata, file);
        }

        /// <summary>
        /// Reads a classifier from a file saved by <see cref="SaveAsync(FewShotClassifier, string, bool, CancellationToken)"/>;
        /// see <see cref="LoadAsync(IEmbeddingGenerator{string, Embedding{float}}, Stream, CancellationToken)"/>.
        /// </summary>
        /// <param name="generator">The generator to classify with; it must report the saved provider and model.</param>
        /// <param name="path">The path of the model file.</param>
        /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
        /// <returns>The classifier, with its example texts when they were saved.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="generator"/> or <paramref name="path"/> is <see langword="null"/>.</exception>
        /// <exception cref="ArgumentException"><paramref name="path"/> is empty or white space.</exception>
        /// <exception cref="InvalidOperationException">The generator reports no metadata with a provider name and a default model id.</exception>
        /// <exception cref="EmbeddingModelMismatchException">The model was saved for another provider, model or dimension count.</exception>
        /// <exception cref="InvalidDataException">
        /// The file is not an EmbedClassify model, or is truncated, corrupted, inconsistent, of a newer schema version than
        /// this library reads, or has bytes after the model.
        /// </exception>
        /// <exception cref="FileNotFoundException">The file does not exist.</exception>
        /// <exception cref="IOException">An I/O error occurred.</exception>
        /// <exception cref="UnauthorizedAccessException">The caller may not read the file.</exception>
        /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
        public static async Task<FewShotClassifier> LoadAsync(
            IEmbeddingGenerator<string, Embedding<float>> generator,
            string path,
            CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(generator);
            ArgumentException.ThrowIfNullOrWhiteSpace(path);
            EmbeddingGeneratorMetadata metadata = RequireMetadata(generator);
            byte[] file = await ModelFileIO.ReadWholeFileAsync(path, cancellationToken).ConfigureAwait(false);
            return FromFile(generator, metadata, file);
        }
    }

    private static byte[] ToModelFile(FewShotClassifier classifier, bool includeTexts)
    {
        EmbeddingGeneratorMetadata metadata = RequireMetadata(classifier.Generator);
        int[] dimensions = classifier.EmbeddingViewDimensions;
        int total = dimensions.Sum();
        if (metadata.DefaultModelDimensions is { } declared && declared != total)
        {
            throw new InvalidOperationException(
                $"The generator declares {declared}-dimensional vectors but the classifier holds {total}-dimensional ones.");
        }

        var identity = new ModelIdentity(metadata.ProviderName!, metadata.DefaultModelId!, total);
        if (dimensions.Length == 1)
        {
            return classifier.ToModelFile(identity, includeTexts);
        }

        // Every model is named in the file, so that loading can refuse a generator that lacks one of them.
        IReadOnlyList<ModelIdentity> views = classifier.Generator.GetService<MultiViewEmbeddingGenerator>()?.Models
            ?? throw new InvalidOperationException(
                "The classifier has an embedding view per model, but its generator no longer reports them (it is not, and does not wrap, a MultiViewEmbeddingGenerator).");
        if (!views.Select(v => v.Dimensions).SequenceEqual(dimensions))
        {
            throw new InvalidOperationException("The generator's models have other vector lengths than the classifier's embedding views.");
        }

        return classifier.ToModelFile(identity, includeTexts, views);
    }

    private static FewShotClassifier FromFile(IEmbeddingGenerator<string, Embedding<float>> generator, EmbeddingGeneratorMetadata metadata, byte[] file)
    {
        // Schema 1 held the embedding view alone; schema 2 holds every view.
        if (ModelFile.SchemaVersionOf(file) == ModelFile.SchemaVersion)
        {
            ModelContents contents = ModelFile.Parse(file);
            EmbeddingClassifier model = EmbeddingClassifier.FromContents(contents, Expected(metadata, contents.Identity));
            return new FewShotClassifier(generator, model, contents.ExampleTexts);
        }

        ClassifierContents classifier = ModelFile.ParseClassifier(file);
        return FewShotClassifier.FromContents(generator, classifier, Expected(metadata, classifier.Identity));
    }

    // A generator that does not declare its dimensions is held to the saved ones here; its first vector is checked
    // against them anyway when it classifies.
    private static ModelIdentity Expected(EmbeddingGeneratorMetadata metadata, ModelIdentity saved) =>
        new(metadata.ProviderName!, metadata.DefaultModelId!, metadata.DefaultModelDimensions ?? saved.Dimensions);

    private static EmbeddingGeneratorMetadata RequireMetadata(IEmbeddingGenerator<string, Embedding<float>> generator)
    {
        EmbeddingGeneratorMetadata? metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        return metadata is { ProviderName: { } provider, DefaultModelId: { } model } && !string.IsNullOrWhiteSpace(provider) && !string.IsNullOrWhiteSpace(model)
            ? metadata
            : throw new InvalidOperationException(
                "The generator reports no EmbeddingGeneratorMetadata with a provider name and a default model id, so a saved model "
                + "could not be checked against it; use EmbeddingClassifier.Save and Load with an explicit ModelIdentity instead.");
    }
}
