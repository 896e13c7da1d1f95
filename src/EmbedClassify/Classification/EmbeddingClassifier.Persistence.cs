namespace EmbedClassify;

public sealed partial class EmbeddingClassifier
{
    /// <summary>
    /// Writes this classifier to a stream in the EmbedClassify model format (see <c>docs/model-format.md</c>): the options,
    /// labels, the identity of the embedding model and every fitted vector, so that a loaded copy predicts exactly as this
    /// one does. No text is written.
    /// </summary>
    /// <param name="stream">The writable stream to write to, at its current position; it is not closed.</param>
    /// <param name="identity">The embedding model whose vectors this classifier holds; it is checked again on load.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="identity"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="stream"/> is not writable, or <paramref name="identity"/> has a dimension count other than <see cref="Dimensions"/>.
    /// </exception>
    /// <exception cref="InvalidOperationException">The model is too large for one model file (2 GB).</exception>
    /// <exception cref="IOException">An I/O error occurred.</exception>
    public void Save(Stream stream, ModelIdentity identity)
    {
        CheckWritable(stream);
        stream.Write(ToModelFile(identity, exampleTexts: null));
    }

    /// <summary>
    /// Writes this classifier to a file in the EmbedClassify model format, replacing the file atomically: a reader sees
    /// either the old file or the complete new one.
    /// </summary>
    /// <param name="path">The path of the file to create or replace.</param>
    /// <param name="identity">The embedding model whose vectors this classifier holds; it is checked again on load.</param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> or <paramref name="identity"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="path"/> is empty or white space, or <paramref name="identity"/> has a dimension count other than <see cref="Dimensions"/>.
    /// </exception>
    /// <exception cref="InvalidOperationException">The model is too large for one model file (2 GB).</exception>
    /// <exception cref="IOException">An I/O error occurred.</exception>
    /// <exception cref="UnauthorizedAccessException">The caller may not write the file.</exception>
    public void Save(string path, ModelIdentity identity)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ModelFileIO.WriteAtomically(path, ToModelFile(identity, exampleTexts: null));
    }

    /// <summary>
    /// Asynchronously writes this classifier to a stream in the EmbedClassify model format, like <see cref="Save(Stream, ModelIdentity)"/>.
    /// </summary>
    /// <param name="stream">The writable stream to write to, at its current position; it is not closed.</param>
    /// <param name="identity">The embedding model whose vectors this classifier holds; it is checked again on load.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the model is written.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="identity"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="stream"/> is not writable, or <paramref name="identity"/> has a dimension count other than <see cref="Dimensions"/>.
    /// </exception>
    /// <exception cref="InvalidOperationException">The model is too large for one model file (2 GB).</exception>
    /// <exception cref="IOException">An I/O error occurred.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async Task SaveAsync(Stream stream, ModelIdentity identity, CancellationToken cancellationToken = default)
    {
        CheckWritable(stream);
        byte[] file = ToModelFile(identity, exampleTexts: null);
        await stream.WriteAsync(file, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads a classifier written by <see cref="Save(Stream, ModelIdentity)"/>. The whole model is read and verified
    /// (magic bytes, schema version, SHA-256 checksum, every count and index) before the classifier is built.
    /// </summary>
    /// <param name="stream">The readable stream, positioned at the model; exactly the model's bytes are read, and it is not closed.</param>
    /// <param name="expected">
    /// The embedding model the caller will classify with, or <see langword="null"/> to accept any; see
    /// <see cref="ModelIdentity"/> for how identities are compared.
    /// </param>
    /// <returns>The classifier, which predicts exactly as the saved one did.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not readable.</exception>
    /// <exception cref="EmbeddingModelMismatchException">The model was saved for an embedding model other than <paramref name="expected"/>.</exception>
    /// <exception cref="InvalidDataException">
    /// The stream does not hold an EmbedClassify model, or holds one that is truncated, corrupted, inconsistent or of a
    /// newer schema version than this library reads.
    /// </exception>
    /// <exception cref="IOException">An I/O error occurred.</exception>
    public static EmbeddingClassifier Load(Stream stream, ModelIdentity? expected = null)
    {
        CheckReadable(stream);
        return FromContents(ModelFile.Parse(ModelFile.ReadBytes(stream)), expected);
    }

    /// <summary>
    /// Reads a classifier from a file written by <see cref="Save(string, ModelIdentity)"/>; see <see cref="Load(Stream, ModelIdentity?)"/>.
    /// </summary>
    /// <param name="path">The path of the model file.</param>
    /// <param name="expected">The embedding model the caller will classify with, or <see langword="null"/> to accept any.</param>
    /// <returns>The classifier, which predicts exactly as the saved one did.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or white space.</exception>
    /// <exception cref="EmbeddingModelMismatchException">The model was saved for an embedding model other than <paramref name="expected"/>.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is not an EmbedClassify model, or is truncated, corrupted, inconsistent, of a newer schema version than this
    /// library reads, or has bytes after the model.
    /// </exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">An I/O error occurred.</exception>
    /// <exception cref="UnauthorizedAccessException">The caller may not read the file.</exception>
    public static EmbeddingClassifier Load(string path, ModelIdentity? expected = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return FromContents(ModelFile.Parse(ModelFileIO.ReadWholeFile(path)), expected);
    }

    /// <summary>
    /// Asynchronously reads a classifier written by <see cref="Save(Stream, ModelIdentity)"/>; see <see cref="Load(Stream, ModelIdentity?)"/>.
    /// </summary>
    /// <param name="stream">The readable stream, positioned at the model; exactly the model's bytes are read, and it is not closed.</param>
    /// <param name="expected">The embedding model the caller will classify with, or <see langword="null"/> to accept any.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The classifier, which predicts exactly as the saved one did.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not readable.</exception>
    /// <exception cref="EmbeddingModelMismatchException">The model was saved for an embedding model other than <paramref name="expected"/>.</exception>
    /// <exception cref="InvalidDataException">
    /// The stream does not hold an EmbedClassify model, or holds one that is truncated, corrupted, inconsistent or of a
    /// newer schema version than this library reads.
    /// </exception>
    /// <exception cref="IOException">An I/O error occurred.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public static async Task<EmbeddingClassifier> LoadAsync(Stream stream, ModelIdentity? expected = null, CancellationToken cancellationToken = default)
    {
        CheckReadable(stream);
        byte[] file = await ModelFile.ReadBytesAsync(stream, cancellationToken).ConfigureAwait(false);
        return FromContents(ModelFile.Parse(file), expected);
    }

    /// <summary>Returns this classifier as a complete model file.</summary>
    internal byte[] ToModelFile(ModelIdentity identity, IReadOnlyList<string>? exampleTexts) => ToModelFile(identity, exampleTexts, DateTime.UtcNow);

    /// <summary>Returns this classifier as a schema-1 model file created at <paramref name="createdUtc"/>.</summary>
    internal byte[] ToModelFile(ModelIdentity identity, IReadOnlyList<string>? exampleTexts, DateTime createdUtc)
    {
        ArgumentNullException.ThrowIfNull(identity);
        if (identity.Dimensions != Dimensions)
        {
            throw new ArgumentException(
                $"The identity {identity} does not match this classifier's {Dimensions}-dimensional vectors.", nameof(identity));
        }

        var state = new ModelState(
            _labels, Dimensions, _inputExamples, _inputUnlabeled, _exampleClasses, _center, _examples, _prototypes, _prototypeClasses, _options, _noneExamples);
        return ModelFile.Write(state, identity, exampleTexts, createdUtc);
    }

    /// <summary>Builds a classifier from a verified model file, after checking that it was saved for the expected model.</summary>
    internal static EmbeddingClassifier FromContents(ModelContents contents, ModelIdentity? expected)
    {
        if (expected is not null && !contents.Identity.IsCompatibleWith(expected))
        {
            throw new EmbeddingModelMismatchException(contents.Identity, expected);
        }

        ModelState s = contents.State;
        return new EmbeddingClassifier(
            s.Labels, s.Dimensions, s.InputExamples, s.InputUnlabeled, s.ExampleClasses, s.Center, s.Examples, s.Prototypes, s.PrototypeClasses, s.Options, s.NoneExamples);
    }

    private static void CheckWritable(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("The stream is not writable.", nameof(stream));
        }
    }

    private static void CheckReadable(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream is not readable.", nameof(stream));
        }
    }
}
