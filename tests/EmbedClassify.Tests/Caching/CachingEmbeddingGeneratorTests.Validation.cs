using EmbedClassify.Tests.TestDoubles;
using Microsoft.Extensions.AI;

namespace EmbedClassify.Tests.Caching;

public partial class CachingEmbeddingGeneratorTests
{
    public static IEnumerable<TestCaseData> BadVectors()
    {
        float[] Good(string text) => ScriptedEmbeddingGenerator.VectorFor(text);
        float[] With(string text, int at, float value)
        {
            float[] v = Good(text);
            v[at] = value;
            return v;
        }

        yield return new TestCaseData(new Func<string, float[]>(t => With(t, 3, float.NaN)), "NaN").SetArgDisplayNames("NaN");
        yield return new TestCaseData(new Func<string, float[]>(t => With(t, 0, float.PositiveInfinity)), "NaN or infinity").SetArgDisplayNames("Infinity");
        yield return new TestCaseData(new Func<string, float[]>(_ => new float[8]), "all-zero").SetArgDisplayNames("AllZero");
        yield return new TestCaseData(new Func<string, float[]>(t => ScriptedEmbeddingGenerator.VectorFor(t, 32)), "length 32").SetArgDisplayNames("Length32");
        yield return new TestCaseData(new Func<string, float[]>(_ => []), "empty").SetArgDisplayNames("Empty");
    }

    [TestCaseSource(nameof(BadVectors))]
    public async Task GenerateAsync_NeverCachesABadVector_FailsOnlyThatInputNamingItsIndex_AndAsksAgainLater(Func<string, float[]> bad, string described)
    {
        // Row 2 of issue 12: a NaN, infinite or all-zero vector (or, without a declared dimension count, a 32-long or
        // empty one) was cached and returned forever, and the provider was never asked again.
        bool broken = true;
        var inner = new ScriptedEmbeddingGenerator((texts, _, _) => Task.FromResult<IReadOnlyList<float[]>>(
            [.. texts.Select(t => broken && t == "bad" ? bad(t) : ScriptedEmbeddingGenerator.VectorFor(t))]));
        var store = new RecordingCacheStore();
        using var cache = new CachingEmbeddingGenerator(inner, store);
        await cache.GenerateAsync(["known"]);

        var error = await Assert.ThrowsAsync<EmbeddingBatchException>(() => cache.GenerateAsync(["fine", "bad", "also fine"]));
        int entriesAfterFailure = store.Entries.Count;
        broken = false;
        GeneratedEmbeddings<Embedding<float>> recovered = await cache.GenerateAsync(["fine", "bad", "also fine"]);

        Assert.Multiple(() =>
        {
            Assert.That(error!.FailedIndices, Is.EqualTo(new[] { 1 }));
            Assert.That(error.InnerException, Is.InstanceOf<InvalidOperationException>());
            Assert.That(error.InnerException!.Message, Does.Contain("index 1").And.Contain(described));
            Assert.That(error.Embeddings[0]!.Vector.ToArray(), Is.EqualTo(ScriptedEmbeddingGenerator.VectorFor("fine")), "the good vectors of the batch are kept");
            Assert.That(entriesAfterFailure, Is.EqualTo(3), "'known', 'fine' and 'also fine'; never 'bad'");
            AssertVectorsFor(recovered, ["fine", "bad", "also fine"]);
            Assert.That(inner.Calls[^1], Is.EqualTo(new[] { "bad" }), "the provider is asked again for the bad one only");
        });
    }

    [Test]
    public async Task GenerateAsync_FailsTheInputNamingItsIndex_WhenTheInnerGeneratorReturnsANullElement()
    {
        // Row 5 of issue 12, for the cache: a null element failed the whole batch with a message about the batch.
        var inner = new NullAtGenerator("b");
        var store = new RecordingCacheStore();
        using var cache = new CachingEmbeddingGenerator(inner, store);

        var error = await Assert.ThrowsAsync<EmbeddingBatchException>(() => cache.GenerateAsync(["a", "c", "b"]));

        Assert.Multiple(() =>
        {
            Assert.That(error!.FailedIndices, Is.EqualTo(new[] { 2 }));
            Assert.That(error.InnerException, Is.InstanceOf<InvalidOperationException>());
            Assert.That(error.InnerException!.Message, Does.Contain("null embedding for the text at index 2"));
            Assert.That(store.Entries, Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task GenerateAsync_RefetchesAStoredNaNVector_InsteadOfReturningIt()
    {
        // A bad vector cached before this check existed (its checksum is intact) is treated as corrupt.
        var inner = ScriptedEmbeddingGenerator.Deterministic(metadata: OpenAiSmall);
        var store = new RecordingCacheStore();
        using var cache = new CachingEmbeddingGenerator(inner, store);
        await cache.GenerateAsync(["a"]);
        string key = store.Writes[0][0].Key;
        store.Tamper(key, EmbeddingCachePayload.Encode(key, [1, float.NaN, 0, 0, 0, 0, 0, 0]));

        GeneratedEmbeddings<Embedding<float>> result = await cache.GenerateAsync(["a"]);

        Assert.Multiple(() =>
        {
            AssertVectorsFor(result, ["a"]);
            Assert.That(cache.Statistics.CorruptEntries, Is.EqualTo(1));
            Assert.That(inner.Calls, Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task GenerateAsync_FailsTheMinority_WhenOneAnswerHoldsVectorsOfTwoLengths_AndNoLengthIsKnown()
    {
        var inner = new ScriptedEmbeddingGenerator((texts, _, _) => Task.FromResult<IReadOnlyList<float[]>>(
            [.. texts.Select(t => ScriptedEmbeddingGenerator.VectorFor(t, t == "odd" ? 5 : 8))]));
        using var cache = new CachingEmbeddingGenerator(inner, new RecordingCacheStore());

        var error = await Assert.ThrowsAsync<EmbeddingBatchException>(() => cache.GenerateAsync(["a", "odd", "b"]));

        Assert.That(error!.FailedIndices, Is.EqualTo(new[] { 1 }));
    }

    /// <summary>Answers every text but <paramref name="missing"/>, whose element is null.</summary>
    private sealed class NullAtGenerator(string missing) : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
            IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var result = new GeneratedEmbeddings<Embedding<float>>();
            foreach (string text in values)
            {
                result.Add(text == missing ? null! : new Embedding<float>(ScriptedEmbeddingGenerator.VectorFor(text)));
            }

            return Task.FromResult(result);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
