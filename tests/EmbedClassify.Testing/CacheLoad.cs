using System.Collections.Concurrent;
using System.Diagnostics;
using EmbedClassify.OpenAI;
using Microsoft.Extensions.AI;

namespace EmbedClassify.Testing;

/// <summary>What one <see cref="CacheLoad.RunAsync"/> run measured.</summary>
/// <param name="DistinctTexts">The number of distinct texts over all callers: what an ideal cache pays for.</param>
/// <param name="TextsPaidFor">The number of texts in requests the server answered normally (faulted requests are not paid).</param>
/// <param name="Requests">The number of requests the server received.</param>
/// <param name="FaultedRequests">The number of requests answered with a fault.</param>
/// <param name="WrongVectors">The number of returned vectors that differ from the server's vector for their text.</param>
/// <param name="Elapsed">The wall-clock time of the concurrent calls.</param>
/// <param name="Statistics">The caching generator's counters after the run.</param>
public sealed record CacheLoadReport(
    int DistinctTexts,
    long TextsPaidFor,
    int Requests,
    int FaultedRequests,
    int WrongVectors,
    TimeSpan Elapsed,
    EmbeddingCacheStatistics Statistics);

/// <summary>
/// The load test of issue 12: many concurrent callers with overlapping texts through one caching generator over the
/// real OpenAI generator and the loopback <see cref="FakeOpenAIServer"/>, with transient faults injected.
/// </summary>
public static class CacheLoad
{
    /// <summary>
    /// Builds one text list per caller: <paramref name="overlap"/> of each list is a pool every caller shares, the rest
    /// is the caller's own, shuffled with a seeded generator so that callers reach the shared texts in different orders.
    /// </summary>
    public static string[][] Workloads(int callers, int textsPerCaller, double overlap, int seed)
    {
        int shared = (int)Math.Round(textsPerCaller * overlap);
        string[] pool = [.. Enumerable.Range(0, shared).Select(i => $"shared text {i}")];
        var random = new Random(seed);
        var workloads = new string[callers][];
        for (int c = 0; c < callers; c++)
        {
            string[] texts = [.. pool, .. Enumerable.Range(0, textsPerCaller - shared).Select(i => $"caller {c} text {i}")];
            random.Shuffle(texts);
            workloads[c] = texts;
        }

        return workloads;
    }

    /// <summary>
    /// Runs <paramref name="callers"/> concurrent calls of <paramref name="textsPerCaller"/> texts each through a
    /// <see cref="CachingEmbeddingGenerator"/> over <paramref name="store"/>. Every fourth request is faulted (503,
    /// dropped connection or 429 in turn) unless a request with the same first text was faulted before, so that every
    /// text is eventually embedded after retries. With <paramref name="instances"/> above 1, the callers are spread
    /// over that many caching generators sharing <paramref name="store"/>, as separate processes would be.
    /// </summary>
    public static async Task<CacheLoadReport> RunAsync(
        FakeOpenAIServer server,
        IEmbeddingCacheStore store,
        int callers = 16,
        int textsPerCaller = 1_000,
        double overlap = 0.3,
        int seed = 12,
        int instances = 1)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(store);
        long paid = 0;
        int faulted = 0;
        var faultedFirstTexts = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        server.Faults = request =>
        {
            if (request.Number % 4 == 1 && faultedFirstTexts.TryAdd(request.Inputs[0], 0))
            {
                int kind = Interlocked.Increment(ref faulted) % 3;
                return kind switch
                {
                    0 => FakeFault.Status(503),
                    1 => FakeFault.DropConnection,
                    _ => FakeFault.TooManyRequests(),
                };
            }

            Interlocked.Add(ref paid, request.Inputs.Count);
            return null;
        };

        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = Timeout.InfiniteTimeSpan };
        var providerOptions = new OpenAIEmbeddingGeneratorOptions
        {
            ApiKey = "sk-load-test",
            Model = "fake-embedding-model",
            Endpoint = server.Endpoint,
            MaxInputsPerRequest = 50,
            RetryBaseDelay = TimeSpan.FromMilliseconds(1),
            MaxRetryDelay = TimeSpan.FromMilliseconds(10),
        };
        using var provider = new OpenAIEmbeddingGenerator(providerOptions, http);
        CachingEmbeddingGenerator[] caches = [.. Enumerable.Range(0, instances).Select(_ =>
            new CachingEmbeddingGenerator(provider, store, new CachingEmbeddingGeneratorOptions { BatchSize = 100, MaxConcurrency = 4 }))];
        string[][] workloads = Workloads(callers, textsPerCaller, overlap, seed);

        var stopwatch = Stopwatch.StartNew();
        GeneratedEmbeddings<Embedding<float>>[] results = await Task.WhenAll(
            workloads.Select((texts, c) => Task.Run(() => caches[c % instances].GenerateAsync(texts)))).ConfigureAwait(false);
        stopwatch.Stop();
        server.Faults = null;

        int wrong = 0;
        for (int c = 0; c < callers; c++)
        {
            for (int i = 0; i < workloads[c].Length; i++)
            {
                float[] expected = FakeOpenAIServer.VectorFor(workloads[c][i], server.Dimensions);
                ReadOnlySpan<float> actual = results[c][i].Vector.Span;
                if (actual.Length != expected.Length || !Close(actual, expected))
                {
                    wrong++;
                }
            }
        }

        int distinct = workloads.SelectMany(w => w).Distinct(StringComparer.Ordinal).Count();
        EmbeddingCacheStatistics statistics = caches.Select(c => c.Statistics).Aggregate((a, b) => new EmbeddingCacheStatistics(
            a.Hits + b.Hits, a.Misses + b.Misses, a.ProviderCalls + b.ProviderCalls, a.TextsSent + b.TextsSent, a.TokensSent + b.TokensSent,
            a.CorruptEntries + b.CorruptEntries, a.SharedTexts + b.SharedTexts, a.FailedWrites + b.FailedWrites,
            a.LeaseWaits + b.LeaseWaits, a.LeaseTakeovers + b.LeaseTakeovers));
        foreach (CachingEmbeddingGenerator cache in caches)
        {
            cache.Dispose();
        }

        return new CacheLoadReport(distinct, Interlocked.Read(ref paid), server.Requests.Count, faulted, wrong, stopwatch.Elapsed, statistics);
    }

    private static bool Close(ReadOnlySpan<float> actual, float[] expected)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (Math.Abs(actual[i] - expected[i]) > 1e-6f)
            {
                return false;
            }
        }

        return true;
    }
}
