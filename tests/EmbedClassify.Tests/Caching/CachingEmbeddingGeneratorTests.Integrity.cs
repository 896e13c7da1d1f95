using System.Text;
using EmbedClassify.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace EmbedClassify.Tests.Caching;

public partial class CachingEmbeddingGeneratorTests
{
    private const string Secret = "sk-test-PLANTED-SECRET-0123456789";

    public static IEnumerable<TestCaseData> Corruptions()
    {
        yield return new TestCaseData(new Func<byte[], byte[]>(p => { byte[] c = (byte[])p.Clone(); c[20] ^= 0x01; return c; })).SetName("GenerateAsync_RefetchesAndOverwrites_WhenAValueBitIsFlipped");
        yield return new TestCaseData(new Func<byte[], byte[]>(p => { byte[] c = (byte[])p.Clone(); c[^1] ^= 0x80; return c; })).SetName("GenerateAsync_RefetchesAndOverwrites_WhenTheChecksumIsDamaged");
        yield return new TestCaseData(new Func<byte[], byte[]>(p => p[..^4])).SetName("GenerateAsync_RefetchesAndOverwrites_WhenTheEntryIsTruncated");
        yield return new TestCaseData(new Func<byte[], byte[]>(p => [.. p, 0, 0, 0, 0])).SetName("GenerateAsync_RefetchesAndOverwrites_WhenTheEntryIsTooLong");
        yield return new TestCaseData(new Func<byte[], byte[]>(_ => [])).SetName("GenerateAsync_RefetchesAndOverwrites_WhenTheEntryIsEmpty");
        yield return new TestCaseData(new Func<byte[], byte[]>(p => { byte[] c = (byte[])p.Clone(); c[0] = (byte)'X'; return c; })).SetName("GenerateAsync_RefetchesAndOverwrites_WhenTheMagicIsWrong");
        yield return new TestCaseData(new Func<byte[], byte[]>(p => { byte[] c = (byte[])p.Clone(); c[4] = 9; return c; })).SetName("GenerateAsync_RefetchesAndOverwrites_WhenTheVersionIsUnknown");
        yield return new TestCaseData(new Func<byte[], byte[]>(p => { byte[] c = (byte[])p.Clone(); c[8] = 7; return c; })).SetName("GenerateAsync_RefetchesAndOverwrites_WhenTheDimensionCountIsWrong");
    }

    [TestCaseSource(nameof(Corruptions))]
    public async Task GenerateAsync_RefetchesAndOverwrites_WhenAnEntryIsCorrupt(Func<byte[], byte[]> corrupt)
    {
        var inner = ScriptedEmbeddingGenerator.Deterministic(metadata: OpenAiSmall);
        var store = new RecordingCacheStore();
        var logger = new ListLogger();
        using var cache = new CachingEmbeddingGenerator(inner, store, logger: logger);
        string[] texts = Texts(5);
        await cache.GenerateAsync(texts);
        string victim = store.Writes[0][2].Key;
        store.Tamper(victim, corrupt(store.Entries[victim]));

        GeneratedEmbeddings<Embedding<float>> result = await cache.GenerateAsync(texts);
        await cache.GenerateAsync(texts);

        Assert.Multiple(() =>
        {
            AssertVectorsFor(result, texts);
            Assert.That(inner.Calls, Has.Count.EqualTo(2), "the corrupt entry is fetched once, then served from the overwritten entry");
            Assert.That(inner.Calls[1], Is.EqualTo(new[] { texts[2] }));
            Assert.That(cache.Statistics.CorruptEntries, Is.EqualTo(1));
            Assert.That(logger.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message), Has.One.Contains(victim));
        });
    }

    [Test]
    public async Task GenerateAsync_RejectsAnIntactEntry_WhenItIsStoredUnderAnotherKey()
    {
        var inner = ScriptedEmbeddingGenerator.Deterministic(metadata: OpenAiSmall);
        var store = new RecordingCacheStore();
        using var cache = new CachingEmbeddingGenerator(inner, store);
        await cache.GenerateAsync(["a", "b"]);
        var (keyA, payloadA) = store.Writes[0][0];
        var (keyB, payloadB) = store.Writes[0][1];
        store.Tamper(keyA, payloadB);
        store.Tamper(keyB, payloadA);

        GeneratedEmbeddings<Embedding<float>> result = await cache.GenerateAsync(["a", "b"]);

        Assert.Multiple(() =>
        {
            AssertVectorsFor(result, ["a", "b"]);
            Assert.That(cache.Statistics.CorruptEntries, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task GenerateAsync_RejectsAnEntryOfAnotherLength_WhenTheDimensionCountIsKnown()
    {
        var inner = ScriptedEmbeddingGenerator.Deterministic(metadata: OpenAiSmall);
        var store = new RecordingCacheStore();
        using var cache = new CachingEmbeddingGenerator(inner, store);
        await cache.GenerateAsync(["a"]);
        string key = store.Writes[0][0].Key;
        store.Tamper(key, EmbeddingCachePayload.Encode(key, new float[4]));

        GeneratedEmbeddings<Embedding<float>> result = await cache.GenerateAsync(["a"]);

        Assert.Multiple(() =>
        {
            AssertVectorsFor(result, ["a"]);
            Assert.That(cache.Statistics.CorruptEntries, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task ApiKey_NeverReachesKeysPayloadsLogsOrExceptions()
    {
        var leaky = new EmbeddingGeneratorMetadata("openai", new Uri($"https://user:{Secret}@api.example.com/v1/?api-key={Secret}#{Secret}"), "text-embedding-3-small", 8);
        var clean = new EmbeddingGeneratorMetadata("openai", new Uri("https://api.example.com/v1/"), "text-embedding-3-small", 8);
        var leakyStore = new RecordingCacheStore();
        var cleanStore = new RecordingCacheStore();
        var logger = new ListLogger();
        var inner = new ScriptedEmbeddingGenerator((texts, call, _) => call == 1 ? throw new HttpRequestException("500") : Embed(texts), leaky);
        using var cache = new CachingEmbeddingGenerator(inner, leakyStore, Batches(2), logger);
        using var reference = new CachingEmbeddingGenerator(ScriptedEmbeddingGenerator.Deterministic(metadata: clean), cleanStore, Batches(2));

        await cache.GenerateAsync(["a", "b"]);
        leakyStore.Tamper(leakyStore.Writes[0][0].Key, [1, 2, 3]);
        var error = await Assert.ThrowsAsync<EmbeddingBatchException>(() => cache.GenerateAsync(["a", "b", "c", "d"]));
        await reference.GenerateAsync(["a", "b"]);

        string everything = string.Join(
            "\n",
            leakyStore.Writes.SelectMany(w => w).Select(e => e.Key + "\n" + Encoding.Latin1.GetString(e.Value))
                .Concat(logger.Entries.Select(e => e.Message + "\n" + e.Exception))
                .Append(error!.ToString()));
        Assert.Multiple(() =>
        {
            Assert.That(logger.Entries, Is.Not.Empty);
            Assert.That(everything, Does.Not.Contain("PLANTED"));
            Assert.That(everything, Does.Not.Contain("user"));
            Assert.That(leakyStore.Writes[0].Select(e => e.Key), Is.EqualTo(cleanStore.Writes[0].Select(e => e.Key)), "user info, query and fragment do not affect keys");
            Assert.That(leakyStore.Writes[0].Select(e => e.Key), Has.All.Matches("^[0-9a-f]{80}$"));
        });
    }
}
