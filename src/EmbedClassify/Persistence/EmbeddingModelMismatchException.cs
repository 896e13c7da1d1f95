namespace EmbedClassify;

/// <summary>
/// The exception that is thrown when a saved classifier is loaded for an embedding model (provider, model or vector
/// length) other than the one it was saved for. Vectors from different models are not comparable, so the classifier must
/// be refitted with the new model instead.
/// </summary>
/// <remarks>
/// A damaged or unreadable file is an <see cref="InvalidDataException"/> instead: this exception means the file is sound
/// but belongs to another embedding model. The message names both identities and never holds a credential.
/// </remarks>
public sealed class EmbeddingModelMismatchException : InvalidOperationException
{
    /// <summary>
    /// Initializes a new instance of the <see cref="EmbeddingModelMismatchException"/> class for a saved and an expected identity.
    /// </summary>
    /// <param name="saved">The identity the model file was saved for.</param>
    /// <param name="expected">The identity the caller loads it for.</param>
    /// <exception cref="ArgumentNullException"><paramref name="saved"/> or <paramref name="expected"/> is <see langword="null"/>.</exception>
    public EmbeddingModelMismatchException(ModelIdentity saved, ModelIdentity expected)
        : base(BuildMessage(saved, expected))
    {
        Saved = saved;
        Expected = expected;
    }

    /// <summary>Initializes a new instance of the <see cref="EmbeddingModelMismatchException"/> class.</summary>
    public EmbeddingModelMismatchException()
        : base("The saved model was made with a different embedding model.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="EmbeddingModelMismatchException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public EmbeddingModelMismatchException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="EmbeddingModelMismatchException"/> class with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public EmbeddingModelMismatchException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the identity the model file was saved for, or <see langword="null"/> when not known.</summary>
    public ModelIdentity? Saved { get; }

    /// <summary>Gets the identity the caller loaded the model for, or <see langword="null"/> when not known.</summary>
    public ModelIdentity? Expected { get; }

    private static string BuildMessage(ModelIdentity saved, ModelIdentity expected)
    {
        ArgumentNullException.ThrowIfNull(saved);
        ArgumentNullException.ThrowIfNull(expected);
        return $"The model was saved for the embedding model {saved} but is being loaded for {expected}; vectors from different "
            + "embedding models are not comparable, so refit the classifier with the new model instead.";
    }
}
