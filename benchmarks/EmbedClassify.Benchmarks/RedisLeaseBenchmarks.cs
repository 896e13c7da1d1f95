using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using EmbedClassify.Benchmarks.Infrastructure;
using EmbedClassify.Redis;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using StackExchange.Redis;

namespace EmbedClassify.Benchmarks;

/// <summary>
/// What single flight across processes costs: one <see cref="CachingEmbeddingGenerator"/> call of 64 texts that all miss
/// (so every one is leased, fetched from an instant fake provider, stored and released) through the Redis store with
/// its leases, against the same store with its lease interface hidden (baseline: lookup, fetch, store), and the
/// lease-free <see cref="DistributedCacheEmbeddingStore"/> over <see cref="RedisCache"/> that teams used before.
/// </summary>
/// <remarks>
/// <para>
/// Needs a redis-server named by <c>EMBEDCLASSIFY_REDIS</c> (host:port), so it is not in .ci/run's dry run. The provider
/// answers at once, so the ratio is the whole overhead of the leases on the Redis round trips; a real provider call
/// (tens to hundreds of milliseconds) dwarfs it. Hits never take a lease, so a call whose texts are all cached costs the
/// same with or without them.
/// </para>
/// <para>
/// <c>OperationsPerInvoke = 64</c>: Mean and Allocated are per text. Every invocation embeds texts never seen before; the
/// entries expire after a minute so the runs do not fill Redis, and the cleanup deletes what is left.
/// </para>
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class RedisLeaseBenchmarks
{
    public const int Texts = 64;

    private readonly string _prefix = $"embedclassify-bench:{Guid.NewGuid():N}:";
    private ConnectionMultiplexer _redis = null!;
    private RedisCache _distributed = null!;
    private CachingEmbeddingGenerator _leased = null!;
    private CachingEmbeddingGenerator _unleased = null!;
    private CachingEmbeddingGenerator _distributedGenerator = null!;
    private long _invocation;

    [Params(384, 1536)]
    public int Dimension { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        string configuration = Environment.GetEnvironmentVariable("EMBEDCLASSIFY_REDIS") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException("RedisLeaseBenchmarks needs EMBEDCLASSIFY_REDIS=host:port of a redis-server.");
        _redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        var options = new RedisEmbeddingCacheStoreOptions { KeyPrefix = _prefix, EntryExpiry = TimeSpan.FromMinutes(1) };
        var store = new RedisEmbeddingCacheStore(_redis, options);
        _leased = NewGenerator(store);
        _unleased = NewGenerator(new WithoutLeases(store));
        _distributed = new RedisCache(new RedisCacheOptions { Configuration = configuration, InstanceName = _prefix + "distributed:" });
        _distributedGenerator = NewGenerator(new DistributedCacheEmbeddingStore(
            _distributed, entryOptions: new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1) }));
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _leased.Dispose();
        _unleased.Dispose();
        _distributedGenerator.Dispose();
        _distributed.Dispose();
        IServer server = _redis.GetServers()[0];
        foreach (RedisKey key in server.Keys(pattern: _prefix + "*"))
        {
            await _redis.GetDatabase().KeyDeleteAsync(key);
        }

        _redis.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Texts, Description = "RedisEmbeddingCacheStore, leases hidden (64 misses)")]
    public Task<GeneratedEmbeddings<Embedding<float>>> WithoutLeasesStore() => _unleased.GenerateAsync(NewTexts());

    [Benchmark(OperationsPerInvoke = Texts, Description = "RedisEmbeddingCacheStore with leases (64 misses)")]
    public Task<GeneratedEmbeddings<Embedding<float>>> WithLeases() => _leased.GenerateAsync(NewTexts());

    [Benchmark(OperationsPerInvoke = Texts, Description = "DistributedCacheEmbeddingStore over RedisCache (64 misses)")]
    public Task<GeneratedEmbeddings<Embedding<float>>> DistributedCache() => _distributedGenerator.GenerateAsync(NewTexts());

    private CachingEmbeddingGenerator NewGenerator(IEmbeddingCacheStore store) =>
        new(new HashEmbeddingGenerator(Dimension), store, new CachingEmbeddingGeneratorOptions { ModelIdentity = "bench", BatchSize = Texts });

    private string[] NewTexts()
    {
        long invocation = Interlocked.Increment(ref _invocation);
        var texts = new string[Texts];
        for (int i = 0; i < texts.Length; i++)
        {
            texts[i] = $"benchmark text {invocation} {i}";
        }

        return texts;
    }

    /// <summary>
    /// A fixed, small number of invocations (each writes 64 new entries, so the default job would fill Redis), run in
    /// the host process: building a separate job executable timed out on the loaded CI machine.
    /// </summary>
    public sealed class Config : ManualConfig
    {
        public Config() =>
            AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance)
                .WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10).WithInvocationCount(16).WithUnrollFactor(1));
    }

    /// <summary>The Redis store behind a plain <see cref="IEmbeddingCacheStore"/>, so the generator cannot see its leases.</summary>
    private sealed class WithoutLeases(IEmbeddingCacheStore inner) : IEmbeddingCacheStore
    {
        public Task<IReadOnlyList<byte[]?>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default) =>
            inner.GetManyAsync(keys, cancellationToken);

        public Task SetManyAsync(IReadOnlyList<KeyValuePair<string, byte[]>> entries, CancellationToken cancellationToken = default) =>
            inner.SetManyAsync(entries, cancellationToken);
    }
}
