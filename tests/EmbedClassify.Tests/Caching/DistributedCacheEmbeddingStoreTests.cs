using EmbedClassify.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;

namespace EmbedClassify.Tests.Caching;

public class DistributedCacheEmbeddingStoreTests
{
    [Test]
    public async Task GetManyAsync_ReturnsWhatSetManyAsyncStored_UnderThePrefix()
    {
        var cache = new InMemoryDistributedCache();
        var store = new DistributedCacheEmbeddingStore(cache, "emb:");

        await store.SetManyAsync([new("a", [1]), new("b", [2])]);
        IReadOnlyList<byte[]?> found = await store.GetManyAsync(["a", "zz", "b"]);

        Assert.Multiple(() =>
        {
            Assert.That(found, Is.EqualTo(new byte[]?[] { [1], null, [2] }));
            Assert.That(cache.Keys, Is.EquivalentTo(new[] { "emb:a", "emb:b" }));
            Assert.That(store.KeyPrefix, Is.EqualTo("emb:"));
        });
    }

    [Test]
    public async Task SetManyAsync_PassesTheEntryOptions()
    {
        var cache = new InMemoryDistributedCache();
        var expiry = new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromDays(30) };
        var store = new DistributedCacheEmbeddingStore(cache, entryOptions: expiry);

        await store.SetManyAsync([new("a", [1])]);

        Assert.That(cache.Writes.Single().Options, Is.SameAs(expiry));
    }

    [Test]
    public async Task GetManyAsync_HandlesMoreKeysThanOneRoundOfRequests()
    {
        var store = new DistributedCacheEmbeddingStore(new InMemoryDistributedCache());
        var entries = Enumerable.Range(0, 1000).Select(i => new KeyValuePair<string, byte[]>($"k{i}", BitConverter.GetBytes(i))).ToArray();

        await store.SetManyAsync(entries);
        IReadOnlyList<byte[]?> found = await store.GetManyAsync([.. entries.Select(e => e.Key)]);

        Assert.That(found.Select(f => BitConverter.ToInt32(f!)), Is.EqualTo(Enumerable.Range(0, 1000)));
    }

    [Test]
    public async Task CachingGenerator_AnswersFromTheDistributedCache_OnTheSecondCall()
    {
        var inner = ScriptedEmbeddingGenerator.Deterministic();
        var store = new DistributedCacheEmbeddingStore(new InMemoryDistributedCache(), "emb:");
        using IEmbeddingGenerator<string, Embedding<float>> cache = inner.AsBuilder().UseEmbeddingCache(store).Build();

        await cache.GenerateAsync(["a", "b"]);
        await cache.GenerateAsync(["b", "a"]);

        Assert.That(inner.Calls, Has.Count.EqualTo(1));
    }

    [Test]
    public void Methods_RejectNullArguments_NamingThem()
    {
        var store = new DistributedCacheEmbeddingStore(new InMemoryDistributedCache());

        Assert.Multiple(() =>
        {
            Assert.That(() => new DistributedCacheEmbeddingStore(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("cache"));
            Assert.That(() => store.GetManyAsync(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("keys"));
            Assert.That(() => store.SetManyAsync(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("entries"));
        });
    }

    [Test]
    public async Task Methods_RejectNullKeysAndPayloads_StoringNothing()
    {
        // With a prefix, a null key read and wrote the entry named by the prefix alone; a null payload reached the cache.
        var cache = new InMemoryDistributedCache();
        var store = new DistributedCacheEmbeddingStore(cache, "embeddings:");

        Assert.Multiple(() =>
        {
            Assert.That(() => store.SetManyAsync([new("a", [1]), new(null!, [2])]), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("entries"));
            Assert.That(() => store.SetManyAsync([new("a", [1]), new("b", null!)]), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("entries"));
            Assert.That(() => store.GetManyAsync(["a", null!]), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("keys"));
        });
        Assert.That(await store.GetManyAsync(["a", "b"]), Is.All.Null, "a rejected batch stores nothing");
        Assert.That(await cache.GetAsync("embeddings:"), Is.Null);
    }
}
