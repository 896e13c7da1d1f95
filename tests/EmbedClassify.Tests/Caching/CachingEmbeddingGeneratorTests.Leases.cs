using EmbedClassify.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace EmbedClassify.Tests.Caching;

/// <summary>
/// The lease protocol over an <see cref="IEmbeddingCacheLeaseStore"/>, without Redis: a scripted in-memory lease store
/// (the Redis store's own tests, and the cross-process ones, are in EmbedClassify.Redis.Tests).
/// </summary>
public partial class CachingEmbeddingGeneratorTests
{
    [Test]
    public async Task GenerateAsync_LeasesEachMissingText_AndReleasesEveryLeaseWithItsOwnToken_AfterStoringIt()
    {
        var store = new ScriptedLeaseStore();
        var inner = ScriptedEmbeddingGenerator.Deterministic();
        using var cache = new CachingEmbeddingGenerator(inner, store, new CachingEmbeddingGeneratorOptions { BatchSize = 4 });
        string[] texts = Texts(10);

        GeneratedEmbeddings<Embedding<float>> result = await cache.GenerateAsync(texts);

        Assert.Multiple(() =>
        {
            AssertVectorsFor(result, texts);
            Assert.That(inner.Calls, Has.Count.EqualTo(3));
            Assert.That(store.Acquired.Select(a => a.Key).ToArray(), Is.Unique.And.Length.EqualTo(10));
            Assert.That(store.Released, Is.EquivalentTo(store.Acquired), "every lease released once, by the token that took it");
            Assert.That(store.ReleasedBeforeStored, Is.Empty, "a lease ends only after its entry is stored");
        });
    }

    [Test]
    public async Task GenerateAsync_TheNextCallForTheSameText_IsACacheHit_WhileTheFirstFlightStillReleasesItsLeases()
    {
        // A caller resumes as soon as its vectors are stored, while its flight may still be giving the leases back (a
        // round trip to Redis). The next call must find the stored entry at once: it used to wait for that flight to
        // wind down (here: forever, as the release hangs until the test ends), or join it and count the text as shared.
        var releases = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var store = new ScriptedLeaseStore { ReleaseGate = releases.Task };
        var inner = ScriptedEmbeddingGenerator.Deterministic();
        using var cache = new CachingEmbeddingGenerator(inner, store);
        try
        {
            GeneratedEmbeddings<Embedding<float>> first = await cache.GenerateAsync(["the same text"]).WaitAsync(TimeSpan.FromSeconds(30));
            GeneratedEmbeddings<Embedding<float>> again = await cache.GenerateAsync(["the same text"]).WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Multiple(() =>
            {
                Assert.That(cache.Statistics.Misses, Is.EqualTo(1));
                Assert.That(cache.Statistics.Hits, Is.EqualTo(1));
                Assert.That(cache.Statistics.SharedTexts, Is.Zero);
                Assert.That(inner.Calls, Has.Count.EqualTo(1));
                Assert.That(again[0].Vector.ToArray(), Is.EqualTo(first[0].Vector.ToArray()));
            });
        }
        finally
        {
            releases.SetResult();
        }
    }

    [Test]
    public async Task GenerateAsync_WaitsNoLongerThanTheLeaseLeft_ThenTakesTheTextOver()
    {
        // Another holder has every key for 40 more milliseconds and then vanishes without storing anything.
        var store = new ScriptedLeaseStore { HeldElsewhere = _ => TimeSpan.FromMilliseconds(40), HeldElsewhereRounds = 1 };
        var inner = ScriptedEmbeddingGenerator.Deterministic();
        using var cache = new CachingEmbeddingGenerator(inner, store);
        string[] texts = Texts(3);

        GeneratedEmbeddings<Embedding<float>> result = await cache.GenerateAsync(texts);

        Assert.Multiple(() =>
        {
            AssertVectorsFor(result, texts);
            Assert.That(store.Timeouts, Is.Not.Empty.And.All.LessThanOrEqualTo(TimeSpan.FromMilliseconds(40)));
            Assert.That(cache.Statistics.LeaseTakeovers, Is.EqualTo(3));
            Assert.That(inner.TextsSent, Is.EquivalentTo(texts));
        });
    }

    [Test]
    public async Task GenerateAsync_TakesTheEntryAnotherHolderStored_WhileWaitingForItsLease()
    {
        var store = new ScriptedLeaseStore { HeldElsewhere = _ => TimeSpan.FromSeconds(30), HeldElsewhereRounds = int.MaxValue };
        var inner = ScriptedEmbeddingGenerator.Deterministic();
        using var cache = new CachingEmbeddingGenerator(inner, store);
        string[] texts = Texts(3);

        // The "other process" stores the entries during the first wait; the waiter must not pay for them.
        store.OnFirstWait = async () =>
        {
            var keys = new RecordingCacheStore();
            using var writer = new CachingEmbeddingGenerator(ScriptedEmbeddingGenerator.Deterministic(), keys);
            await writer.GenerateAsync(texts);
            await store.SetManyAsync([.. keys.Entries]);
        };
        GeneratedEmbeddings<Embedding<float>> result = await cache.GenerateAsync(texts);

        Assert.Multiple(() =>
        {
            AssertVectorsFor(result, texts);
            Assert.That(inner.Calls, Is.Empty);
            Assert.That(cache.Statistics.LeaseWaits, Is.EqualTo(3));
            Assert.That(store.Acquired, Is.Empty);
        });
    }

    [Test]
    public async Task GenerateAsync_ReleasesTheLeases_AndCachesNothing_WhenTheProviderFails()
    {
        var store = new ScriptedLeaseStore();
        var inner = new ScriptedEmbeddingGenerator((_, _, _) => throw new HttpRequestException("provider down"));
        using var cache = new CachingEmbeddingGenerator(inner, store, new CachingEmbeddingGeneratorOptions { BatchSize = 2, MaxConcurrency = 1 });

        Assert.That(() => cache.GenerateAsync(Texts(6)), Throws.InstanceOf<EmbeddingBatchException>());
        await Task.Yield();

        Assert.Multiple(() =>
        {
            Assert.That(store.Acquired.Select(a => a.Key).ToArray(), Has.Length.EqualTo(6));
            Assert.That(store.Released, Is.EquivalentTo(store.Acquired), "the failed batch and the batches that never started");
            Assert.That(store.EntryCount, Is.Zero);
        });
    }

    [Test]
    public async Task GenerateAsync_ReturnsTheVectors_AndLogs_WhenReleasingALeaseFails()
    {
        var store = new ScriptedLeaseStore { ReleaseError = new InvalidOperationException("connection lost") };
        var logger = new ListLogger();
        using var cache = new CachingEmbeddingGenerator(ScriptedEmbeddingGenerator.Deterministic(), store, logger: logger);
        string[] texts = Texts(3);

        GeneratedEmbeddings<Embedding<float>> result = await cache.GenerateAsync(texts);

        Assert.Multiple(() =>
        {
            AssertVectorsFor(result, texts);
            Assert.That(logger.Entries, Has.Some.Matches<(LogLevel Level, string Message, Exception? Exception)>(
                e => e.Level == LogLevel.Warning && e.Exception?.Message == "connection lost" && e.Message.Contains("leases", StringComparison.Ordinal)));
        });
    }

    [Test]
    public void GenerateAsync_ThrowsTheStoresError_WhenTakingLeasesFails()
    {
        var error = new TimeoutException("lease store timed out");
        var store = new ScriptedLeaseStore { AcquireError = error };
        var inner = ScriptedEmbeddingGenerator.Deterministic();
        using var cache = new CachingEmbeddingGenerator(inner, store);

        Assert.Multiple(() =>
        {
            Assert.That(() => cache.GenerateAsync(Texts(2)), Throws.Exception.SameAs(error));
            Assert.That(inner.Calls, Is.Empty, "nothing is paid for without a lease");
        });
    }

    [Test]
    public void GenerateAsync_Throws_WhenTheLeaseStoreAnswersTheWrongNumberOfLeases()
    {
        var store = new ScriptedLeaseStore { DropOneAnswer = true };
        using var cache = new CachingEmbeddingGenerator(ScriptedEmbeddingGenerator.Deterministic(), store);

        Assert.That(() => cache.GenerateAsync(Texts(2)), Throws.InvalidOperationException.With.Message.Contains("lease requests"));
    }

    /// <summary>
    /// An in-memory <see cref="IEmbeddingCacheLeaseStore"/>: grants every free key unless <see cref="HeldElsewhere"/>
    /// says another holder has it (for the first <see cref="HeldElsewhereRounds"/> attempts), and records what happened.
    /// </summary>
    private sealed class ScriptedLeaseStore : IEmbeddingCacheLeaseStore
    {
        private readonly Dictionary<string, byte[]> _entries = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _leases = new(StringComparer.Ordinal);
        private readonly List<(string Key, string Holder)> _acquired = [];
        private readonly List<(string Key, string Holder)> _released = [];
        private readonly List<string> _releasedBeforeStored = [];
        private readonly List<TimeSpan> _timeouts = [];
        private readonly Lock _gate = new();
        private int _rounds;

        public Func<string, TimeSpan>? HeldElsewhere { get; init; }

        public int HeldElsewhereRounds { get; init; }

        public Exception? AcquireError { get; init; }

        public Exception? ReleaseError { get; init; }

        public Task ReleaseGate { get; init; } = Task.CompletedTask;

        public bool DropOneAnswer { get; init; }

        public Func<Task>? OnFirstWait { get; set; }

        public IReadOnlyList<(string Key, string Holder)> Acquired => Copy(_acquired);

        public IReadOnlyList<(string Key, string Holder)> Released => Copy(_released);

        public IReadOnlyList<string> ReleasedBeforeStored => Copy(_releasedBeforeStored);

        public IReadOnlyList<TimeSpan> Timeouts => Copy(_timeouts);

        public int EntryCount
        {
            get
            {
                lock (_gate)
                {
                    return _entries.Count;
                }
            }
        }

        public Task<IReadOnlyList<byte[]?>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
        {
            lock (_gate)
            {
                return Task.FromResult<IReadOnlyList<byte[]?>>([.. keys.Select(k => _entries.GetValueOrDefault(k))]);
            }
        }

        public Task SetManyAsync(IReadOnlyList<KeyValuePair<string, byte[]>> entries, CancellationToken cancellationToken = default)
        {
            lock (_gate)
            {
                foreach (KeyValuePair<string, byte[]> entry in entries)
                {
                    _entries[entry.Key] = entry.Value;
                }
            }

            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<TimeSpan?>> TryAcquireLeasesAsync(IReadOnlyList<string> keys, string holder, CancellationToken cancellationToken = default)
        {
            if (AcquireError is not null)
            {
                throw AcquireError;
            }

            lock (_gate)
            {
                bool elsewhere = HeldElsewhere is not null && _rounds++ < HeldElsewhereRounds;
                var answers = new List<TimeSpan?>();
                foreach (string key in keys)
                {
                    if (elsewhere)
                    {
                        answers.Add(HeldElsewhere!(key));
                    }
                    else if (_leases.TryAdd(key, holder))
                    {
                        _acquired.Add((key, holder));
                        answers.Add(null);
                    }
                    else
                    {
                        answers.Add(TimeSpan.FromSeconds(30));
                    }
                }

                return Task.FromResult<IReadOnlyList<TimeSpan?>>(DropOneAnswer ? answers[1..] : answers);
            }
        }

        public async Task ReleaseLeasesAsync(IReadOnlyList<string> keys, string holder, CancellationToken cancellationToken = default)
        {
            if (ReleaseError is not null)
            {
                throw ReleaseError;
            }

            await ReleaseGate;

            lock (_gate)
            {
                foreach (string key in keys)
                {
                    if (_leases.TryGetValue(key, out string? owner) && owner == holder)
                    {
                        _leases.Remove(key);
                        _released.Add((key, holder));
                        if (!_entries.ContainsKey(key))
                        {
                            _releasedBeforeStored.Add(key);
                        }
                    }
                }
            }

        }

        public async Task WaitForEntriesAsync(IReadOnlyList<string> keys, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            Func<Task>? first;
            lock (_gate)
            {
                _timeouts.Add(timeout);
                first = OnFirstWait;
                OnFirstWait = null;
            }

            if (first is not null)
            {
                await first();
            }
            else
            {
                await Task.Delay(timeout < TimeSpan.FromMilliseconds(10) ? timeout : TimeSpan.FromMilliseconds(10), cancellationToken);
            }
        }

        private List<T> Copy<T>(List<T> list)
        {
            lock (_gate)
            {
                return [.. list];
            }
        }
    }
}
