namespace EmbedClassify.Redis;

/// <summary>
/// Represents the settings of a <see cref="RedisEmbeddingCacheStore"/>.
/// </summary>
/// <remarks>
/// Options are copied when a store is created, so changing an instance afterwards does not affect stores already created
/// from it. Instances are not thread-safe while being modified.
/// </remarks>
public sealed class RedisEmbeddingCacheStoreOptions
{
    private string _keyPrefix = "embedclassify:";
    private TimeSpan? _entryExpiry;
    private TimeSpan _leaseDuration = TimeSpan.FromSeconds(30);
    private TimeSpan _pollInterval = TimeSpan.FromMilliseconds(100);
    private int _database = -1;

    /// <summary>
    /// Gets or sets the prefix of every Redis key the store writes, to keep its entries apart from other data in a
    /// shared Redis. The default is <c>embedclassify:</c>.
    /// </summary>
    /// <remarks>
    /// Entries are stored under the prefix followed by the cache key (hexadecimal digits that hash the model identity
    /// and the text, never a credential or a text), leases under the prefix, <c>lease:</c> and the cache key. Only
    /// stores with the same prefix share entries and fetches.
    /// </remarks>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public string KeyPrefix
    {
        get => _keyPrefix;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _keyPrefix = value;
        }
    }

    /// <summary>
    /// Gets or sets how long a stored entry lives, or <see langword="null"/> (the default) for entries that do not expire.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than one millisecond.</exception>
    public TimeSpan? EntryExpiry
    {
        get => _entryExpiry;
        set
        {
            if (value is { } expiry)
            {
                ArgumentOutOfRangeException.ThrowIfLessThan(expiry, TimeSpan.FromMilliseconds(1), nameof(value));
            }

            _entryExpiry = value;
        }
    }

    /// <summary>
    /// Gets or sets how long a lease on a key being fetched lasts unless its holder releases it first. The default is
    /// 30 seconds.
    /// </summary>
    /// <remarks>
    /// This is the longest another process waits for a holder that died, and it should be longer than one provider call
    /// of a batch (including the provider's retries): a fetch that outlasts its lease is not lost (its holder still
    /// stores it), but another process may then pay for the same texts.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than one millisecond.</exception>
    public TimeSpan LeaseDuration
    {
        get => _leaseDuration;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.FromMilliseconds(1));
            _leaseDuration = value;
        }
    }

    /// <summary>
    /// Gets or sets how often a generator waiting for keys another process is fetching looks them up again. The
    /// default is 100 milliseconds.
    /// </summary>
    /// <remarks>
    /// Each look-up is one pipelined read of the keys waited for and one lease attempt for those still missing; a
    /// shorter interval hands fetched vectors over sooner and costs Redis more requests while anyone waits.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than one millisecond.</exception>
    public TimeSpan PollInterval
    {
        get => _pollInterval;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.FromMilliseconds(1));
            _pollInterval = value;
        }
    }

    /// <summary>
    /// Gets or sets the number of the Redis database to use, or -1 (the default) for the connection's default database.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than -1.</exception>
    public int Database
    {
        get => _database;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, -1);
            _database = value;
        }
    }

    /// <summary>
    /// Creates a copy of these options.
    /// </summary>
    /// <returns>A new instance with the same values.</returns>
    public RedisEmbeddingCacheStoreOptions Clone() => (RedisEmbeddingCacheStoreOptions)MemberwiseClone();
}
