using EmbedClassify.Redis.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace EmbedClassify.Redis.Tests.Caching;

public class RedisEmbeddingCacheStoreTests
{
    private ConnectionMultiplexer _redis = null!;
    private string _prefix = null!;

    [SetUp]
    public async Task SetUp()
    {
        _redis = await RedisTestServer.ConnectAsync();
        _prefix = RedisTestServer.FreshPrefix();
    }

    [TearDown]
    public void TearDown() => _redis?.Dispose();

    private RedisEmbeddingCacheStore NewStore(TimeSpan? lease = null, TimeSpan? entryExpiry = null) =>
        new(_redis, new RedisEmbeddingCacheStoreOptions
        {
            KeyPrefix = _prefix,
            LeaseDuration = lease ?? TimeSpan.FromSeconds(30),
            EntryExpiry = entryExpiry,
        });

    /// <summary>Polls until Redis has expired a key: it expires keys on its own clock, so polling is the only way to see it.</summary>
    private static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        T value = await read();
        for (int attempt = 0; attempt < 200 && !done(value); attempt++)
        {
            await Task.Delay(25);
            value = await read();
        }

        return value;
    }

    [Test]
    public async Task GetManyAsync_ReturnsWhatSetManyAsyncStored_AndNullForMisses()
    {
        RedisEmbeddingCacheStore store = NewStore();

        await store.SetManyAsync([new("a", [1, 2]), new("b", [3])]);
        IReadOnlyList<byte[]?> found = await store.GetManyAsync(["b", "missing", "a"]);

        Assert.Multiple(async () =>
        {
            Assert.That(found, Is.EqualTo(new byte[]?[] { [3], null, [1, 2] }));
            Assert.That((byte[]?)await _redis.GetDatabase().StringGetAsync(_prefix + "a"), Is.EqualTo(new byte[] { 1, 2 }), "stored under the prefix");
        });
    }

    [Test]
    public async Task GetManyAsync_ReadsEveryKey_WhenABatchIsLargerThanTheCommandsInFlight()
    {
        RedisEmbeddingCacheStore store = NewStore();
        KeyValuePair<string, byte[]>[] entries = [.. Enumerable.Range(0, 2500).Select(i => new KeyValuePair<string, byte[]>($"k{i}", BitConverter.GetBytes(i)))];

        await store.SetManyAsync(entries);
        IReadOnlyList<byte[]?> found = await store.GetManyAsync([.. entries.Select(e => e.Key)]);

        Assert.That(found, Is.EqualTo(entries.Select(e => e.Value)));
    }

    [Test]
    public async Task SetManyAsync_AppliesTheEntryExpiry()
    {
        RedisEmbeddingCacheStore store = NewStore(entryExpiry: TimeSpan.FromMilliseconds(200));

        await store.SetManyAsync([new("short-lived", [1])]);
        IReadOnlyList<byte[]?> gone = await PollAsync(() => store.GetManyAsync(["short-lived"]), found => found[0] is null);

        Assert.That(gone[0], Is.Null);
    }

    [Test]
    public async Task TryAcquireLeasesAsync_GrantsEachKeyToOneHolder_AndTellsTheOthersHowLongItLasts()
    {
        RedisEmbeddingCacheStore store = NewStore(lease: TimeSpan.FromSeconds(20));

        IReadOnlyList<TimeSpan?> first = await store.TryAcquireLeasesAsync(["a", "b"], "holder-1");
        IReadOnlyList<TimeSpan?> second = await store.TryAcquireLeasesAsync(["b", "c"], "holder-2");

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo(new TimeSpan?[] { null, null }));
            Assert.That(second[0], Is.GreaterThan(TimeSpan.Zero).And.LessThanOrEqualTo(TimeSpan.FromSeconds(20)), "b is held by holder-1");
            Assert.That(second[1], Is.Null, "c was free");
        });
    }

    [Test]
    public async Task ReleaseLeasesAsync_FreesTheKey_OnlyForItsHolder()
    {
        RedisEmbeddingCacheStore store = NewStore();
        await store.TryAcquireLeasesAsync(["a"], "owner");

        await store.ReleaseLeasesAsync(["a"], "someone-else");
        IReadOnlyList<TimeSpan?> afterForeignRelease = await store.TryAcquireLeasesAsync(["a"], "third");
        await store.ReleaseLeasesAsync(["a"], "owner");
        IReadOnlyList<TimeSpan?> afterOwnerRelease = await store.TryAcquireLeasesAsync(["a"], "third");

        Assert.Multiple(() =>
        {
            Assert.That(afterForeignRelease[0], Is.Not.Null, "another holder's release leaves the lease alone");
            Assert.That(afterOwnerRelease[0], Is.Null, "the owner's release frees the key");
        });
    }

    [Test]
    public async Task Lease_Expires_AndAnExpiredHoldersReleaseDoesNotFreeTheNextHoldersLease()
    {
        RedisEmbeddingCacheStore shortLeases = NewStore(lease: TimeSpan.FromMilliseconds(150));
        RedisEmbeddingCacheStore longLeases = NewStore(lease: TimeSpan.FromSeconds(30));
        await shortLeases.TryAcquireLeasesAsync(["a"], "late");

        IReadOnlyList<TimeSpan?> taken = await PollAsync(() => longLeases.TryAcquireLeasesAsync(["a"], "next"), answer => answer[0] is null);
        await shortLeases.ReleaseLeasesAsync(["a"], "late");
        IReadOnlyList<TimeSpan?> probe = await longLeases.TryAcquireLeasesAsync(["a"], "probe");

        Assert.Multiple(() =>
        {
            Assert.That(taken[0], Is.Null, "the lease expired and the next holder took the key");
            Assert.That(probe[0], Is.GreaterThan(TimeSpan.FromSeconds(20)), "the late holder's release left the next holder's lease in place");
        });
    }

    [Test]
    public async Task Leases_AndEntries_UseSeparateKeys_WithoutTextsOrSecrets()
    {
        RedisEmbeddingCacheStore store = NewStore();
        var inner = new ScriptedGenerator();
        using var cache = new CachingEmbeddingGenerator(inner, store, new CachingEmbeddingGeneratorOptions { ModelIdentity = "m" });

        await cache.GenerateAsync(["a secret text"]);
        RedisKey[] keys = [.. _redis.GetServers()[0].Keys(pattern: _prefix + "*")];

        Assert.Multiple(() =>
        {
            Assert.That(keys, Has.Length.EqualTo(1), "the lease is gone once the entry is stored");
            Assert.That(keys[0].ToString(), Does.Match($"^{_prefix}[0-9a-f]{{80}}$"));
        });
    }

    [Test]
    public async Task WaitForEntriesAsync_WaitsNoLongerThanTheTimeout_WhenItIsShorterThanThePollInterval()
    {
        var store = new RedisEmbeddingCacheStore(_redis, new RedisEmbeddingCacheStoreOptions { PollInterval = TimeSpan.FromHours(1) });

        Task wait = store.WaitForEntriesAsync(["a"], TimeSpan.FromMilliseconds(1));

        // An hour-long poll would trip the test's own timeout; the lease's time left caps the wait.
        Assert.That(await Task.WhenAny(wait, Task.Delay(TimeSpan.FromSeconds(30))), Is.SameAs(wait));
    }

    [Test]
    public void WaitForEntriesAsync_Throws_WhenCanceled()
    {
        RedisEmbeddingCacheStore store = NewStore();
        using var canceled = new CancellationTokenSource();
        canceled.Cancel();

        Assert.That(() => store.WaitForEntriesAsync(["a"], TimeSpan.FromSeconds(5), canceled.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void Methods_ThrowNamingTheArgument_ForBadInput()
    {
        RedisEmbeddingCacheStore store = NewStore();

        Assert.Multiple(() =>
        {
            Assert.That(() => new RedisEmbeddingCacheStore(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("connection"));
            Assert.That(() => store.GetManyAsync(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("keys"));
            Assert.That(() => store.GetManyAsync(["a", null!]), Throws.ArgumentException.With.Property("ParamName").EqualTo("keys"));
            Assert.That(() => store.SetManyAsync(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("entries"));
            Assert.That(() => store.SetManyAsync([new("a", null!)]), Throws.ArgumentException.With.Property("ParamName").EqualTo("entries"));
            Assert.That(() => store.TryAcquireLeasesAsync(null!, "h"), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("keys"));
            Assert.That(() => store.TryAcquireLeasesAsync(["a"], null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("holder"));
            Assert.That(() => store.TryAcquireLeasesAsync(["a"], ""), Throws.ArgumentException.With.Property("ParamName").EqualTo("holder"));
            Assert.That(() => store.ReleaseLeasesAsync(["a", null!], "h"), Throws.ArgumentException.With.Property("ParamName").EqualTo("keys"));
            Assert.That(() => store.ReleaseLeasesAsync(["a"], ""), Throws.ArgumentException.With.Property("ParamName").EqualTo("holder"));
            Assert.That(() => store.WaitForEntriesAsync(null!, TimeSpan.Zero), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("keys"));
            Assert.That(() => store.WaitForEntriesAsync(["a"], TimeSpan.FromTicks(-1)), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("timeout"));
        });
    }

    [Test]
    public void Options_RejectBadValues_NamingTheArgument_AndAreCopied()
    {
        var options = new RedisEmbeddingCacheStoreOptions();

        Assert.Multiple(() =>
        {
            Assert.That(() => options.KeyPrefix = null!, Throws.ArgumentNullException.With.Property("ParamName").EqualTo("value"));
            Assert.That(() => options.LeaseDuration = TimeSpan.Zero, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("value"));
            Assert.That(() => options.PollInterval = TimeSpan.FromMilliseconds(-5), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("value"));
            Assert.That(() => options.EntryExpiry = TimeSpan.Zero, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("value"));
            Assert.That(() => options.Database = -2, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("value"));
        });

        options.LeaseDuration = TimeSpan.FromSeconds(7);
        var store = new RedisEmbeddingCacheStore(_redis, options);
        options.LeaseDuration = TimeSpan.FromSeconds(9);
        Assert.That(store.LeaseDuration, Is.EqualTo(TimeSpan.FromSeconds(7)));
    }

    [Test]
    public async Task AddRedisEmbeddingCacheStore_RegistersTheStore_ForUseEmbeddingCache()
    {
        var services = new ServiceCollection();
        services.AddRedisEmbeddingCacheStore(RedisTestServer.Configuration(), options => options.KeyPrefix = _prefix);
        var inner = new ScriptedGenerator();

        await using (ServiceProvider provider = services.BuildServiceProvider())
        {
            using IEmbeddingGenerator<string, Embedding<float>> generator = new EmbeddingGeneratorBuilder<string, Embedding<float>>(inner)
                .UseEmbeddingCache(configure: options => options.ModelIdentity = "m")
                .Build(provider);
            await generator.GenerateAsync(["a", "b"]);
            await generator.GenerateAsync(["a", "b"]);

            Assert.Multiple(() =>
            {
                Assert.That(provider.GetRequiredService<IEmbeddingCacheStore>(), Is.InstanceOf<RedisEmbeddingCacheStore>());
                Assert.That(inner.Texts, Is.EqualTo(new[] { "a", "b" }), "the second call was answered from Redis");
            });
        }

        var shared = new ServiceCollection();
        shared.AddSingleton<IConnectionMultiplexer>(_redis);
        shared.AddRedisEmbeddingCacheStore(options => options.KeyPrefix = _prefix);
        await using ServiceProvider sharedProvider = shared.BuildServiceProvider();
        IReadOnlyList<byte[]?> found = await sharedProvider.GetRequiredService<IEmbeddingCacheStore>().GetManyAsync(["nothing"]);
        Assert.That(found, Is.EqualTo(new byte[]?[] { null }));
    }

    [Test]
    public void AddRedisEmbeddingCacheStore_ThrowsNamingTheArgument_ForBadInput()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => RedisEmbeddingCacheServiceCollectionExtensions.AddRedisEmbeddingCacheStore(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("services"));
            Assert.That(() => new ServiceCollection().AddRedisEmbeddingCacheStore(configuration: null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("configuration"));
            Assert.That(() => new ServiceCollection().AddRedisEmbeddingCacheStore(" "), Throws.ArgumentException.With.Property("ParamName").EqualTo("configuration"));
        });
    }
}
