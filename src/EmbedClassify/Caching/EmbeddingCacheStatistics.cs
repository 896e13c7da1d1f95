namespace EmbedClassify;

/// <summary>
/// Represents a snapshot of the counters of a <see cref="CachingEmbeddingGenerator"/>.
/// </summary>
/// <param name="Hits">The number of distinct texts per call that were answered from the cache (or from entries waiting to be written).</param>
/// <param name="Misses">The number of distinct texts per call that were not in the cache (including corrupt entries).</param>
/// <param name="ProviderCalls">The number of calls made to the inner generator, including failed ones.</param>
/// <param name="TextsSent">The number of texts sent to the inner generator, including those of failed calls.</param>
/// <param name="TokensSent">
/// The number of input tokens the inner generator reported in <see cref="Microsoft.Extensions.AI.GeneratedEmbeddings{TEmbedding}.Usage"/>;
/// calls whose provider reports no usage add nothing.
/// </param>
/// <param name="CorruptEntries">
/// The number of cache entries that failed verification (checksum, length, or a non-finite or all-zero vector) and were discarded.
/// </param>
/// <param name="SharedTexts">
/// The number of distinct texts per call that were neither looked up nor fetched by that call, because another
/// concurrent call on the same generator was already doing so and shared its result (single flight).
/// </param>
/// <param name="FailedWrites">
/// The number of store writes that failed after the provider had answered. Their vectors were returned anyway, kept in
/// memory, and written again by a later call.
/// </param>
/// <param name="LeaseWaits">
/// The number of distinct texts per call that were missing from the store and leased by another holder (another
/// instance or process sharing an <see cref="IEmbeddingCacheLeaseStore"/>), and that this instance got from the store
/// once that holder stored them, instead of fetching them itself.
/// </param>
/// <param name="LeaseTakeovers">
/// The number of distinct texts per call that this instance fetched after waiting for another holder's lease, because
/// that lease was released or expired without an entry (the holder failed, was canceled or died).
/// </param>
public readonly record struct EmbeddingCacheStatistics(
    long Hits,
    long Misses,
    long ProviderCalls,
    long TextsSent,
    long TokensSent,
    long CorruptEntries,
    long SharedTexts = 0,
    long FailedWrites = 0,
    long LeaseWaits = 0,
    long LeaseTakeovers = 0);
