using EmbedClassify.Redis.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;

namespace EmbedClassify.Redis.Tests.Caching;

public class DistributedCacheEmbeddingStoreTests
{
    private readonly List<RedisCache> _caches = [];
    private string _instance = null!;
    private string _connection = null!;

    [SetUp]
    public void SetUp()
    {
        _connection = RedisTestServer.Configuration();

        // A fresh instance name per test keeps tests (and reruns against the same server) from seeing each other's keys.
        _instance = RedisTestServer.FreshPrefix();
    }

    [TearDown]
    public void TearDown()
    {
        foreach (RedisCache cache in _caches)
        {
            cache.Dispose();
        }

        _caches.Clear();
    }

    private RedisCache NewCache()
    {
        var cache = new RedisCache(new RedisCacheOptions { Configuration = _connection, InstanceName = _instance });
        _caches.Add(cache);
        return cache;
    }

    private static Task<IReadOnlyList<float[]>> Embed(IReadOnlyList<string> texts) =>
        Task.FromResult<IReadOnlyList<float[]>>([.. texts.Select(VectorFor)]);

    private static float[] VectorFor(string text)
    {
        var random = new Random(text.Length * 7919 + text[^1]);
        return [.. Enumerable.Range(0, 8).Select(_ => (float)random.NextDouble())];
    }

    [Test]
    public async Task GetManyAsync_ReturnsWhatSetManyAsyncStored()
    {
        var store = new DistributedCacheEmbeddingStore(NewCache(), "emb:");

        await store.SetManyAsync([new("a", [1, 2]), new("b", [3])]);
        IReadOnlyList<byte[]?> found = await store.GetManyAsync(["b", "missing", "a"]);

        Assert.That(found, Is.EqualTo(new byte[]?[] { [3], null, [1, 2] }));
    }

    [Test]
    public async Task TwoMachines_ShareEntries_ThroughOneRedis()
    {
        var first = new CountingGenerator();
        var second = new CountingGenerator();
        using var firstCache = new CachingEmbeddingGenerator(first, new DistributedCacheEmbeddingStore(NewCache()), new CachingEmbeddingGeneratorOptions { ModelIdentity = "m" });
        using var secondCache = new CachingEmbeddingGenerator(second, new DistributedCacheEmbeddingStore(NewCache()), new CachingEmbeddingGeneratorOptions { ModelIdentity = "m" });
        string[] texts = [.. Enumerable.Range(0, 300).Select(i => $"text {i}")];

        await firstCache.GenerateAsync(texts);
        GeneratedEmbeddings<Embedding<float>> result = await secondCache.GenerateAsync(texts);

        Assert.Multiple(() =>
        {
            Assert.That(first.Texts, Is.EqualTo(300));
            Assert.That(second.Texts, Is.Zero);
            Assert.That(result.Select(e => e.Vector.ToArray()), Is.EqualTo(texts.Select(VectorFor)));
        });
    }

    [Test]
    public async Task CachingGenerator_RefetchesAndOverwrites_WhenAnEntryInRedisIsCorrupt()
    {
        RedisCache redis = NewCache();
        var inner = new CountingGenerator();
        using var cache = new CachingEmbeddingGenerator(inner, new DistributedCacheEmbeddingStore(redis, "emb:"), new CachingEmbeddingGeneratorOptions { ModelIdentity = "m" });
        var recording = new KeyRecordingCache(redis);
        using var probe = new CachingEmbeddingGenerator(new CountingGenerator(), new DistributedCacheEmbeddingStore(recording, "emb:"), new CachingEmbeddingGeneratorOptions { ModelIdentity = "m" });
        await cache.GenerateAsync(["a", "b"]);
        await probe.GenerateAsync(["a"]);
        await redis.SetAsync(recording.LastKeyRead!, [0xEC, 0xEB, 0x01]);

        GeneratedEmbeddings<Embedding<float>> result = await cache.GenerateAsync(["a", "b"]);
        await cache.GenerateAsync(["a", "b"]);

        Assert.Multiple(() =>
        {
            Assert.That(result.Select(e => e.Vector.ToArray()), Is.EqualTo(new[] { VectorFor("a"), VectorFor("b") }));
            Assert.That(cache.Statistics.CorruptEntries, Is.EqualTo(1));
            Assert.That(inner.Texts, Is.EqualTo(3), "a and b, then a once more");
        });
    }

    [Test]
    public async Task SetManyAsync_AppliesTheEntryExpiry()
    {
        var store = new DistributedCacheEmbeddingStore(
            NewCache(), entryOptions: new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMilliseconds(300) });
        await store.SetManyAsync([new("short-lived", [1])]);

        IReadOnlyList<byte[]?> gone = [];
        for (int attempt = 0; attempt < 100; attempt++)
        {
            // Redis expires keys on its own clock, so polling is the only way to observe it.
            await Task.Delay(50);
            gone = await store.GetManyAsync(["short-lived"]);
            if (gone[0] is null)
            {
                break;
            }
        }

        Assert.That(gone[0], Is.Null);
    }

    private sealed class CountingGenerator : IEmbeddingGenerator<string, Embedding<float>>
    {
        private int _texts;

        public int Texts => Volatile.Read(ref _texts);

        public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            string[] texts = [.. values];
            Interlocked.Add(ref _texts, texts.Length);
            return new GeneratedEmbeddings<Embedding<float>>((await Embed(texts)).Select(v => new Embedding<float>(v)));
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    private sealed class KeyRecordingCache(IDistributedCache inner) : IDistributedCache
    {
        public string? LastKeyRead { get; private set; }

        public byte[]? Get(string key) => inner.Get(LastKeyRead = key);

        public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => inner.GetAsync(LastKeyRead = key, token);

        public void Refresh(string key) => inner.Refresh(key);

        public Task RefreshAsync(string key, CancellationToken token = default) => inner.RefreshAsync(key, token);

        public void Remove(string key) => inner.Remove(key);

        public Task RemoveAsync(string key, CancellationToken token = default) => inner.RemoveAsync(key, token);

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => inner.Set(key, value, options);

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) => inner.SetAsync(key, value, options, token);
    }
}
