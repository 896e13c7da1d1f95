using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using EmbedClassify.Benchmarks.Infrastructure;
using EmbedClassify.Sqlite;
using Microsoft.Extensions.AI;

namespace EmbedClassify.Benchmarks;

/// <summary>
/// Cache lookups (benchmark 7): 100 hits per operation from the in-memory store (baseline) and the SQLite store, and the
/// same hits through <see cref="CachingEmbeddingGenerator"/>, which adds key hashing and payload checks.
/// </summary>
/// <remarks>
/// <c>OperationsPerInvoke = 100</c>, so Mean and Allocated are per lookup; the Hits/s column is 10^9 / Mean in
/// millions. The SQLite database is a file in the temporary folder, warm in the operating system's page cache.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class CacheBenchmarks
{
    public const int Lookups = 100;

    private readonly List<IDisposable> _disposables = [];
    private string[] _keys = [];
    private string[] _texts = [];
    private string _databasePath = "";
    private InMemoryEmbeddingCacheStore _memory = null!;
    private SqliteEmbeddingCacheStore _sqlite = null!;
    private CachingEmbeddingGenerator _memoryGenerator = null!;
    private CachingEmbeddingGenerator _sqliteGenerator = null!;

    [Params(384, 768, 1536, 3072)]
    public int Dimension { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        float[] vectors = TestData.UnitRows(Lookups, Dimension);
        _keys = [.. Enumerable.Range(0, Lookups).Select(i => $"model/{Dimension}/{i:x16}")];
        _texts = [.. Enumerable.Range(0, Lookups).Select(i => $"cached text number {i}")];
        var entries = new KeyValuePair<string, byte[]>[Lookups];
        for (int i = 0; i < Lookups; i++)
        {
            entries[i] = new(_keys[i], System.Runtime.InteropServices.MemoryMarshal.AsBytes(vectors.AsSpan(i * Dimension, Dimension)).ToArray());
        }

        _memory = new InMemoryEmbeddingCacheStore();
        _databasePath = Path.Combine(Path.GetTempPath(), $"embedclassify-bench-{Environment.ProcessId}-{Dimension}.db");
        _sqlite = new SqliteEmbeddingCacheStore(_databasePath);
        _disposables.Add(_sqlite);
        await _memory.SetManyAsync(entries);
        await _sqlite.SetManyAsync(entries);

        var table = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (int i = 0; i < Lookups; i++)
        {
            table[_texts[i]] = vectors.AsSpan(i * Dimension, Dimension).ToArray();
        }

        _memoryGenerator = new CachingEmbeddingGenerator(new TableEmbeddingGenerator(table), new InMemoryEmbeddingCacheStore());
        _sqliteGenerator = new CachingEmbeddingGenerator(new TableEmbeddingGenerator(table), _sqlite);
        _disposables.Add(_memoryGenerator);
        _disposables.Add(_sqliteGenerator);
        _ = await _memoryGenerator.GenerateAsync(_texts);
        _ = await _sqliteGenerator.GenerateAsync(_texts);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (IDisposable disposable in _disposables)
        {
            disposable.Dispose();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (string suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_databasePath + suffix);
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Lookups, Description = "InMemoryEmbeddingCacheStore.GetManyAsync")]
    public Task<IReadOnlyList<byte[]?>> InMemoryStore() => _memory.GetManyAsync(_keys);

    [Benchmark(OperationsPerInvoke = Lookups, Description = "SqliteEmbeddingCacheStore.GetManyAsync")]
    public Task<IReadOnlyList<byte[]?>> SqliteStore() => _sqlite.GetManyAsync(_keys);

    [Benchmark(OperationsPerInvoke = Lookups, Description = "CachingEmbeddingGenerator over in-memory (all hits)")]
    public Task<GeneratedEmbeddings<Embedding<float>>> InMemoryGenerator() => _memoryGenerator.GenerateAsync(_texts);

    [Benchmark(OperationsPerInvoke = Lookups, Description = "CachingEmbeddingGenerator over SQLite (all hits)")]
    public Task<GeneratedEmbeddings<Embedding<float>>> SqliteGenerator() => _sqliteGenerator.GenerateAsync(_texts);

    /// <summary>Adds the hits-per-second column.</summary>
    public sealed class Config : ManualConfig
    {
        public Config() =>
            AddColumn(new ThroughputColumn(
                "M hits/s",
                "M hits/s: millions of cache hits per second (1000 / Mean in ns)",
                _ => 1000.0));
    }
}
