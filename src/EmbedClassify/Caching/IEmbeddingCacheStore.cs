namespace EmbedClassify;

/// <summary>
/// Stores cache entries for a <c>CachingEmbeddingGenerator</c>: opaque byte payloads under string keys, read and written
/// a batch at a time so that a store can make each completed provider batch durable in one transaction.
/// </summary>
/// <remarks>
/// Payloads are produced and verified (length and checksum) by the caching generator, so a store needs no knowledge of
/// vectors; it must only never return bytes other than those stored under a key. Implementations must be thread-safe.
/// </remarks>
public interface IEmbeddingCacheStore
{
    /// <summary>
    /// Looks up several keys at once.
    /// </summary>
    /// <param name="keys">The keys to look up.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>One entry per key, in the order of <paramref name="keys"/>: the stored payload, or <see langword="null"/> on a miss.</returns>
    Task<IReadOnlyList<byte[]?>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores several entries at once, replacing any existing entries under the same keys. Stores that can do so write
    /// the whole batch atomically: after a crash either all of it or none of it is there.
    /// </summary>
    /// <param name="entries">The keys and payloads to store.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the entries are durable (as far as the store offers durability).</returns>
    Task SetManyAsync(IReadOnlyList<KeyValuePair<string, byte[]>> entries, CancellationToken cancellationToken = default);
}
