using EmbedClassify.Onnx;
using EmbedClassify.Sqlite;
using Microsoft.Extensions.AI;

namespace EmbedClassify.Cli.Embedding;

/// <summary>
/// The local embedding model behind a SQLite cache, so that running <c>eval</c> after <c>train</c> on the same data, or
/// predicting the same texts again, embeds nothing twice.
/// </summary>
internal sealed class EmbeddingSession : IDisposable
{
    public const string CacheOption = "--cache";

    public const string NoCacheFlag = "--no-cache";

    public const string Help = """
          --cache <path>        embedding cache database (default: <local app data>/EmbedClassify/cli-embeddings.db)
          --no-cache            embed without a cache
        """;

    private readonly OnnxEmbeddingGenerator _model;
    private readonly SqliteEmbeddingCacheStore? _store;

    private EmbeddingSession(OnnxEmbeddingGenerator model, SqliteEmbeddingCacheStore? store, IEmbeddingGenerator<string, Embedding<float>> generator)
    {
        _model = model;
        _store = store;
        Generator = generator;
    }

    public IEmbeddingGenerator<string, Embedding<float>> Generator { get; }

    /// <param name="cachePath">The cache database, or <see langword="null"/> for the default one.</param>
    /// <param name="noCache">Whether to keep vectors in memory only.</param>
    /// <param name="memoryEntries">How many vectors to keep in memory without a cache: every one by default, so that the
    /// vectors embedded with a progress bar are not computed again when the classifier asks for them; a streaming
    /// command needs only its chunks in flight, and must not grow with its input.</param>
    /// <param name="model">The model to embed with, owned by the session from here on; the built-in one by default. A
    /// fine-tuned model reports its own id, so its vectors never share cache entries with the built-in model's.</param>
    public static EmbeddingSession Open(string? cachePath, bool noCache, int memoryEntries = int.MaxValue, OnnxEmbeddingGenerator? model = null)
    {
        model ??= OnnxEmbeddingGenerator.CreateDefault();
        if (noCache)
        {
            return new EmbeddingSession(model, null, new CachingEmbeddingGenerator(model, new InMemoryEmbeddingCacheStore(memoryEntries)));
        }

        try
        {
            string path = Path.GetFullPath(cachePath ?? DefaultCachePath());
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var store = new SqliteEmbeddingCacheStore(path);
            return new EmbeddingSession(model, store, new CachingEmbeddingGenerator(model, store));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Generator.Dispose();
        _store?.Dispose();
        _model.Dispose();
    }

    private static string DefaultCachePath() =>
        Path.Combine(
            Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
            "EmbedClassify",
            "cli-embeddings.db");
}
