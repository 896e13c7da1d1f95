using Microsoft.Extensions.AI;

namespace EmbedClassify;

/// <summary>
/// The exception that is thrown when an embedding provider failed for some inputs of a call, after retries. Inputs
/// outside <see cref="FailedIndices"/> were embedded (and, behind a cache, stored) before the exception was thrown;
/// when the thrower had their vectors at hand, <see cref="Embeddings"/> carries them so that they are not paid for twice.
/// </summary>
/// <remarks>The message never contains the input texts, cache keys or any credential.</remarks>
public sealed class EmbeddingBatchException : Exception
{
    /// <summary>
    /// Initializes a new instance of the <see cref="EmbeddingBatchException"/> class without the embeddings of the inputs
    /// that succeeded.
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
        Embeddings = [];
    }

    /// <summary>
    /// Initializes a new instance of the <see cref="EmbeddingBatchException"/> class with the embeddings of the inputs
    /// that succeeded.
    /// </summary>
    /// <param name="failedIndices">The indices, into the inputs of the failed call, of the inputs that were not embedded.</param>
    /// <param name="embeddings">
    /// One element per input of the failed call, in input order: the input's embedding, or <see langword="null"/>
    /// exactly at <paramref name="failedIndices"/>. Not copied.
    /// </param>
    /// <param name="innerException">The last provider error.</param>
    /// <exception cref="ArgumentNullException"><paramref name="failedIndices"/> or <paramref name="embeddings"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// An element of <paramref name="embeddings"/> is <see langword="null"/> where <paramref name="failedIndices"/> does
    /// not list it, or is not <see langword="null"/> where it does, or a failed index is out of range.
    /// </exception>
    public EmbeddingBatchException(IReadOnlyList<int> failedIndices, IReadOnlyList<Embedding<float>?> embeddings, Exception? innerException)
        : base(BuildMessage(failedIndices, CheckEmbeddings(failedIndices, embeddings), innerException), innerException)
    {
        FailedIndices = failedIndices;
        InputCount = embeddings.Count;
        Embeddings = embeddings;
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
        Embeddings = [];
    }

    /// <summary>Gets the indices, into the inputs of the failed call, of the inputs that were not embedded, in ascending order.</summary>
    public IReadOnlyList<int> FailedIndices { get; }

    /// <summary>Gets the number of inputs of the failed call.</summary>
    public int InputCount { get; }

    /// <summary>
    /// Gets the embeddings of the failed call, one per input in input order, <see langword="null"/> at
    /// <see cref="FailedIndices"/>; or an empty list when the thrower did not supply them, in which case the vectors
    /// of the inputs that succeeded are not available from this exception.
    /// </summary>
    public IReadOnlyList<Embedding<float>?> Embeddings { get; }

    private static int CheckEmbeddings(IReadOnlyList<int> failedIndices, IReadOnlyList<Embedding<float>?> embeddings)
    {
        ArgumentNullException.ThrowIfNull(failedIndices);
        ArgumentNullException.ThrowIfNull(embeddings);
        var failed = new bool[embeddings.Count];
        foreach (int index in failedIndices)
        {
            if ((uint)index >= (uint)failed.Length)
            {
                throw new ArgumentException($"The failed index {index} is outside the {failed.Length} inputs.", nameof(failedIndices));
            }

            failed[index] = true;
        }

        for (int i = 0; i < failed.Length; i++)
        {
            if (failed[i] != (embeddings[i] is null))
            {
                throw new ArgumentException(
                    failed[i] ? $"Input {i} is listed as failed but has an embedding." : $"Input {i} has no embedding but is not listed as failed.",
                    nameof(embeddings));
            }
        }

        return embeddings.Count;
    }

    private static string BuildMessage(IReadOnlyList<int> failedIndices, int inputCount, Exception? innerException)
    {
        ArgumentNullException.ThrowIfNull(failedIndices);
        const int Shown = 20;
        string indices = string.Join(", ", failedIndices.Take(Shown)) + (failedIndices.Count > Shown ? ", …" : string.Empty);
        return $"Embedding failed for {failedIndices.Count} of {inputCount} inputs (indices {indices}); the other inputs were embedded."
            + (innerException is null ? string.Empty : $" Last error: {innerException.Message}");
    }
}
