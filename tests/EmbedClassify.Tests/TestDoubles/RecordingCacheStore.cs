namespace EmbedClassify.Tests.TestDoubles;

/// <summary>
/// A dictionary-backed cache store that records every batch written and lets tests read and tamper with raw entries.
/// </summary>
public sealed class RecordingCacheStore : IEmbeddingCacheStore
{
    private readonly Dictionary<string, byte[]> _entries = new(StringComparer.Ordinal);
    private readonly List<IReadOnlyList<KeyValuePair<string, byte[]>>> _writes = [];
    private readonly Lock _gate = new();
    private int _reads;

    /// <summary>Gets or sets a callback run before each write, for example to throw.</summary>
    public Action<IReadOnlyList<KeyValuePair<string, byte[]>>>? BeforeWrite { get; set; }

    /// <summary>Gets every batch written, in order.</summary>
    public IReadOnlyList<IReadOnlyList<KeyValuePair<string, byte[]>>> Writes
    {
        get
        {
            lock (_gate)
            {
                return [.. _writes];
            }
        }
    }

    /// <summary>Gets the number of <see cref="GetManyAsync"/> calls.</summary>
    public int Reads => Volatile.Read(ref _reads);

    /// <summary>Gets a snapshot of the stored entries.</summary>
    public IReadOnlyDictionary<string, byte[]> Entries
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, byte[]>(_entries, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Replaces an entry's bytes without going through the generator.</summary>
    public void Tamper(string key, byte[] payload)
    {
        lock (_gate)
        {
            _entries[key] = payload;
        }
    }

    public Task<IReadOnlyList<byte[]?>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _reads);
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<byte[]?>>([.. keys.Select(k => _entries.GetValueOrDefault(k))]);
        }
    }

    public Task SetManyAsync(IReadOnlyList<KeyValuePair<string, byte[]>> entries, CancellationToken cancellationToken = default)
    {
        BeforeWrite?.Invoke(entries);
        lock (_gate)
        {
            _writes.Add([.. entries]);
            foreach (var (key, value) in entries)
            {
                _entries[key] = value;
            }
        }

        return Task.CompletedTask;
    }
}
