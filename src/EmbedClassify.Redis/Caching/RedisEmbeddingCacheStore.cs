using StackExchange.Redis;

namespace EmbedClassify.Redis;

/// <summary>
/// Represents an <see cref="IEmbeddingCacheStore"/> in Redis through StackExchange.Redis that also leases the keys being
/// fetched (<see cref="IEmbeddingCacheLeaseStore"/>), so that caching generators in several processes and on several
/// machines share one cache and every fetch in flight: each text is paid for once.
/// </summary>
/// <remarks>
/// <para>
/// Each entry is one Redis string under <see cref="KeyPrefix"/> and the cache key. A lease is a Redis string under
/// <see cref="KeyPrefix"/>, <c>lease:</c> and the cache key whose value is its holder's token: taken with
/// <c>SET NX PX</c> (a key already leased is answered with its <c>PTTL</c> in the same script), released by a script
/// that deletes it only while it still holds that token, and gone after <see cref="RedisEmbeddingCacheStoreOptions.LeaseDuration"/>
/// if its holder dies. Every command names one key and a batch is sent as pipelined commands, so nothing in the store
/// stops Redis Cluster (it is tested against a single server only); a batch is therefore not atomic, which is safe
/// because the caching generator verifies each entry on its own when it reads it.
/// </para>
/// <para>
/// A waiting generator looks the keys up again every <see cref="RedisEmbeddingCacheStoreOptions.PollInterval"/>, and
/// never waits longer than the lease it waits for. The connection is not owned: dispose it yourself (or let the service
/// container do it). This type is thread-safe.
/// </para>
/// </remarks>
public sealed class RedisEmbeddingCacheStore : IEmbeddingCacheLeaseStore
{
    // Bounds the commands in flight, so that one call with a million keys does not start a million tasks at once.
    private const int CommandsInFlight = 1024;

    // Returns -3 when the lease was taken, else what PTTL says of the holder's lease (-2: gone meanwhile, -1: no expiry).
    private const string AcquireScript =
        "if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return -3 end return redis.call('pttl', KEYS[1])";

    // Compare and delete in one step: a holder whose lease expired must not delete the lease another holder took since.
    private const string ReleaseScript =
        "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";

    private readonly IDatabase _database;
    private readonly RedisEmbeddingCacheStoreOptions _options;
    private readonly RedisValue _leaseMilliseconds;

    /// <summary>
    /// Initializes a new instance of the <see cref="RedisEmbeddingCacheStore"/> class.
    /// </summary>
    /// <param name="connection">The Redis connection; it is not disposed by the store.</param>
    /// <param name="options">The settings, or <see langword="null"/> for the defaults. They are copied.</param>
    /// <exception cref="ArgumentNullException"><paramref name="connection"/> is <see langword="null"/>.</exception>
    public RedisEmbeddingCacheStore(IConnectionMultiplexer connection, RedisEmbeddingCacheStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _options = options?.Clone() ?? new RedisEmbeddingCacheStoreOptions();
        _database = connection.GetDatabase(_options.Database);
        _leaseMilliseconds = (long)Math.Ceiling(_options.LeaseDuration.TotalMilliseconds);
    }

    /// <summary>Gets the prefix of every Redis key the store writes.</summary>
    public string KeyPrefix => _options.KeyPrefix;

    /// <summary>Gets how long a lease lasts unless its holder releases it first.</summary>
    public TimeSpan LeaseDuration => _options.LeaseDuration;

    /// <summary>Gets how often a waiting generator looks the keys it waits for up again.</summary>
    public TimeSpan PollInterval => _options.PollInterval;

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="keys"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="keys"/> contains <see langword="null"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <exception cref="RedisException">Redis could not be reached or refused a command.</exception>
    public async Task<IReadOnlyList<byte[]?>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        CheckKeys(keys);
        cancellationToken.ThrowIfCancellationRequested();
        RedisValue[] values = await RunAsync(keys.Count, i => _database.StringGetAsync(EntryKey(keys[i])), cancellationToken)
            .ConfigureAwait(false);
        return [.. values.Select(v => (byte[]?)v)];
    }

    /// <inheritdoc/>
    /// <remarks>The entries are written independently, with <see cref="RedisEmbeddingCacheStoreOptions.EntryExpiry"/>; the batch is not atomic.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="entries"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="entries"/> contains a <see langword="null"/> key or value.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled; some entries may be stored.</exception>
    /// <exception cref="RedisException">Redis could not be reached or refused a command.</exception>
    public async Task SetManyAsync(IReadOnlyList<KeyValuePair<string, byte[]>> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        for (int i = 0; i < entries.Count; i++)
        {
            if (entries[i].Key is null || entries[i].Value is null)
            {
                throw new ArgumentException($"The entry at index {i} has a null key or value.", nameof(entries));
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        Expiration expiry = _options.EntryExpiry is { } lifetime ? new Expiration(lifetime) : Expiration.Default;
        await RunAsync(entries.Count, i => _database.StringSetAsync(EntryKey(entries[i].Key), entries[i].Value, expiry), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="keys"/> or <paramref name="holder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="keys"/> contains <see langword="null"/>, or <paramref name="holder"/> is empty.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled; some leases may be taken (they expire).</exception>
    /// <exception cref="RedisException">Redis could not be reached or refused a command.</exception>
    public async Task<IReadOnlyList<TimeSpan?>> TryAcquireLeasesAsync(
        IReadOnlyList<string> keys, string holder, CancellationToken cancellationToken = default)
    {
        CheckKeys(keys);
        ArgumentException.ThrowIfNullOrEmpty(holder);
        cancellationToken.ThrowIfCancellationRequested();
        RedisValue[] arguments = [holder, _leaseMilliseconds];
        RedisResult[] answers = await RunAsync(
            keys.Count, i => _database.ScriptEvaluateAsync(AcquireScript, [LeaseKey(keys[i])], arguments), cancellationToken)
            .ConfigureAwait(false);
        var leases = new TimeSpan?[answers.Length];
        for (int i = 0; i < answers.Length; i++)
        {
            long answer = (long)answers[i];
            leases[i] = answer switch
            {
                -3 => null,
                -2 => TimeSpan.Zero,

                // Only a lease written by something else has no expiry; it is treated as one just taken.
                -1 => _options.LeaseDuration,
                _ => TimeSpan.FromMilliseconds(answer),
            };
        }

        return leases;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="keys"/> or <paramref name="holder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="keys"/> contains <see langword="null"/>, or <paramref name="holder"/> is empty.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled; some leases may still be held (they expire).</exception>
    /// <exception cref="RedisException">Redis could not be reached or refused a command.</exception>
    public async Task ReleaseLeasesAsync(IReadOnlyList<string> keys, string holder, CancellationToken cancellationToken = default)
    {
        CheckKeys(keys);
        ArgumentException.ThrowIfNullOrEmpty(holder);
        cancellationToken.ThrowIfCancellationRequested();
        RedisValue[] arguments = [holder];
        await RunAsync(keys.Count, i => _database.ScriptEvaluateAsync(ReleaseScript, [LeaseKey(keys[i])], arguments), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>Waits for <see cref="RedisEmbeddingCacheStoreOptions.PollInterval"/>, or for <paramref name="timeout"/> if that is shorter.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="keys"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public Task WaitForEntriesAsync(IReadOnlyList<string> keys, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        return Task.Delay(timeout < _options.PollInterval ? timeout : _options.PollInterval, cancellationToken);
    }

    private static void CheckKeys(IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        for (int i = 0; i < keys.Count; i++)
        {
            if (keys[i] is null)
            {
                throw new ArgumentException($"The key at index {i} is null.", nameof(keys));
            }
        }
    }

    /// <summary>
    /// Sends <paramref name="count"/> commands, at most <see cref="CommandsInFlight"/> at a time; the client pipelines
    /// them on its connection, so a batch costs about one round trip per chunk.
    /// </summary>
    private static async Task<T[]> RunAsync<T>(int count, Func<int, Task<T>> command, CancellationToken cancellationToken)
    {
        var results = new T[count];
        for (int start = 0; start < count; start += CommandsInFlight)
        {
            int end = Math.Min(count, start + CommandsInFlight);
            var tasks = new Task<T>[end - start];
            for (int i = start; i < end; i++)
            {
                tasks[i - start] = command(i);
            }

            // StackExchange.Redis takes no token: a canceled caller stops waiting, the commands already sent complete
            // (and a failure nobody awaits any more is observed here, not raised as unobserved).
            Task<T[]> all = Task.WhenAll(tasks);
            _ = all.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            T[] chunk = await all.WaitAsync(cancellationToken).ConfigureAwait(false);
            chunk.CopyTo(results, start);
        }

        return results;
    }

    private RedisKey EntryKey(string key) => _options.KeyPrefix + key;

    private RedisKey LeaseKey(string key) => _options.KeyPrefix + "lease:" + key;
}
