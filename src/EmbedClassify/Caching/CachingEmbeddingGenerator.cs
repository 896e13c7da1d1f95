using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EmbedClassify;

/// <summary>
/// Represents a delegating embedding generator that answers repeated texts from an <see cref="IEmbeddingCacheStore"/>
/// and sends only the missing ones to the inner generator, storing each completed batch before starting to count on it.
/// </summary>
/// <remarks>
/// <para>
/// A cache key combines the provider identity (<see cref="EmbeddingGeneratorMetadata.ProviderName"/> and
/// <see cref="EmbeddingGeneratorMetadata.ProviderUri"/> without user info, query or fragment), the model
/// (<see cref="EmbeddingGenerationOptions.ModelId"/> or <see cref="EmbeddingGeneratorMetadata.DefaultModelId"/>), the
/// dimension count (<see cref="EmbeddingGenerationOptions.Dimensions"/> or
/// <see cref="EmbeddingGeneratorMetadata.DefaultModelDimensions"/>) and the SHA-256 of the text's UTF-8 bytes, so two
/// models never share entries and no credential reaches the store. When the inner generator reports no metadata, its
/// type name stands in for the provider; set <see cref="CachingEmbeddingGeneratorOptions.ModelIdentity"/> to name the
/// model explicitly.
/// </para>
/// <para>
/// Misses are de-duplicated, split into batches of <see cref="CachingEmbeddingGeneratorOptions.BatchSize"/> texts and
/// sent with at most <see cref="CachingEmbeddingGeneratorOptions.MaxConcurrency"/> concurrent inner calls per call of
/// <see cref="GenerateAsync"/>. Each completed batch is written with one <see cref="IEmbeddingCacheStore.SetManyAsync"/>
/// call, so a crash, kill or cancellation after k completed batches keeps those k batches and a rerun embeds only the
/// rest. Failures and cancellations are never cached. Every entry carries a checksum; a corrupt or truncated entry is
/// logged, counted in <see cref="EmbeddingCacheStatistics.CorruptEntries"/>, re-fetched and overwritten, never returned.
/// </para>
/// <para>
/// <b>Single flight.</b> Concurrent calls on one instance never pay twice for a text: the first call that needs a key
/// fetches it, and every call that needs the same key meanwhile awaits that fetch (counted in
/// <see cref="EmbeddingCacheStatistics.SharedTexts"/>) instead of sending it again. A failed fetch fails every call
/// that awaited it and is not cached, so the next call asks again. A caller whose token is canceled stops waiting at
/// once, but the fetch goes on while another caller still needs it; it is canceled only when nobody does.
/// </para>
/// <para>
/// <b>Single flight across processes.</b> When the store is an <see cref="IEmbeddingCacheLeaseStore"/> (such as the
/// Redis store of EmbedClassify.Redis), instances in other processes and on other machines share fetches too: each key
/// missing from the store is leased before it is fetched, the keys others hold are waited for (counted in
/// <see cref="EmbeddingCacheStatistics.LeaseWaits"/>) while the rest are fetched in the same batches, and a key whose
/// holder failed, was canceled or died is fetched once its lease is released or expires (counted in
/// <see cref="EmbeddingCacheStatistics.LeaseTakeovers"/>). Leases are released after each batch is stored, and when a
/// batch fails or is canceled. A holder whose lease ran out mid-fetch still stores what it paid for. Over any other
/// store, separate instances and processes de-duplicate only through the store (see docs/caching.md).
/// </para>
/// <para>
/// <b>Nothing bad is stored.</b> Every vector, from the inner generator or from the store, is checked before it is
/// stored or returned: not <see langword="null"/>, not empty, finite, not all zeros, and of the expected length (the
/// dimension count of the options or the metadata, else the length of the first vector this instance stored or read for
/// the model, else the length every vector of the batch agrees on). A bad vector from the inner generator fails that
/// input only, with an <see cref="InvalidOperationException"/> naming its index; a bad entry in the store counts as
/// corrupt and is fetched again.
/// </para>
/// <para>
/// <b>A paid vector is never thrown away.</b> When writing a completed batch fails, the caller still gets its vectors;
/// the failure is logged and counted in <see cref="EmbeddingCacheStatistics.FailedWrites"/>, the entries are kept in
/// memory (and answer lookups) and every later call first retries writing them, until the store takes them.
/// </para>
/// <para>
/// Besides <see cref="Statistics"/>, hits, misses and inner calls are counted on the process-wide meter named in
/// <see cref="EmbedClassifyTelemetry"/>, tagged with the provider name only (never a key or a text).
/// </para>
/// <para>This type is thread-safe if the inner generator and the store are.</para>
/// </remarks>
public sealed partial class CachingEmbeddingGenerator : DelegatingEmbeddingGenerator<string, Embedding<float>>
{
    private readonly IEmbeddingCacheStore _store;
    private readonly CachingEmbeddingGeneratorOptions _options;
    private readonly ILogger _logger;
    private readonly Lazy<EmbeddingGeneratorMetadata?> _metadata;
    private long _hits;
    private long _misses;
    private long _providerCalls;
    private long _textsSent;
    private long _tokensSent;
    private long _corruptEntries;
    private long _sharedTexts;
    private long _failedWrites;

    // Keys being looked up or fetched, each with the flight that does it and the result its waiters await.
    private readonly ConcurrentDictionary<string, Slot> _inFlight = new(StringComparer.Ordinal);

    // Paid-for entries whose write failed: they answer lookups, and every call tries to write them first.
    private readonly ConcurrentDictionary<string, byte[]> _pendingWrites = new(StringComparer.Ordinal);

    // The vector length per key namespace, learned from the first vector stored or read when neither the options nor the
    // metadata give a dimension count.
    private readonly ConcurrentDictionary<string, int> _lengths = new(StringComparer.Ordinal);
    private int _flushing;

    /// <summary>
    /// Initializes a new instance of the <see cref="CachingEmbeddingGenerator"/> class.
    /// </summary>
    /// <param name="innerGenerator">The generator that embeds the texts the cache does not hold.</param>
    /// <param name="store">The store that holds the cache entries.</param>
    /// <param name="options">The settings, or <see langword="null"/> for the defaults. They are copied.</param>
    /// <param name="logger">The logger that receives reports of corrupt entries and failed batches, or <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerGenerator"/> or <paramref name="store"/> is <see langword="null"/>.</exception>
    public CachingEmbeddingGenerator(
        IEmbeddingGenerator<string, Embedding<float>> innerGenerator,
        IEmbeddingCacheStore store,
        CachingEmbeddingGeneratorOptions? options = null,
        ILogger? logger = null)
        : base(innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _options = options?.Clone() ?? new CachingEmbeddingGeneratorOptions();
        _logger = logger ?? NullLogger.Instance;
        _metadata = new Lazy<EmbeddingGeneratorMetadata?>(
            () => InnerGenerator.GetService(typeof(EmbeddingGeneratorMetadata)) as EmbeddingGeneratorMetadata,
            LazyThreadSafetyMode.PublicationOnly);
    }

    /// <summary>
    /// Gets a snapshot of the counters, accumulated over every call since this instance was created.
    /// </summary>
    /// <remarks>Counters are updated atomically, but a snapshot taken during a call may mix values from before and after one update.</remarks>
    public EmbeddingCacheStatistics Statistics => new(
        Interlocked.Read(ref _hits),
        Interlocked.Read(ref _misses),
        Interlocked.Read(ref _providerCalls),
        Interlocked.Read(ref _textsSent),
        Interlocked.Read(ref _tokensSent),
        Interlocked.Read(ref _corruptEntries),
        Interlocked.Read(ref _sharedTexts),
        Interlocked.Read(ref _failedWrites),
        Interlocked.Read(ref _leaseWaits),
        Interlocked.Read(ref _leaseTakeovers));

    /// <summary>
    /// Gets the number of paid-for entries whose write to the store failed and that are held in memory until a later
    /// call writes them.
    /// </summary>
    public int PendingWriteCount => _pendingWrites.Count;

    /// <summary>
    /// Generates embeddings for the texts, answering from the cache where possible.
    /// </summary>
    /// <param name="values">The texts to embed. Duplicates are embedded once.</param>
    /// <param name="options">The options passed to the inner generator; its model and dimension count are part of the cache key.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>One embedding per text, in the order of <paramref name="values"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="values"/> contains <see langword="null"/>.</exception>
    /// <exception cref="EmbeddingBatchException">
    /// Some texts got no embedding. <see cref="EmbeddingBatchException.FailedIndices"/> lists every position in
    /// <paramref name="values"/> that got none, <see cref="EmbeddingBatchException.Embeddings"/> holds the embeddings of
    /// the others, every batch that completed is already stored (or held for a later write), and the inner exception is
    /// the failure of the first failed position. An inner call that throws, or returns the wrong number of embeddings,
    /// fails its whole batch and no later batch of this call starts. A <see langword="null"/>, empty, non-finite, all-zero
    /// or wrong-length vector fails only its input: the inner exception is then an <see cref="InvalidOperationException"/>
    /// whose message names the index. When an inner call throws an <see cref="EmbeddingBatchException"/> that carries
    /// <see cref="EmbeddingBatchException.Embeddings"/> for its inputs, the usable embeddings it holds are stored (in the
    /// batch's one write) and returned in the exception, and only its failed inputs count as failed.
    /// </exception>
    /// <exception cref="OperationCanceledException">
    /// <paramref name="cancellationToken"/> was canceled before every text was embedded; batches completed before that
    /// are stored. A fetch that another concurrent call still awaits is not canceled.
    /// </exception>
    /// <exception cref="InvalidOperationException">The store returned a different number of entries than keys it was asked for, or a lease store a different number of lease answers.</exception>
    /// <remarks>
    /// Exceptions thrown by the store's <see cref="IEmbeddingCacheStore.GetManyAsync"/>, and by an
    /// <see cref="IEmbeddingCacheLeaseStore"/>'s <see cref="IEmbeddingCacheLeaseStore.TryAcquireLeasesAsync"/> and
    /// <see cref="IEmbeddingCacheLeaseStore.WaitForEntriesAsync"/>, propagate unchanged. Exceptions thrown by
    /// <see cref="IEmbeddingCacheStore.SetManyAsync"/> do not: see <see cref="EmbeddingCacheStatistics.FailedWrites"/>; nor
    /// do those of <see cref="IEmbeddingCacheLeaseStore.ReleaseLeasesAsync"/>, which are logged (the lease then expires).
    /// </remarks>
    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        string[] inputs = [.. values];
        if (Array.IndexOf(inputs, null) is int nullAt and >= 0)
        {
            throw new ArgumentException($"The text at index {nullAt} is null.", nameof(values));
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (inputs.Length == 0)
        {
            return [];
        }

        await WritePendingAsync().ConfigureAwait(false);

        EmbeddingGeneratorMetadata? metadata = _metadata.Value;
        string? modelId = options?.ModelId ?? (_options.ModelIdentity is null ? metadata?.DefaultModelId : null);
        int? dimensions = options?.Dimensions ?? metadata?.DefaultModelDimensions;
        string keyNamespace = EmbeddingCacheKey.GetNamespace(
            _options.ModelIdentity, metadata, InnerGenerator.GetType().FullName ?? InnerGenerator.GetType().Name, options?.ModelId, dimensions);

        // Identical texts share a key, so the store and the provider each see every distinct text once.
        var uniqueByKey = new Dictionary<string, int>(inputs.Length, StringComparer.Ordinal);
        var uniqueKeys = new List<string>(inputs.Length);
        var uniqueTexts = new List<string>(inputs.Length);
        int[] uniqueOf = new int[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            string key = EmbeddingCacheKey.Get(keyNamespace, inputs[i]);
            if (!uniqueByKey.TryGetValue(key, out int unique))
            {
                unique = uniqueKeys.Count;
                uniqueByKey.Add(key, unique);
                uniqueKeys.Add(key);
                uniqueTexts.Add(inputs[i]);
            }

            uniqueOf[i] = unique;
        }

        var participation = new Participation();
        var slots = new Slot[uniqueKeys.Count];
        var owned = new List<Flight>();
        using (cancellationToken.Register(static state => ((Participation)state!).LeaveAll(), participation))
        {
            // Claim every key nobody is fetching, join the flights of the others; a key whose flight was abandoned by all
            // its callers is claimed again once that flight has wound down.
            List<int> unclaimed = [.. Enumerable.Range(0, uniqueKeys.Count)];
            while (unclaimed.Count > 0)
            {
                var flight = new Flight(this, keyNamespace, modelId, dimensions, options);
                var blocked = new List<int>();
                var blockers = new List<Task>();
                foreach (int u in unclaimed)
                {
                    if (!Claim(uniqueKeys[u], uniqueTexts[u], flight, participation, out slots[u]))
                    {
                        blocked.Add(u);
                        blockers.Add(slots[u].Flight.Completion);
                    }
                }

                if (flight.Count > 0)
                {
                    owned.Add(flight);
                    participation.Own(flight);
                    flight.Start();
                }

                if (participation.HasLeft)
                {
                    await participation.WindDownAsync().ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                }

                unclaimed = blocked;
                if (blocked.Count > 0)
                {
                    Task unblocked = Task.WhenAll(blockers);
                    await Task.WhenAny(unblocked, participation.Left).ConfigureAwait(false);
                    if (!unblocked.IsCompleted)
                    {
                        await participation.WindDownAsync().ConfigureAwait(false);
                        cancellationToken.ThrowIfCancellationRequested();
                    }
                }
            }

            Task all = Task.WhenAll(slots.Select(s => (Task)s.Result.Task));
            await Task.WhenAny(all, participation.Left).ConfigureAwait(false);
            _ = all.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            if (!all.IsCompleted)
            {
                await participation.WindDownAsync().ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        participation.LeaveAll();
        long shared = slots.LongCount(s => !owned.Contains(s.Flight));
        Interlocked.Add(ref _sharedTexts, shared);
        return Collect(inputs.Length, uniqueOf, slots, owned, cancellationToken);
    }

    /// <summary>
    /// Claims <paramref name="key"/> for <paramref name="flight"/>, or joins the flight already fetching it; returns
    /// <see langword="false"/> when that flight has been abandoned and <paramref name="slot"/>'s flight must be awaited first.
    /// </summary>
    private bool Claim(string key, string text, Flight flight, Participation participation, out Slot slot)
    {
        while (true)
        {
            if (_inFlight.TryGetValue(key, out slot))
            {
                return participation.TryJoin(slot.Flight);
            }

            slot = new Slot(flight, new TaskCompletionSource<Embedding<float>>(TaskCreationOptions.RunContinuationsAsynchronously));
            if (_inFlight.TryAdd(key, slot))
            {
                flight.Add(key, text, slot.Result);
                return true;
            }
        }
    }

    private GeneratedEmbeddings<Embedding<float>> Collect(
        int inputCount, int[] uniqueOf, Slot[] slots, List<Flight> owned, CancellationToken cancellationToken)
    {
        var embeddings = new Embedding<float>?[inputCount];
        int firstFailed = -1;
        var failed = new List<int>();
        for (int i = 0; i < inputCount; i++)
        {
            Slot slot = slots[uniqueOf[i]];
            if (slot.Result.Task.IsCompletedSuccessfully)
            {
                embeddings[i] = slot.Result.Task.Result;
                continue;
            }

            if (slot.Flight.StoreError is { } storeError)
            {
                ExceptionDispatchInfo.Throw(storeError);
            }

            failed.Add(i);
            firstFailed = firstFailed < 0 ? i : firstFailed;
        }

        if (failed.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Task<Embedding<float>> first = slots[uniqueOf[firstFailed]].Result.Task;
            Exception? inner = first.Exception?.InnerException;
            if (inner is BadVectorException bad)
            {
                inner = new InvalidOperationException(
                    $"The inner generator returned {bad.Problem} for the text at index {firstFailed}; it was not cached, so the next call asks for it again.");
            }

            throw new EmbeddingBatchException(failed, embeddings, inner ?? new OperationCanceledException("The fetch of this text was canceled."));
        }

        UsageDetails? usage = null;
        foreach (Flight flight in owned)
        {
            if (flight.Usage is { } flightUsage)
            {
                usage ??= new UsageDetails();
                usage.Add(flightUsage);
            }
        }

        return new GeneratedEmbeddings<Embedding<float>>(embeddings!) { Usage = usage };
    }

    /// <summary>Writes the entries whose earlier write failed, if any; a failure is logged and counted, never thrown.</summary>
    private async Task WritePendingAsync()
    {
        if (_pendingWrites.IsEmpty || Interlocked.CompareExchange(ref _flushing, 1, 0) != 0)
        {
            return;
        }

        try
        {
            KeyValuePair<string, byte[]>[] entries = [.. _pendingWrites];
            if (entries.Length == 0)
            {
                return;
            }

            try
            {
                await _store.SetManyAsync(entries, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref _failedWrites);
                Log.WriteFailed(_logger, entries.Length, ex);
                return;
            }

            foreach (KeyValuePair<string, byte[]> entry in entries)
            {
                _pendingWrites.TryRemove(entry);
            }

            Log.PendingWritten(_logger, entries.Length);
        }
        finally
        {
            Volatile.Write(ref _flushing, 0);
        }
    }

    /// <summary>Keeps the entries of a batch whose write failed, so that lookups find them and a later call writes them.</summary>
    private void KeepForLater(List<KeyValuePair<string, byte[]>> entries, Exception error)
    {
        Interlocked.Increment(ref _failedWrites);
        Log.WriteFailed(_logger, entries.Count, error);
        foreach (KeyValuePair<string, byte[]> entry in entries)
        {
            _pendingWrites[entry.Key] = entry.Value;
        }
    }

    private void RecordMetric(System.Diagnostics.Metrics.Counter<long> counter, long value)
    {
        if (value > 0 && counter.Enabled)
        {
            string provider = _metadata.Value?.ProviderName ?? InnerGenerator.GetType().Name;
            counter.Add(value, new KeyValuePair<string, object?>(EmbedClassifyTelemetry.ProviderTagName, provider));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Discarded corrupt embedding cache entry {Key} ({Problem}); it will be fetched again.")]
        public static partial void CorruptEntry(ILogger logger, string key, string problem);

        [LoggerMessage(2, LogLevel.Warning, "Embedding batch {Batch} of {Count} texts failed; it was not cached.")]
        public static partial void BatchFailed(ILogger logger, int batch, int count, Exception exception);

        [LoggerMessage(3, LogLevel.Warning, "Embedding batch {Batch} failed for {Failed} of {Count} texts; the others were cached, the failed ones were not.")]
        public static partial void BatchPartlyFailed(ILogger logger, int batch, int failed, int count, Exception exception);

        [LoggerMessage(4, LogLevel.Warning, "Writing {Count} paid-for embeddings to the cache store failed; they were returned, are kept in memory, and the next call writes them again.")]
        public static partial void WriteFailed(ILogger logger, int count, Exception exception);

        [LoggerMessage(5, LogLevel.Information, "Wrote {Count} embeddings whose earlier write to the cache store had failed.")]
        public static partial void PendingWritten(ILogger logger, int count);

        [LoggerMessage(6, LogLevel.Warning, "The inner generator returned {Problem} for input {Index} of embedding batch {Batch}; it was not cached.")]
        public static partial void BadVector(ILogger logger, string problem, int index, int batch);

        [LoggerMessage(7, LogLevel.Warning, "Releasing the cache store's leases on {Count} keys failed; other processes wait for them until the leases expire.")]
        public static partial void ReleaseFailed(ILogger logger, int count, Exception exception);
    }
}
