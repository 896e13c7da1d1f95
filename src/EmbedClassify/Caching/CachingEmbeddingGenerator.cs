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
/// sent with at most <see cref="CachingEmbeddingGeneratorOptions.MaxConcurrency"/> concurrent inner calls. Each completed
/// batch is written with one <see cref="IEmbeddingCacheStore.SetManyAsync"/> call, so a crash, kill or cancellation after
/// k completed batches keeps those k batches and a rerun embeds only the rest. Failures and cancellations are never
/// cached. Every entry carries a checksum; a corrupt or truncated entry is logged, counted in
/// <see cref="EmbeddingCacheStatistics.CorruptEntries"/>, re-fetched and overwritten, never returned.
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
        Interlocked.Read(ref _corruptEntries));

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
    /// Some inner calls failed. <see cref="EmbeddingBatchException.FailedIndices"/> lists every position in
    /// <paramref name="values"/> that got no embedding, <see cref="EmbeddingBatchException.Embeddings"/> holds the
    /// embeddings of the others, every batch that completed is already stored, and the inner exception is the first
    /// failure. An inner call that returns the wrong number of embeddings, or vectors whose length differs from the
    /// expected dimension count, counts as failed. When an inner call throws an <see cref="EmbeddingBatchException"/>
    /// that carries <see cref="EmbeddingBatchException.Embeddings"/> for its inputs, the embeddings it holds are stored
    /// (in the batch's one write) and returned in the exception, and only its failed inputs count as failed.
    /// </exception>
    /// <exception cref="OperationCanceledException">
    /// <paramref name="cancellationToken"/> was canceled before every text was embedded; batches completed before that are stored.
    /// </exception>
    /// <exception cref="InvalidOperationException">The store returned a different number of entries than keys it was asked for.</exception>
    /// <remarks>Exceptions thrown by the store propagate unchanged, after the batches in flight have finished.</remarks>
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

        IReadOnlyList<byte[]?> payloads = await _store.GetManyAsync(uniqueKeys, cancellationToken).ConfigureAwait(false);
        if (payloads is null || payloads.Count != uniqueKeys.Count)
        {
            throw new InvalidOperationException(
                $"The cache store returned {payloads?.Count ?? 0} entries for {uniqueKeys.Count} keys.");
        }

        var embeddings = new Embedding<float>?[uniqueKeys.Count];
        var missing = new List<int>();
        for (int u = 0; u < payloads.Count; u++)
        {
            if (payloads[u] is not { } payload)
            {
                missing.Add(u);
            }
            else if (EmbeddingCachePayload.TryDecode(uniqueKeys[u], payload, dimensions, out float[] vector, out string problem))
            {
                embeddings[u] = new Embedding<float>(vector) { ModelId = modelId };
            }
            else
            {
                Interlocked.Increment(ref _corruptEntries);
                Log.CorruptEntry(_logger, uniqueKeys[u], problem);
                missing.Add(u);
            }
        }

        Interlocked.Add(ref _hits, uniqueKeys.Count - missing.Count);
        Interlocked.Add(ref _misses, missing.Count);
        RecordMetric(Instrumentation.CacheHits, uniqueKeys.Count - missing.Count);
        RecordMetric(Instrumentation.CacheMisses, missing.Count);

        UsageDetails? usage = null;
        if (missing.Count > 0)
        {
            var fetch = new Fetch(this, uniqueKeys, uniqueTexts, missing, embeddings, dimensions, options);
            usage = await fetch.RunAsync(cancellationToken).ConfigureAwait(false);
            fetch.ThrowIfIncomplete(uniqueOf, cancellationToken);
        }

        var result = new GeneratedEmbeddings<Embedding<float>>(inputs.Length) { Usage = usage };
        foreach (int unique in uniqueOf)
        {
            result.Add(embeddings[unique]!);
        }

        return result;
    }

    /// <summary>
    /// Sends the misses of one call in batches and stores each completed batch.
    /// </summary>
    private sealed class Fetch(
        CachingEmbeddingGenerator owner,
        List<string> keys,
        List<string> texts,
        List<int> missing,
        Embedding<float>?[] embeddings,
        int? dimensions,
        EmbeddingGenerationOptions? options)
    {
        private readonly int _batchSize = owner._options.BatchSize;
        private readonly ConcurrentBag<(int Batch, Exception Error)> _providerFailures = [];
        private readonly ConcurrentBag<(int Batch, Exception Error)> _storeFailures = [];
        private readonly Lock _usageGate = new();
        private UsageDetails? _usage;
        private int _nextBatch = -1;
        private int _stopping;

        private int BatchCount => (missing.Count + _batchSize - 1) / _batchSize;

        public async Task<UsageDetails?> RunAsync(CancellationToken cancellationToken)
        {
            int workers = Math.Min(owner._options.MaxConcurrency, BatchCount);
            var tasks = new Task[workers];
            for (int w = 0; w < workers; w++)
            {
                // Task.Run so that an inner generator that completes synchronously still gets MaxConcurrency threads.
                tasks[w] = Task.Run(() => WorkAsync(cancellationToken), CancellationToken.None);
            }

            await Task.WhenAll(tasks).ConfigureAwait(false);
            return _usage;
        }

        public void ThrowIfIncomplete(int[] uniqueOf, CancellationToken cancellationToken)
        {
            if (!_storeFailures.IsEmpty)
            {
                ExceptionDispatchInfo.Throw(_storeFailures.MinBy(f => f.Batch).Error);
            }

            bool complete = missing.TrueForAll(u => embeddings[u] is not null);
            if (complete)
            {
                return;
            }

            cancellationToken.ThrowIfCancellationRequested();
            int[] failed = [.. Enumerable.Range(0, uniqueOf.Length).Where(i => embeddings[uniqueOf[i]] is null)];
            var partial = new Embedding<float>?[uniqueOf.Length];
            for (int i = 0; i < partial.Length; i++)
            {
                partial[i] = embeddings[uniqueOf[i]];
            }

            Exception? first = _providerFailures.IsEmpty ? null : _providerFailures.MinBy(f => f.Batch).Error;
            throw new EmbeddingBatchException(failed, partial, first);
        }

        private async Task WorkAsync(CancellationToken cancellationToken)
        {
            while (Volatile.Read(ref _stopping) == 0 && !cancellationToken.IsCancellationRequested)
            {
                int batch = Interlocked.Increment(ref _nextBatch);
                if (batch >= BatchCount)
                {
                    return;
                }

                int start = batch * _batchSize;
                int count = Math.Min(_batchSize, missing.Count - start);
                string[] batchTexts = new string[count];
                for (int j = 0; j < count; j++)
                {
                    batchTexts[j] = texts[missing[start + j]];
                }

                Interlocked.Increment(ref owner._providerCalls);
                owner.RecordMetric(Instrumentation.ProviderCalls, 1);
                Interlocked.Add(ref owner._textsSent, count);
                IReadOnlyList<Embedding<float>?> generated;
                UsageDetails? usage = null;
                Exception? failure = null;
                try
                {
                    GeneratedEmbeddings<Embedding<float>> answer =
                        await owner.InnerGenerator.GenerateAsync(batchTexts, options, cancellationToken).ConfigureAwait(false);
                    Validate(answer, count);
                    generated = answer;
                    usage = answer.Usage;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (EmbeddingBatchException ex) when (ex.Embeddings.Count == count)
                {
                    // The provider was paid for the inputs it did embed; keeping them means the rerun pays only for the rest.
                    generated = UsablePart(ex.Embeddings);
                    failure = ex;
                }
                catch (Exception ex)
                {
                    Log.BatchFailed(owner._logger, batch, count, ex);
                    _providerFailures.Add((batch, ex));
                    Volatile.Write(ref _stopping, 1);
                    return;
                }

                if (failure is not null)
                {
                    Log.BatchPartlyFailed(owner._logger, batch, generated.Count(e => e is null), count, failure);
                    _providerFailures.Add((batch, failure));
                    Volatile.Write(ref _stopping, 1);
                }

                if (usage?.InputTokenCount is long tokens)
                {
                    Interlocked.Add(ref owner._tokensSent, tokens);
                }

                var entries = new List<KeyValuePair<string, byte[]>>(count);
                for (int j = 0; j < count; j++)
                {
                    if (generated[j] is { } embedding)
                    {
                        string key = keys[missing[start + j]];
                        entries.Add(new(key, EmbeddingCachePayload.Encode(key, embedding.Vector.Span)));
                    }
                }

                try
                {
                    // These vectors are paid for: a cancellation that arrives now must not stop them from being kept.
                    if (entries.Count > 0)
                    {
                        await owner._store.SetManyAsync(entries, CancellationToken.None).ConfigureAwait(false);
                    }
                }
                catch (Exception ex)
                {
                    _storeFailures.Add((batch, ex));
                    Volatile.Write(ref _stopping, 1);
                    return;
                }

                for (int j = 0; j < count; j++)
                {
                    embeddings[missing[start + j]] = generated[j];
                }

                if (usage is not null)
                {
                    lock (_usageGate)
                    {
                        _usage ??= new UsageDetails();
                        _usage.Add(usage);
                    }
                }

                if (failure is not null)
                {
                    return;
                }
            }
        }

        /// <summary>Keeps the partial results of a failed inner call that could be cached; the others count as failed.</summary>
        private Embedding<float>?[] UsablePart(IReadOnlyList<Embedding<float>?> partial)
        {
            var usable = new Embedding<float>?[partial.Count];
            for (int j = 0; j < usable.Length; j++)
            {
                if (partial[j] is { } embedding && embedding.Vector.Length > 0
                    && (dimensions is not { } expected || embedding.Vector.Length == expected))
                {
                    usable[j] = embedding;
                }
            }

            return usable;
        }

        private void Validate(GeneratedEmbeddings<Embedding<float>>? generated, int count)
        {
            if (generated is null || generated.Count != count)
            {
                throw new InvalidOperationException(
                    $"The inner generator returned {generated?.Count ?? 0} embeddings for {count} inputs.");
            }

            for (int j = 0; j < count; j++)
            {
                if (generated[j] is null)
                {
                    throw new InvalidOperationException($"The inner generator returned no embedding for input {j} of the batch.");
                }

                if (dimensions is { } expected && generated[j].Vector.Length != expected)
                {
                    throw new InvalidOperationException(
                        $"The inner generator returned a vector of length {generated[j].Vector.Length} where {expected} dimensions were expected.");
                }
            }
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
    }
}
