using EmbedClassify.Onnx;
using EmbedClassify.Sqlite;
using Microsoft.Extensions.AI;

namespace EmbedClassify.Cli.Embedding;

/// <summary>
/// The local embedding model, or several combined, each behind a SQLite cache, so that running <c>eval</c> after
/// <c>train</c> on the same data, or predicting the same texts again, embeds nothing twice.
/// </summary>
/// <remarks>
/// With several models, each has a caching generator of its own in front of it (on the one store: cache keys name the
/// model), and the combination sits in front of those: a text one model has embedded is never embedded by it again,
/// whichever combination asks, and when one model fails the others' vectors are already stored.
/// </remarks>
internal sealed class EmbeddingSession : IDisposable
{
    public const string CacheOption = "--cache";

    public const string NoCacheFlag = "--no-cache";

    public const string Help = """
          --cache <path>        embedding cache database (default: <local app data>/EmbedClassify/cli-embeddings.db)
          --no-cache            embed without a cache
        """;

    private readonly IReadOnlyList<OnnxEmbeddingGenerator> _models;
    private readonly IReadOnlyList<CachingEmbeddingGenerator> _cached;
    private readonly SqliteEmbeddingCacheStore? _store;

    private EmbeddingSession(
        IReadOnlyList<OnnxEmbeddingGenerator> models,
        IReadOnlyList<CachingEmbeddingGenerator> cached,
        SqliteEmbeddingCacheStore? store,
        IEmbeddingGenerator<string, Embedding<float>> generator)
    {
        _models = models;
        _cached = cached;
        _store = store;
        Generator = generator;
    }

    /// <summary>The generator to embed with: the one model's cache, or a <see cref="MultiViewEmbeddingGenerator"/> over every model's.</summary>
    public IEmbeddingGenerator<string, Embedding<float>> Generator { get; }

    /// <param name="cachePath">The cache database, or <see langword="null"/> for the default one.</param>
    /// <param name="noCache">Whether to keep vectors in memory only.</param>
    /// <param name="memoryEntries">How many vectors of each model to keep in memory without a cache: every one by
    /// default, so that the vectors embedded with a progress bar are not computed again when the classifier asks for
    /// them; a streaming command needs only its chunks in flight, and must not grow with its input.</param>
    /// <param name="models">The models to embed with, in view order, owned by the session from here on (also when this
    /// method throws); the built-in one by default. A fine-tuned model reports its own id, so its vectors never share
    /// cache entries with the built-in model's.</param>
    public static EmbeddingSession Open(string? cachePath, bool noCache, int memoryEntries = int.MaxValue, IReadOnlyList<OnnxEmbeddingGenerator>? models = null)
    {
        models ??= LocalModel.CreateAll([LocalModel.MiniLM]);
        SqliteEmbeddingCacheStore? store = null;
        var cached = new List<CachingEmbeddingGenerator>(models.Count);
        try
        {
            if (!noCache)
            {
                string path = Path.GetFullPath(cachePath ?? DefaultCachePath());
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                store = new SqliteEmbeddingCacheStore(path);
            }

            foreach (OnnxEmbeddingGenerator model in models)
            {
                // Without a database, a store per model: each keeps memoryEntries of its own model's vectors, so one
                // model's chunk never evicts the other's before the combination reads both.
                cached.Add(new CachingEmbeddingGenerator(model, store ?? (IEmbeddingCacheStore)new InMemoryEmbeddingCacheStore(memoryEntries)));
            }

            IEmbeddingGenerator<string, Embedding<float>> generator = cached.Count == 1 ? cached[0] : new MultiViewEmbeddingGenerator(cached);
            return new EmbeddingSession(models, cached, store, generator);
        }
        catch
        {
            Dispose(models, cached, store);
            throw;
        }
    }

    public void Dispose()
    {
        // The combination owns nothing (it disposes no model); everything it combines is disposed here.
        Generator.Dispose();
        Dispose(_models, _cached, _store);
    }

    private static void Dispose(IReadOnlyList<OnnxEmbeddingGenerator> models, IReadOnlyList<CachingEmbeddingGenerator> cached, SqliteEmbeddingCacheStore? store)
    {
        foreach (CachingEmbeddingGenerator generator in cached)
        {
            generator.Dispose();
        }

        store?.Dispose();

        // A caching generator disposes the model it wraps; the models are disposed here too, for those never wrapped
        // (when opening failed part way), and disposing one twice does nothing.
        foreach (OnnxEmbeddingGenerator model in models)
        {
            model.Dispose();
        }
    }

    private static string DefaultCachePath() =>
        Path.Combine(
            Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
            "EmbedClassify",
            "cli-embeddings.db");
}
