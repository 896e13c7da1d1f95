namespace EmbedClassify.Redis.Tests.TestDoubles;

/// <summary>A lease store decorator that records the keys it was asked about and signals the first wait.</summary>
internal sealed class SignalingLeaseStore(IEmbeddingCacheLeaseStore inner) : IEmbeddingCacheLeaseStore
{
    private readonly TaskCompletionSource _waiting = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _leased = [];

    /// <summary>Gets a task that completes when a generator first waits for keys another holder leased.</summary>
    public Task Waiting => _waiting.Task;

    /// <summary>Gets every key a lease was asked for.</summary>
    public IReadOnlyList<string> LeaseRequests
    {
        get
        {
            lock (_leased)
            {
                return [.. _leased];
            }
        }
    }

    public Task<IReadOnlyList<byte[]?>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default) =>
        inner.GetManyAsync(keys, cancellationToken);

    public Task SetManyAsync(IReadOnlyList<KeyValuePair<string, byte[]>> entries, CancellationToken cancellationToken = default) =>
        inner.SetManyAsync(entries, cancellationToken);

    public Task<IReadOnlyList<TimeSpan?>> TryAcquireLeasesAsync(IReadOnlyList<string> keys, string holder, CancellationToken cancellationToken = default)
    {
        lock (_leased)
        {
            _leased.AddRange(keys);
        }

        return inner.TryAcquireLeasesAsync(keys, holder, cancellationToken);
    }

    public Task ReleaseLeasesAsync(IReadOnlyList<string> keys, string holder, CancellationToken cancellationToken = default) =>
        inner.ReleaseLeasesAsync(keys, holder, cancellationToken);

    public Task WaitForEntriesAsync(IReadOnlyList<string> keys, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        _waiting.TrySetResult();
        return inner.WaitForEntriesAsync(keys, timeout, cancellationToken);
    }
}
