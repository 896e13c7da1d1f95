namespace EmbedClassify;

/// <summary>
/// The exception that is thrown when an embedding provider failed for some inputs of a call, after retries. Inputs
/// outside <see cref="FailedIndices"/> were embedded (and, behind a cache, stored) before the exception was thrown.
/// </summary>
/// <remarks>The message never contains the input texts or any credential.</remarks>
public sealed class EmbeddingBatchException : Exception
{
    /// <summary>
    /// Initializes a new instance of the <see cref="EmbeddingBatchException"/> class.
    /// </summary>
    /// <param name="failedIndices">The indices, into the inputs of the failed call, of the inputs that were not embedded.</param>
    /// <param name="inputCount">The number of inputs of the failed call.</param>
    /// <param name="innerException">The last provider error.</param>
    /// <exception cref="ArgumentNullException"><paramref name="failedIndices"/> is <see langword="null"/>.</exception>
    public EmbeddingBatchException(IReadOnlyList<int> failedIndices, int inputCount, Exception? innerException)
        : base(BuildMessage(failedIndices, inputCount, innerException), innerException)
    {
        FailedIndices = failedIndices;
        InputCount = inputCount;
    }

    /// <summary>Initializes a new instance of the <see cref="EmbeddingBatchException"/> class with no failed inputs.</summary>
    public EmbeddingBatchException()
        : this([], 0, null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="EmbeddingBatchException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public EmbeddingBatchException(string message)
        : this(message, null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="EmbeddingBatchException"/> class with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public EmbeddingBatchException(string message, Exception? innerException)
        : base(message, innerException)
    {
        FailedIndices = [];
    }

    /// <summary>Gets the indices, into the inputs of the failed call, of the inputs that were not embedded, in ascending order.</summary>
    public IReadOnlyList<int> FailedIndices { get; }

    /// <summary>Gets the number of inputs of the failed call.</summary>
    public int InputCount { get; }

    private static string BuildMessage(IReadOnlyList<int> failedIndices, int inputCount, Exception? innerException)
    {
        ArgumentNullException.ThrowIfNull(failedIndices);
        const int Shown = 20;
        string indices = string.Join(", ", failedIndices.Take(Shown)) + (failedIndices.Count > Shown ? ", …" : string.Empty);
        return $"Embedding failed for {failedIndices.Count} of {inputCount} inputs (indices {indices}); the other inputs were embedded."
            + (innerException is null ? string.Empty : $" Last error: {innerException.Message}");
    }
}
