// Usage: EmbedClassify.Redis.Tests.Child --store redis|redis-plain|sqlite --endpoint <OpenAI endpoint> --texts <file>
//        [--redis host:port --prefix <key prefix> --lease-ms 30000] [--sqlite <database path>]
//        [--batch 25] [--concurrency 2] [--calls 1] [--chunk <texts per call>] [--seed <shuffle seed, -1 keeps the order>]
//        [--go] (wait for a line on standard input before embedding, so that several children start together)
// Prints "ready" once connected, "stored <n>" after each batch is stored, and at the end one line
// "done calls=… sent=… hits=… misses=… waits=… takeovers=… wrong=… ms=…".
using System.Diagnostics;
using System.Globalization;
using EmbedClassify;
using EmbedClassify.OpenAI;
using EmbedClassify.Redis;
using EmbedClassify.Redis.Tests.Child;
using EmbedClassify.Sqlite;
using EmbedClassify.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using StackExchange.Redis;

var settings = new Dictionary<string, string>(StringComparer.Ordinal);
for (int i = 0; i < args.Length; i++)
{
    settings[args[i]] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
}

string Setting(string name, string? fallback = null) =>
    settings.TryGetValue(name, out string? value) ? value
    : fallback ?? throw new ArgumentException($"{name} is required.", nameof(args));
int Number(string name, int fallback) => int.Parse(Setting(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

string[] texts = File.ReadAllLines(Setting("--texts"));
int seed = Number("--seed", -1);
if (seed >= 0)
{
    new Random(seed).Shuffle(texts);
}

var disposables = new List<IDisposable>();
IEmbeddingCacheStore store;
switch (Setting("--store"))
{
    case "redis":
        ConnectionMultiplexer redis = await ConnectionMultiplexer.ConnectAsync(Setting("--redis"));
        disposables.Add(redis);
        store = new ReportingLeaseStore(
            new RedisEmbeddingCacheStore(redis, new RedisEmbeddingCacheStoreOptions
            {
                KeyPrefix = Setting("--prefix"),
                LeaseDuration = TimeSpan.FromMilliseconds(Number("--lease-ms", 30_000)),
            }),
            Console.Out);
        break;
    case "redis-plain":
        var cache = new RedisCache(new RedisCacheOptions { Configuration = Setting("--redis"), InstanceName = Setting("--prefix") });
        disposables.Add(cache);
        store = new DistributedCacheEmbeddingStore(cache);
        break;
    case "sqlite":
        var sqlite = new SqliteEmbeddingCacheStore(Setting("--sqlite"));
        disposables.Add(sqlite);
        store = sqlite;
        break;
    default:
        throw new ArgumentException($"Unknown store {Setting("--store")}.", nameof(args));
}

using HttpClient http = ChildWorkload.CreateHttpClient();
using var generator = new CachingEmbeddingGenerator(
    new OpenAIEmbeddingGenerator(ChildWorkload.OpenAIOptions(new Uri(Setting("--endpoint"))), http),
    store,
    ChildWorkload.CacheOptions(Number("--batch", 25), Number("--concurrency", 2)));

// Connected and ready: the test starts every child's work at once by writing one line to each.
Console.WriteLine("ready");
Console.Out.Flush();
if (settings.ContainsKey("--go"))
{
    _ = Console.ReadLine();
}

var clock = Stopwatch.StartNew();
int chunkSize = Number("--chunk", texts.Length);
string[][] chunks = [.. texts.Chunk(chunkSize)];
int next = -1;
int wrong = 0;
await Task.WhenAll(Enumerable.Range(0, Number("--calls", 1)).Select(_ => Task.Run(async () =>
{
    for (int c = Interlocked.Increment(ref next); c < chunks.Length; c = Interlocked.Increment(ref next))
    {
        GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateAsync(chunks[c], ChildWorkload.GenerationOptions);
        for (int i = 0; i < chunks[c].Length; i++)
        {
            float[] expected = FakeOpenAIServer.VectorFor(chunks[c][i], ChildWorkload.Dimensions);
            float[] actual = embeddings[i].Vector.ToArray();
            if (actual.Length != expected.Length || actual.Zip(expected).Any(p => Math.Abs(p.First - p.Second) > 1e-6f))
            {
                Interlocked.Increment(ref wrong);
            }
        }
    }
})));

EmbeddingCacheStatistics s = generator.Statistics;
Console.WriteLine(string.Create(
    CultureInfo.InvariantCulture,
    $"done calls={s.ProviderCalls} sent={s.TextsSent} hits={s.Hits} misses={s.Misses} waits={s.LeaseWaits} takeovers={s.LeaseTakeovers} wrong={wrong} ms={clock.ElapsedMilliseconds}"));
foreach (IDisposable disposable in disposables)
{
    disposable.Dispose();
}
