using EmbedClassify.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;

namespace EmbedClassify.Tests.Caching;

public class EmbeddingCacheServiceCollectionExtensionsTests
{
    [Test]
    public async Task UseEmbeddingCache_UsesTheRegisteredStore_WhenGivenNone()
    {
        var services = new ServiceCollection().AddInMemoryEmbeddingCacheStore(maxEntries: 10);
        var provider = new SingletonServiceProvider(services);
        var inner = ScriptedEmbeddingGenerator.Deterministic();

        using IEmbeddingGenerator<string, Embedding<float>> pipeline = inner.AsBuilder().UseEmbeddingCache(configure: o => o.BatchSize = 2).Build(provider);
        await pipeline.GenerateAsync(["a", "b", "c"]);
        await pipeline.GenerateAsync(["c", "b", "a"]);

        var store = (InMemoryEmbeddingCacheStore)provider.GetRequiredService<IEmbeddingCacheStore>();
        Assert.Multiple(() =>
        {
            Assert.That(store.MaxEntries, Is.EqualTo(10));
            Assert.That(store.Count, Is.EqualTo(3));
            Assert.That(inner.Calls, Has.Count.EqualTo(2), "two batches the first time, none the second");
        });
    }

    [Test]
    public void UseEmbeddingCache_Throws_WhenNoStoreIsRegistered()
    {
        var builder = ScriptedEmbeddingGenerator.Deterministic().AsBuilder().UseEmbeddingCache();

        Assert.That(() => builder.Build(new SingletonServiceProvider(new ServiceCollection())), Throws.InvalidOperationException);
    }

    [Test]
    public async Task AddDistributedCacheEmbeddingStore_WrapsTheRegisteredDistributedCache()
    {
        var cache = new InMemoryDistributedCache();
        var services = new ServiceCollection().AddSingleton<IDistributedCache>(cache).AddDistributedCacheEmbeddingStore("emb:");

        var store = new SingletonServiceProvider(services).GetRequiredService<IEmbeddingCacheStore>();
        await store.SetManyAsync([new("a", [1])]);

        Assert.Multiple(() =>
        {
            Assert.That(store, Is.InstanceOf<DistributedCacheEmbeddingStore>());
            Assert.That(cache.Keys, Is.EqualTo(new[] { "emb:a" }));
        });
    }

    [Test]
    public void Extensions_RejectNullArguments_NamingThem()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => ((IServiceCollection)null!).AddInMemoryEmbeddingCacheStore(), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("services"));
            Assert.That(() => ((IServiceCollection)null!).AddDistributedCacheEmbeddingStore(), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("services"));
            Assert.That(() => new ServiceCollection().AddInMemoryEmbeddingCacheStore(0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("maxEntries"));
            Assert.That(() => ((EmbeddingGeneratorBuilder<string, Embedding<float>>)null!).UseEmbeddingCache(), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("builder"));
        });
    }
}
