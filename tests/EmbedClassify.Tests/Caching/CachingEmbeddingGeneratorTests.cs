using EmbedClassify.Tests.TestDoubles;
using Microsoft.Extensions.AI;

namespace EmbedClassify.Tests.Caching;

public partial class CachingEmbeddingGeneratorTests
{
    private static readonly EmbeddingGeneratorMetadata OpenAiSmall = new("openai", new Uri("https://api.openai.com/v1/"), "text-embedding-3-small", 8);

    private static string[] Texts(int count, string prefix = "text") => [.. Enumerable.Range(0, count).Select(i => $"{prefix} {i}")];

    private static void AssertVectorsFor(GeneratedEmbeddings<Embedding<float>> result, IReadOnlyList<string> texts, int dimensions = 8)
    {
        Assert.That(result, Has.Count.EqualTo(texts.Count));
        for (int i = 0; i < texts.Count; i++)
        {
            Assert.That(result[i].Vector.ToArray(), Is.EqualTo(ScriptedEmbeddingGenerator.VectorFor(texts[i], dimensions)), $"input {i}");
        }
    }

    [Test]
    public async Task GenerateAsync_MakesNoProviderCall_WhenEveryTextIsCached()
    {
        var inner = ScriptedEmbeddingGenerator.Deterministic(metadata: OpenAiSmall);
        using var cache = new CachingEmbeddingGenerator(inner, new InMemoryEmbeddingCacheStore());
        string[] texts = Texts(20);
        await cache.GenerateAsync(texts);
        int callsAfterFirst = inner.Calls.Count;

        GeneratedEmbeddings<Embedding<float>> second = await cache.GenerateAsync(texts);

        Assert.Multiple(() =>
        {
            Assert.That(callsAfterFirst, Is.EqualTo(1));
            Assert.That(inner.Calls, Has.Count.EqualTo(1));
            AssertVectorsFor(second, texts);
        });
    }

    [Test]
    public async Task GenerateAsync_KeepsInputOrder_WhenDuplicatesAndHitsAreMixed()
    {
        var inner = ScriptedEmbeddingGenerator.Deterministic(metadata: OpenAiSmall);
        using var cache = new CachingEmbeddingGenerator(inner, new InMemoryEmbeddingCacheStore());
        await cache.GenerateAsync(["b", "d"]);
        string[] texts = ["a", "b", "a", "c", "d", "b", "c", "e"];

        GeneratedEmbeddings<Embedding<float>> result = await cache.GenerateAsync(texts);

        Assert.Multiple(() =>
        {
            AssertVectorsFor(result, texts);
            Assert.That(inner.Calls, Has.Count.EqualTo(2));
            Assert.That(inner.Calls[1], Is.EqualTo(new[] { "a", "c", "e" }), "each missing text is sent once, in first-seen order");
        });
    }

    [Test]
    public async Task GenerateAsync_ReturnsEmptyWithoutCalls_WhenThereAreNoTexts()
    {
        var inner = ScriptedEmbeddingGenerator.Deterministic();
        var store = new RecordingCacheStore();
        using var cache = new CachingEmbeddingGenerator(inner, store);

        GeneratedEmbeddings<Embedding<float>> result = await cache.GenerateAsync([]);

        Assert.Multiple(() =>
        {
            Assert.That(result, Is.Empty);
            Assert.That(inner.Calls, Is.Empty);
            Assert.That(store.Reads, Is.Zero);
        });
    }

    [Test]
    public async Task GenerateAsync_KeepsModelsApart_WhenModelIdDiffers()
    {
        var inner = ScriptedEmbeddingGenerator.Deterministic(metadata: OpenAiSmall);
        using var cache = new CachingEmbeddingGenerator(inner, new InMemoryEmbeddingCacheStore());

        await cache.GenerateAsync(["hello"], new EmbeddingGenerationOptions { ModelId = "model-a" });
        await cache.GenerateAsync(["hello"], new EmbeddingGenerationOptions { ModelId = "model-b" });
        await cache.GenerateAsync(["hello"]);
        await cache.GenerateAsync(["hello"], new EmbeddingGenerationOptions { ModelId = "model-a" });

        Assert.That(inner.Calls, Has.Count.EqualTo(3), "a, b and the default model each cost one call; the repeat of a is a hit");
    }

    [Test]
    public async Task GenerateAsync_KeepsDimensionsApart_WhenDimensionsDiffer()
    {
        var inner = new ScriptedEmbeddingGenerator(
            (texts, call, _) => Task.FromResult<IReadOnlyList<float[]>>([.. texts.Select(t => ScriptedEmbeddingGenerator.VectorFor(t, call == 0 ? 4 : 6))]));
        using var cache = new CachingEmbeddingGenerator(inner, new InMemoryEmbeddingCacheStore());

        GeneratedEmbeddings<Embedding<float>> four = await cache.GenerateAsync(["hello"], new EmbeddingGenerationOptions { Dimensions = 4 });
        GeneratedEmbeddings<Embedding<float>> six = await cache.GenerateAsync(["hello"], new EmbeddingGenerationOptions { Dimensions = 6 });

        Assert.Multiple(() =>
        {
            Assert.That(inner.Calls, Has.Count.EqualTo(2));
            Assert.That(four[0].Vector.Length, Is.EqualTo(4));
            Assert.That(six[0].Vector.Length, Is.EqualTo(6));
        });
    }

    [TestCase("openai", "https://api.openai.com/v1/", "https://api.openai.com/v1/", "openai-compatible")]
    [TestCase("openai", "https://api.openai.com/v1/", "http://127.0.0.1:11434/v1/", "openai")]
    [TestCase("openai", "https://a.example.com/v1/", "https://a.example.com/v2/", "openai")]
    public async Task GenerateAsync_KeepsProvidersApart_WhenNameOrUriDiffers(string firstName, string firstUri, string secondUri, string secondName)
    {
        var store = new InMemoryEmbeddingCacheStore();
        var first = ScriptedEmbeddingGenerator.Deterministic(metadata: new EmbeddingGeneratorMetadata(firstName, new Uri(firstUri), "m", 8));
        var second = ScriptedEmbeddingGenerator.Deterministic(metadata: new EmbeddingGeneratorMetadata(secondName, new Uri(secondUri), "m", 8));
        using var firstCache = new CachingEmbeddingGenerator(first, store);
        using var secondCache = new CachingEmbeddingGenerator(second, store);

        await firstCache.GenerateAsync(["hello"]);
        await secondCache.GenerateAsync(["hello"]);

        Assert.That(second.Calls, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task GenerateAsync_SharesEntries_WhenModelIdentityIsTheSame()
    {
        var store = new InMemoryEmbeddingCacheStore();
        var first = ScriptedEmbeddingGenerator.Deterministic(metadata: new EmbeddingGeneratorMetadata("a", new Uri("https://a.example.com/"), "m", 8));
        var second = ScriptedEmbeddingGenerator.Deterministic(metadata: new EmbeddingGeneratorMetadata("b", new Uri("https://b.example.com/"), "n", 8));
        using var firstCache = new CachingEmbeddingGenerator(first, store, new CachingEmbeddingGeneratorOptions { ModelIdentity = "shared-model" });
        using var secondCache = new CachingEmbeddingGenerator(second, store, new CachingEmbeddingGeneratorOptions { ModelIdentity = "shared-model" });
        using var otherCache = new CachingEmbeddingGenerator(second, store, new CachingEmbeddingGeneratorOptions { ModelIdentity = "other-model" });

        await firstCache.GenerateAsync(["hello"]);
        await secondCache.GenerateAsync(["hello"]);
        await otherCache.GenerateAsync(["hello"]);

        Assert.Multiple(() =>
        {
            Assert.That(first.Calls, Has.Count.EqualTo(1));
            Assert.That(second.Calls, Has.Count.EqualTo(1), "only the other identity calls the provider");
        });
    }

    [Test]
    public async Task GenerateAsync_KeepsTextsApart_WhenTheyDifferOnlyInUnpairedSurrogates()
    {
        var inner = ScriptedEmbeddingGenerator.Deterministic();
        using var cache = new CachingEmbeddingGenerator(inner, new InMemoryEmbeddingCacheStore());

        await cache.GenerateAsync(["x\uD800", "x\uD801", "x\uFFFD"]);

        Assert.That(inner.TextsSent, Has.Count.EqualTo(3));
    }

    [Test]
    public async Task GenerateAsync_PassesOptionsToTheInnerGenerator()
    {
        var inner = ScriptedEmbeddingGenerator.Deterministic();
        using var cache = new CachingEmbeddingGenerator(inner, new InMemoryEmbeddingCacheStore());
        var options = new EmbeddingGenerationOptions { ModelId = "m", Dimensions = 8 };

        await cache.GenerateAsync(["a"], options);

        Assert.That(inner.OptionsSeen.Single(), Is.SameAs(options));
    }

    [Test]
    public async Task Statistics_CountHitsMissesCallsTextsAndTokens()
    {
        var inner = ScriptedEmbeddingGenerator.Deterministic(metadata: OpenAiSmall);
        inner.TokensPerText = 3;
        using var cache = new CachingEmbeddingGenerator(inner, new InMemoryEmbeddingCacheStore(), new CachingEmbeddingGeneratorOptions { BatchSize = 4 });

        await cache.GenerateAsync(Texts(10));
        GeneratedEmbeddings<Embedding<float>> second = await cache.GenerateAsync([.. Texts(10), .. Texts(2, "new"), "new 0"]);

        Assert.Multiple(() =>
        {
            Assert.That(cache.Statistics, Is.EqualTo(new EmbeddingCacheStatistics(Hits: 10, Misses: 12, ProviderCalls: 4, TextsSent: 12, TokensSent: 36, CorruptEntries: 0)));
            Assert.That(second.Usage?.InputTokenCount, Is.EqualTo(6), "the call's usage covers only what it sent");
        });
    }

    [Test]
    public async Task Statistics_CountNoTokens_WhenTheProviderReportsNoUsage()
    {
        var inner = ScriptedEmbeddingGenerator.Deterministic();
        using var cache = new CachingEmbeddingGenerator(inner, new InMemoryEmbeddingCacheStore());

        GeneratedEmbeddings<Embedding<float>> result = await cache.GenerateAsync(Texts(3));

        Assert.Multiple(() =>
        {
            Assert.That(cache.Statistics.TokensSent, Is.Zero);
            Assert.That(cache.Statistics.TextsSent, Is.EqualTo(3));
            Assert.That(result.Usage, Is.Null);
        });
    }

    [Test]
    public void Constructor_RejectsNullArguments_NamingThem()
    {
        var inner = ScriptedEmbeddingGenerator.Deterministic();

        Assert.Multiple(() =>
        {
            Assert.That(() => new CachingEmbeddingGenerator(null!, new InMemoryEmbeddingCacheStore()), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("innerGenerator"));
            Assert.That(() => new CachingEmbeddingGenerator(inner, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("store"));
        });
    }

    [Test]
    public void GenerateAsync_RejectsNullValuesAndNullTexts_NamingValues()
    {
        using var cache = new CachingEmbeddingGenerator(ScriptedEmbeddingGenerator.Deterministic(), new InMemoryEmbeddingCacheStore());

        Assert.Multiple(() =>
        {
            Assert.That(() => cache.GenerateAsync(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("values"));
            Assert.That(() => cache.GenerateAsync(["a", null!]), Throws.ArgumentException.With.Property("ParamName").EqualTo("values"));
        });
    }

    [Test]
    public void GenerateAsync_Throws_WhenTheStoreReturnsTheWrongNumberOfEntries()
    {
        var store = new ShortReadStore();
        using var cache = new CachingEmbeddingGenerator(ScriptedEmbeddingGenerator.Deterministic(), store);

        Assert.That(() => cache.GenerateAsync(["a", "b"]), Throws.InvalidOperationException);
    }

    [Test]
    public async Task Constructor_CopiesOptions()
    {
        var options = new CachingEmbeddingGeneratorOptions { BatchSize = 2 };
        var inner = ScriptedEmbeddingGenerator.Deterministic();
        using var cache = new CachingEmbeddingGenerator(inner, new InMemoryEmbeddingCacheStore(), options);
        options.BatchSize = 100;

        await cache.GenerateAsync(Texts(4));

        Assert.That(inner.Calls, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task UseEmbeddingCache_AddsAConfiguredCachingGenerator()
    {
        var inner = ScriptedEmbeddingGenerator.Deterministic(metadata: OpenAiSmall);
        var store = new InMemoryEmbeddingCacheStore();

        using IEmbeddingGenerator<string, Embedding<float>> pipeline = inner.AsBuilder()
            .UseEmbeddingCache(store, options => options.BatchSize = 3)
            .Build();
        await pipeline.GenerateAsync(Texts(7));
        await pipeline.GenerateAsync(Texts(7));

        Assert.Multiple(() =>
        {
            Assert.That(pipeline.GetService<CachingEmbeddingGenerator>(), Is.SameAs(pipeline));
            Assert.That(pipeline.GetService<EmbeddingGeneratorMetadata>(), Is.SameAs(OpenAiSmall));
            Assert.That(inner.Calls.Select(c => c.Count), Is.EqualTo(new[] { 3, 3, 1 }));
            Assert.That(store.Count, Is.EqualTo(7));
        });
    }

    [Test]
    public void UseEmbeddingCache_RejectsNullArguments_NamingThem()
    {
        var builder = ScriptedEmbeddingGenerator.Deterministic().AsBuilder();

        Assert.Multiple(() =>
        {
            Assert.That(() => ((EmbeddingGeneratorBuilder<string, Embedding<float>>)null!).UseEmbeddingCache(new InMemoryEmbeddingCacheStore()), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("builder"));
            Assert.That(
                () => builder.UseEmbeddingCache(store: null).Build(),
                Throws.InvalidOperationException.With.Message.Contains(nameof(IEmbeddingCacheStore)),
                "without a store, the registered one is required");
        });
    }

    private sealed class ShortReadStore : IEmbeddingCacheStore
    {
        public Task<IReadOnlyList<byte[]?>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<byte[]?>>([null]);

        public Task SetManyAsync(IReadOnlyList<KeyValuePair<string, byte[]>> entries, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}
