namespace EmbedClassify;

/// <summary>
/// Represents an <see cref="IEmbeddingCacheStore"/> that also lets caching generators in different processes share
/// fetches in flight: before sending a missing text to the provider, a <see cref="CachingEmbeddingGenerator"/> takes a
/// short lease on its key, and the other generators sharing the store wait for that fetch's entry instead of paying for
/// the same text again.
/// </summary>
/// <remarks>
/// <para>
/// A lease is held by one holder (an opaque token that a generator draws for each fetch), lasts for a duration the store
/// chooses, and ends when its holder releases it or when that duration runs out, so a holder that dies blocks nobody for
/// longer than one lease. A lease is advisory: it never stops a write, so a holder whose lease ran out mid-fetch still
/// stores what it paid for.
/// </para>
/// <para>
/// The generator waits for a key held by someone else by calling <see cref="WaitForEntriesAsync"/> and looking the key up
/// again, never for longer than that lease has left; then it tries to take the lease itself. Implementations must be
/// thread-safe.
/// </para>
/// </remarks>
public interface IEmbeddingCacheLeaseStore : IEmbeddingCacheStore
{
    /// <summary>
    /// Tries to take a lease on each key for <paramref name="holder"/>; a key leased by another holder is left alone.
    /// </summary>
    /// <param name="keys">The cache keys about to be fetched.</param>
    /// <param name="holder">The token that identifies the new leases' holder; only it can release them.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>
    /// One entry per key, in the order of <paramref name="keys"/>: <see langword="null"/> when the lease was taken, or
    /// the time left on the lease another holder has (<see cref="TimeSpan.Zero"/> when it ended in the meantime).
    /// </returns>
    Task<IReadOnlyList<TimeSpan?>> TryAcquireLeasesAsync(IReadOnlyList<string> keys, string holder, CancellationToken cancellationToken = default);

    /// <summary>
    /// Releases the leases <paramref name="holder"/> has on the keys; a lease that expired, or that another holder has
    /// taken since, is left alone.
    /// </summary>
    /// <param name="keys">The cache keys whose fetch ended (stored, failed or canceled).</param>
    /// <param name="holder">The token the leases were taken with.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the leases are released.</returns>
    Task ReleaseLeasesAsync(IReadOnlyList<string> keys, string holder, CancellationToken cancellationToken = default);

    /// <summary>
    /// Waits until entries for some of the keys may have been stored or their leases released, or until
    /// <paramref name="timeout"/> has passed, whichever comes first. A store without change notifications waits for its
    /// poll interval, or for <paramref name="timeout"/> if that is shorter.
    /// </summary>
    /// <param name="keys">The cache keys waited for.</param>
    /// <param name="timeout">The longest wait: the time left on the shortest of the leases waited for.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the caller should look the keys up again.</returns>
    Task WaitForEntriesAsync(IReadOnlyList<string> keys, TimeSpan timeout, CancellationToken cancellationToken = default);
}
