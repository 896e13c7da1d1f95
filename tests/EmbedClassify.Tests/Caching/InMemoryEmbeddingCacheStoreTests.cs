namespace EmbedClassify.Tests.Caching;

public class InMemoryEmbeddingCacheStoreTests
{
    private static KeyValuePair<string, byte[]> Entry(string key, params byte[] value) => new(key, value);

    [Test]
    public async Task GetManyAsync_ReturnsStoredPayloadsAndNullForMisses_InKeyOrder()
    {
        var store = new InMemoryEmbeddingCacheStore();
        await store.SetManyAsync([Entry("a", 1), Entry("b", 2)]);

        IReadOnlyList<byte[]?> found = await store.GetManyAsync(["b", "x", "a", "b"]);

        Assert.That(found, Is.EqualTo(new byte[]?[] { [2], null, [1], [2] }));
    }

    [Test]
    public async Task SetManyAsync_ReplacesExistingEntries()
    {
        var store = new InMemoryEmbeddingCacheStore();
        await store.SetManyAsync([Entry("a", 1)]);

        await store.SetManyAsync([Entry("a", 9)]);

        Assert.Multiple(async () =>
        {
            Assert.That((await store.GetManyAsync(["a"]))[0], Is.EqualTo(new byte[] { 9 }));
            Assert.That(store.Count, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task SetManyAsync_CopiesPayloads()
    {
        var store = new InMemoryEmbeddingCacheStore();
        byte[] payload = [1, 2, 3];
        await store.SetManyAsync([Entry("a", payload)]);

        payload[0] = 42;

        Assert.That((await store.GetManyAsync(["a"]))[0], Is.EqualTo(new byte[] { 1, 2, 3 }));
    }

    [Test]
    public async Task SetManyAsync_EvictsTheLeastRecentlyUsedEntry_WhenFull()
    {
        var store = new InMemoryEmbeddingCacheStore(maxEntries: 3);
        await store.SetManyAsync([Entry("a", 1), Entry("b", 2), Entry("c", 3)]);
        await store.GetManyAsync(["a"]);

        await store.SetManyAsync([Entry("d", 4)]);

        IReadOnlyList<byte[]?> found = await store.GetManyAsync(["a", "b", "c", "d"]);
        Assert.Multiple(() =>
        {
            Assert.That(store.Count, Is.EqualTo(3));
            Assert.That(found.Select(f => f is not null), Is.EqualTo(new[] { true, false, true, true }));
        });
    }

    [Test]
    public async Task SetManyAsync_StaysWithinTheBound_UnderConcurrentWriters()
    {
        var store = new InMemoryEmbeddingCacheStore(maxEntries: 100);

        await Parallel.ForAsync(0, 64, async (writer, ct) =>
            await store.SetManyAsync([.. Enumerable.Range(0, 50).Select(i => Entry($"{writer}-{i}", (byte)i))], ct));

        IReadOnlyList<byte[]?> last = await store.GetManyAsync([.. Enumerable.Range(0, 64).Select(w => $"{w}-49")]);
        Assert.Multiple(() =>
        {
            Assert.That(store.Count, Is.EqualTo(100));
            Assert.That(last.Count(f => f is not null), Is.GreaterThanOrEqualTo(2), "the last writers' entries survive");
        });
    }

    [Test]
    public void Constructor_RejectsABoundBelowOne_NamingIt()
    {
        Assert.That(() => new InMemoryEmbeddingCacheStore(0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("maxEntries"));
    }

    [Test]
    public void Methods_RejectNullArguments_NamingThem()
    {
        var store = new InMemoryEmbeddingCacheStore();

        Assert.Multiple(() =>
        {
            Assert.That(() => store.GetManyAsync(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("keys"));
            Assert.That(() => store.SetManyAsync(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("entries"));
            Assert.That(() => store.SetManyAsync([new KeyValuePair<string, byte[]>("a", null!)]), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("entries"));

            // A null key among the keys surfaced as the dictionary's own ArgumentNullException, naming "key".
            Assert.That(() => store.GetManyAsync(["a", null!]), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("keys"));
        });
    }
}
