namespace EmbedClassify;

/// <summary>
/// Represents an <see cref="IEmbeddingCacheStore"/> in process memory that holds at most a fixed number of entries and
/// evicts the least recently used one when full.
/// </summary>
/// <remarks>
/// Entries are lost when the process ends; use a persistent store to keep paid-for vectors. Payloads are copied when
/// stored; the arrays returned by <see cref="GetManyAsync"/> are the store's own and must not be modified. This type is
/// thread-safe.
/// </remarks>
public sealed class InMemoryEmbeddingCacheStore : IEmbeddingCacheStore
{
    private readonly Dictionary<string, LinkedListNode<KeyValuePair<string, byte[]>>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<KeyValuePair<string, byte[]>> _recency = new();
    private readonly Lock _gate = new();

    /// <summary>
    /// Initializes a new instance of the <see cref="InMemoryEmbeddingCacheStore"/> class.
    /// </summary>
    /// <param name="maxEntries">The largest number of entries kept. The default, 100,000, is about 600 MB of 1,536-dimension vectors.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxEntries"/> is less than 1.</exception>
    public InMemoryEmbeddingCacheStore(int maxEntries = 100_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        MaxEntries = maxEntries;
    }

    /// <summary>Gets the largest number of entries kept.</summary>
    public int MaxEntries { get; }

    /// <summary>Gets the number of entries currently held.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="keys"/> is <see langword="null"/> or holds <see langword="null"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public Task<IReadOnlyList<byte[]?>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        for (int i = 0; i < keys.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(keys[i], nameof(keys));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var found = new byte[]?[keys.Count];
        lock (_gate)
        {
            for (int i = 0; i < found.Length; i++)
            {
                if (_entries.TryGetValue(keys[i], out var node))
                {
                    _recency.Remove(node);
                    _recency.AddFirst(node);
                    found[i] = node.Value.Value;
                }
            }
        }

        return Task.FromResult<IReadOnlyList<byte[]?>>(found);
    }

    /// <inheritdoc/>
    /// <remarks>The batch is applied atomically with respect to other calls on this instance.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="entries"/> is <see langword="null"/>, or one of them has a <see langword="null"/> key or payload.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled; nothing was stored.</exception>
    public Task SetManyAsync(IReadOnlyList<KeyValuePair<string, byte[]>> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var copies = new KeyValuePair<string, byte[]>[entries.Count];
        for (int i = 0; i < copies.Length; i++)
        {
            (string key, byte[] payload) = entries[i];
            ArgumentNullException.ThrowIfNull(key, nameof(entries));
            ArgumentNullException.ThrowIfNull(payload, nameof(entries));
            copies[i] = new(key, (byte[])payload.Clone());
        }

        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            foreach (var entry in copies)
            {
                if (_entries.TryGetValue(entry.Key, out var existing))
                {
                    _recency.Remove(existing);
                }

                _entries[entry.Key] = _recency.AddFirst(entry);
            }

            while (_entries.Count > MaxEntries)
            {
                var oldest = _recency.Last!;
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Key);
            }
        }

        return Task.CompletedTask;
    }
}
