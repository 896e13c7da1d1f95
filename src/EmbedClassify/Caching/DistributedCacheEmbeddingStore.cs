using Microsoft.Extensions.Caching.Distributed;

namespace EmbedClassify;

/// <summary>
/// Represents an <see cref="IEmbeddingCacheStore"/> over any <see cref="IDistributedCache"/>, such as Redis through
/// <c>Microsoft.Extensions.Caching.StackExchangeRedis</c>, so that several machines share one cache.
/// </summary>
/// <remarks>
/// <see cref="IDistributedCache"/> has no batch operations, so a batch is sent as concurrent single-key requests (which
/// the Redis client pipelines) and is not atomic: after a crash part of a batch may be stored. That is safe, because
/// each entry is verified on its own when read. This type is thread-safe if the underlying cache is.
/// </remarks>
public sealed class DistributedCacheEmbeddingStore : IEmbeddingCacheStore
{
    // Bounds the requests in flight, so that one call with a million keys does not start a million tasks at once.
    private const int RequestsInFlight = 256;

    private readonly IDistributedCache _cache;
    private readonly DistributedCacheEntryOptions _entryOptions;

    /// <summary>
    /// Initializes a new instance of the <see cref="DistributedCacheEmbeddingStore"/> class.
    /// </summary>
    /// <param name="cache">The cache that holds the entries.</param>
    /// <param name="keyPrefix">A prefix for every key, to keep these entries apart from others in a shared cache, or <see langword="null"/> for none.</param>
    /// <param name="entryOptions">The expiry of stored entries, or <see langword="null"/> for entries that do not expire.</param>
    /// <exception cref="ArgumentNullException"><paramref name="cache"/> is <see langword="null"/>.</exception>
    public DistributedCacheEmbeddingStore(IDistributedCache cache, string? keyPrefix = null, DistributedCacheEntryOptions? entryOptions = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        _cache = cache;
        KeyPrefix = keyPrefix ?? string.Empty;
        _entryOptions = entryOptions ?? new DistributedCacheEntryOptions();
    }

    /// <summary>Gets the prefix added to every key; empty when there is none.</summary>
    public string KeyPrefix { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="keys"/> is <see langword="null"/> or holds <see langword="null"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async Task<IReadOnlyList<byte[]?>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);

        // Checked before any request: with a prefix, a null key would name the prefix's own entry.
        for (int i = 0; i < keys.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(keys[i], nameof(keys));
        }

        var found = new byte[]?[keys.Count];
        for (int start = 0; start < found.Length; start += RequestsInFlight)
        {
            int end = Math.Min(found.Length, start + RequestsInFlight);
            var requests = new Task<byte[]?>[end - start];
            for (int i = start; i < end; i++)
            {
                requests[i - start] = _cache.GetAsync(KeyPrefix + keys[i], cancellationToken);
            }

            byte[]?[] chunk = await Task.WhenAll(requests).ConfigureAwait(false);
            chunk.CopyTo(found, start);
        }

        return found;
    }

    /// <inheritdoc/>
    /// <remarks>The entries are written independently; the batch is not atomic.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="entries"/> is <see langword="null"/>, or one of them has a <see langword="null"/> key or payload (then nothing is stored).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled; some entries may be stored.</exception>
    public async Task SetManyAsync(IReadOnlyList<KeyValuePair<string, byte[]>> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        for (int i = 0; i < entries.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(entries[i].Key, nameof(entries));
            ArgumentNullException.ThrowIfNull(entries[i].Value, nameof(entries));
        }

        for (int start = 0; start < entries.Count; start += RequestsInFlight)
        {
            int end = Math.Min(entries.Count, start + RequestsInFlight);
            var requests = new Task[end - start];
            for (int i = start; i < end; i++)
            {
                requests[i - start] = _cache.SetAsync(KeyPrefix + entries[i].Key, entries[i].Value, _entryOptions, cancellationToken);
            }

            await Task.WhenAll(requests).ConfigureAwait(false);
        }
    }
}
