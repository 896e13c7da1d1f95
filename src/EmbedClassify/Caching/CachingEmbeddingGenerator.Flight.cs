using System.Collections.Concurrent;
using Microsoft.Extensions.AI;

namespace EmbedClassify;

/// <content>Single flight: the keys one call claimed, looked up, fetched and stored once for every call that needs them.</content>
public sealed partial class CachingEmbeddingGenerator
{
    /// <summary>One claimed key: the flight that fetches it and the result every caller that needs it awaits.</summary>
    private readonly record struct Slot(Flight Flight, TaskCompletionSource<Embedding<float>> Result);

    /// <summary>A vector the inner generator returned that must not be cached; the caller's error names the input.</summary>
    private sealed class BadVectorException(string problem) : InvalidOperationException($"The inner generator returned {problem}.")
    {
        public string Problem { get; } = problem;
    }

    /// <summary>
    /// The flights one call takes part in: the ones it owns and the ones it joined. Leaving (on cancellation or when
    /// done) lets a flight go on for the others, and cancels it only when it was the last one waiting.
    /// </summary>
    private sealed class Participation
    {
        private readonly Lock _gate = new();
        private readonly HashSet<Flight> _flights = [];
        private readonly List<Flight> _abandoned = [];
        private readonly TaskCompletionSource _left = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private bool _hasLeft;

        /// <summary>Gets a task that completes when this call has left its flights.</summary>
        public Task Left => _left.Task;

        public bool HasLeft
        {
            get
            {
                lock (_gate)
                {
                    return _hasLeft;
                }
            }
        }

        /// <summary>Joins <paramref name="flight"/>; <see langword="false"/> when it was abandoned and cannot be joined.</summary>
        public bool TryJoin(Flight flight)
        {
            lock (_gate)
            {
                // Once left (canceled), the caller bails out right after claiming; joining would only delay that.
                if (_hasLeft || _flights.Contains(flight))
                {
                    return true;
                }

                if (!flight.TryJoin())
                {
                    return false;
                }

                _flights.Add(flight);
                return true;
            }
        }

        /// <summary>Records a flight this call created, which counts it as its first participant.</summary>
        public void Own(Flight flight)
        {
            bool leave;
            lock (_gate)
            {
                leave = _hasLeft;
                if (!leave)
                {
                    _flights.Add(flight);
                }
            }

            if (leave)
            {
                Abandon(flight);
            }
        }

        public void LeaveAll()
        {
            Flight[] flights;
            lock (_gate)
            {
                if (_hasLeft)
                {
                    return;
                }

                _hasLeft = true;
                flights = [.. _flights];
            }

            foreach (Flight flight in flights)
            {
                Abandon(flight);
            }

            _left.TrySetResult();
        }

        /// <summary>Waits for the flights this call's leaving canceled, so that their completed batches are stored first.</summary>
        public Task WindDownAsync()
        {
            lock (_gate)
            {
                return Task.WhenAll(_abandoned.Select(f => f.Completion));
            }
        }

        private void Abandon(Flight flight)
        {
            if (flight.Leave())
            {
                lock (_gate)
                {
                    _abandoned.Add(flight);
                }
            }
        }
    }

    /// <summary>
    /// Looks up the keys one call claimed (pending writes first, then the store), fetches the misses in batches and
    /// stores each completed batch, then hands every key's result to all callers awaiting it and releases the keys.
    /// </summary>
    private sealed partial class Flight(
        CachingEmbeddingGenerator owner,
        string keyNamespace,
        string? modelId,
        int? dimensions,
        EmbeddingGenerationOptions? options)
    {
        private readonly List<string> _keys = [];
        private readonly List<string> _texts = [];
        private readonly List<TaskCompletionSource<Embedding<float>>> _results = [];
        private readonly CancellationTokenSource _cancellation = new();
        private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ConcurrentBag<(int Batch, Exception Error)> _providerFailures = [];
        private readonly Lock _gate = new();
        private readonly int _batchSize = owner._options.BatchSize;
        private int _participants = 1;
        private bool _abandoned;
        private bool _finished;
        private int _length = dimensions ?? owner._lengths.GetValueOrDefault(keyNamespace);
        private UsageDetails? _usage;
        private int _batchIds;
        private int _stopping;

        /// <summary>Gets a task that completes once every result is set and the keys are released.</summary>
        public Task Completion => _completion.Task;

        /// <summary>Gets the number of keys claimed.</summary>
        public int Count => _keys.Count;

        /// <summary>Gets the error of the store lookup, which fails every key of this flight unchanged.</summary>
        public Exception? StoreError { get; private set; }

        /// <summary>Gets the usage the inner generator reported for this flight's batches.</summary>
        public UsageDetails? Usage
        {
            get
            {
                lock (_gate)
                {
                    return _usage;
                }
            }
        }

        public void Add(string key, string text, TaskCompletionSource<Embedding<float>> result)
        {
            _keys.Add(key);
            _texts.Add(text);
            _results.Add(result);
        }

        public bool TryJoin()
        {
            lock (_gate)
            {
                if (_abandoned)
                {
                    return false;
                }

                _participants++;
                return true;
            }
        }

        /// <summary>Leaves the flight; returns <see langword="true"/> when that canceled it (nobody else waits).</summary>
        public bool Leave()
        {
            lock (_gate)
            {
                if (--_participants > 0 || _abandoned || _finished)
                {
                    return false;
                }

                _abandoned = true;
            }

            _cancellation.Cancel();
            return true;
        }

        // Task.Run: the lookup and the inner calls run apart from whichever caller started them, so that its
        // cancellation cannot stop them while others wait.
        public void Start() => _ = Task.Run(RunAsync, CancellationToken.None);

        private async Task RunAsync()
        {
            CancellationToken cancellationToken = _cancellation.Token;
            try
            {
                List<int> missing = await LookUpAsync(cancellationToken).ConfigureAwait(false);
                if (missing.Count > 0 && owner._store is IEmbeddingCacheLeaseStore leases)
                {
                    // Keys another process is fetching are waited for while the rest are fetched, in the same batches.
                    (List<int> fetch, List<(int Index, TimeSpan Left)> waiting) =
                        await LeaseAsync(leases, missing, cancellationToken).ConfigureAwait(false);
                    Task others = waiting.Count > 0
                        ? Task.Run(() => WaitForOthersAsync(leases, waiting, cancellationToken), CancellationToken.None)
                        : Task.CompletedTask;
                    Task own = FetchAsync(fetch, cancellationToken);
                    await Task.WhenAll(own, others).ConfigureAwait(false);
                }
                else
                {
                    await FetchAsync(missing, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                StoreError = ex;
            }
            finally
            {
                // Leases of batches that never started (a failure stopped them, or nobody waits any more) end now
                // rather than when they expire, so that another process takes those keys over at once.
                await ReleaseLeasesAsync(null).ConfigureAwait(false);
                Finish(cancellationToken);
            }
        }

        /// <summary>Fetches the keys at <paramref name="indices"/> in batches, at most MaxConcurrency at a time.</summary>
        private async Task FetchAsync(List<int> indices, CancellationToken cancellationToken)
        {
            if (indices.Count == 0)
            {
                return;
            }

            int batches = (indices.Count + _batchSize - 1) / _batchSize;
            int firstId = Interlocked.Add(ref _batchIds, batches) - batches;
            int next = -1;
            int workers = Math.Min(owner._options.MaxConcurrency, batches);
            var tasks = new Task[workers];
            for (int w = 0; w < workers; w++)
            {
                // Task.Run so that an inner generator that completes synchronously still gets MaxConcurrency threads.
                tasks[w] = Task.Run(
                    async () =>
                    {
                        while (Volatile.Read(ref _stopping) == 0 && !cancellationToken.IsCancellationRequested)
                        {
                            int batch = Interlocked.Increment(ref next);
                            if (batch >= batches)
                            {
                                return;
                            }

                            int start = batch * _batchSize;
                            int[] slice = [.. indices.GetRange(start, Math.Min(_batchSize, indices.Count - start))];
                            try
                            {
                                if (!await FetchBatchAsync(firstId + batch, slice, cancellationToken).ConfigureAwait(false))
                                {
                                    return;
                                }
                            }
                            finally
                            {
                                // After the write: a process that takes the lease next finds the entry stored.
                                await ReleaseLeasesAsync(slice).ConfigureAwait(false);
                            }
                        }
                    },
                    CancellationToken.None);
            }

            await Task.WhenAll(tasks).ConfigureAwait(false);
        }

        private void Finish(CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                // From here on nothing is left to cancel; callers leaving must not cancel the token the inner calls saw.
                _finished = true;
            }

            Exception? fallback = StoreError ?? (_providerFailures.IsEmpty ? null : _providerFailures.MinBy(f => f.Batch).Error);
            for (int i = 0; i < _results.Count; i++)
            {
                if (fallback is not null)
                {
                    _results[i].TrySetException(fallback);
                }
                else if (cancellationToken.IsCancellationRequested)
                {
                    _results[i].TrySetCanceled(cancellationToken);
                }
                else
                {
                    _results[i].TrySetException(new InvalidOperationException("The embedding was not fetched."));
                }
            }

            // Every result is set by now; observing the failures keeps a key nobody awaited from raising
            // TaskScheduler.UnobservedTaskException.
            foreach (TaskCompletionSource<Embedding<float>> result in _results)
            {
                _ = result.Task.Exception;
            }

            // Keys that failed are released only now, after every write: a caller that claims one afterwards fetches it again.
            for (int i = 0; i < _keys.Count; i++)
            {
                owner._inFlight.TryRemove(new KeyValuePair<string, Slot>(_keys[i], new Slot(this, _results[i])));
            }

            _completion.TrySetResult();
        }

        private async Task<List<int>> LookUpAsync(CancellationToken cancellationToken)
        {
            var missing = new List<int>();
            var toRead = new List<int>();
            int hits = 0;
            for (int i = 0; i < _keys.Count; i++)
            {
                if (owner._pendingWrites.TryGetValue(_keys[i], out byte[]? payload) && TryAnswer(i, payload))
                {
                    hits++;
                }
                else
                {
                    toRead.Add(i);
                }
            }

            if (toRead.Count > 0)
            {
                IReadOnlyList<byte[]?> payloads = await owner._store
                    .GetManyAsync([.. toRead.Select(i => _keys[i])], cancellationToken)
                    .ConfigureAwait(false);
                if (payloads is null || payloads.Count != toRead.Count)
                {
                    throw new InvalidOperationException(
                        $"The cache store returned {payloads?.Count ?? 0} entries for {toRead.Count} keys.");
                }

                for (int j = 0; j < toRead.Count; j++)
                {
                    if (payloads[j] is { } payload && TryAnswer(toRead[j], payload))
                    {
                        hits++;
                    }
                    else
                    {
                        missing.Add(toRead[j]);
                    }
                }
            }

            Interlocked.Add(ref owner._hits, hits);
            Interlocked.Add(ref owner._misses, missing.Count);
            owner.RecordMetric(Instrumentation.CacheHits, hits);
            owner.RecordMetric(Instrumentation.CacheMisses, missing.Count);
            return missing;
        }

        /// <summary>Answers key <paramref name="i"/> from a stored payload, or reports it corrupt.</summary>
        private bool TryAnswer(int i, byte[] payload)
        {
            int known = Volatile.Read(ref _length);
            string? problem = null;
            if (EmbeddingCachePayload.TryDecode(_keys[i], payload, known > 0 ? known : null, out float[] vector, out string decodeProblem))
            {
                problem = Check(vector);
            }
            else
            {
                problem = decodeProblem;
            }

            if (problem is not null)
            {
                Interlocked.Increment(ref owner._corruptEntries);
                Log.CorruptEntry(owner._logger, _keys[i], problem);
                return false;
            }

            Answer(i, new Embedding<float>(vector) { ModelId = modelId });
            return true;
        }

        /// <summary>
        /// Sets the result of the key at <paramref name="i"/>, whose entry is stored (or kept for a later write) by now.
        /// </summary>
        /// <remarks>
        /// The key leaves the in-flight table first: a caller resumes as soon as its results are set, and its next call
        /// for the same text must find the stored entry (a cache hit), not join this flight while it winds down.
        /// </remarks>
        private void Answer(int i, Embedding<float> answer)
        {
            owner._inFlight.TryRemove(new KeyValuePair<string, Slot>(_keys[i], new Slot(this, _results[i])));
            _results[i].TrySetResult(answer);
        }

        /// <summary>
        /// Returns what makes <paramref name="vector"/> unusable, or <see langword="null"/>; the first usable vector of a
        /// model without a known dimension count fixes the length the others must have.
        /// </summary>
        private string? Check(ReadOnlySpan<float> vector)
        {
            int known = Volatile.Read(ref _length);
            if (EmbeddingVectorCheck.Problem(vector, known > 0 ? known : null) is { } problem)
            {
                return problem;
            }

            if (known == 0)
            {
                int agreed = Interlocked.CompareExchange(ref _length, vector.Length, 0);
                if (agreed != 0 && agreed != vector.Length)
                {
                    return $"a vector of length {vector.Length} where {agreed} dimensions were expected";
                }

                owner._lengths.TryAdd(keyNamespace, vector.Length);
            }

            return null;
        }

        /// <summary>
        /// Sends the keys at <paramref name="indices"/> to the inner generator in one call, stores what comes back and
        /// sets their results; returns <see langword="false"/> when no further batch of this flight should start.
        /// </summary>
        private async Task<bool> FetchBatchAsync(int batch, int[] indices, CancellationToken cancellationToken)
        {
            int count = indices.Length;
            string[] batchTexts = new string[count];
            for (int j = 0; j < count; j++)
            {
                batchTexts[j] = _texts[indices[j]];
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
                if (answer is null || answer.Count != count)
                {
                    throw new InvalidOperationException(
                        $"The inner generator returned {answer?.Count ?? 0} embeddings for {count} inputs.");
                }

                generated = answer;
                usage = answer.Usage;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return false;
            }
            catch (EmbeddingBatchException ex) when (ex.Embeddings.Count == count)
            {
                // The provider was paid for the inputs it did embed; keeping them means the rerun pays only for the rest.
                generated = ex.Embeddings;
                failure = ex;
            }
            catch (Exception ex)
            {
                Log.BatchFailed(owner._logger, batch, count, ex);
                Fail(batch, indices, ex);
                return false;
            }

            if (usage?.InputTokenCount is long tokens)
            {
                Interlocked.Add(ref owner._tokensSent, tokens);
            }

            var entries = new List<KeyValuePair<string, byte[]>>(count);
            var answers = new Embedding<float>?[count];
            var errors = new Exception?[count];
            for (int j = 0; j < count; j++)
            {
                string key = _keys[indices[j]];
                if (generated[j] is not { } embedding)
                {
                    errors[j] = failure ?? new BadVectorException("a null embedding");
                }
                else if (Check(embedding.Vector.Span) is { } problem)
                {
                    Log.BadVector(owner._logger, problem, j, batch);
                    errors[j] = new BadVectorException(problem);
                }
                else
                {
                    answers[j] = embedding;
                    entries.Add(new(key, EmbeddingCachePayload.Encode(key, embedding.Vector.Span)));
                }
            }

            if (failure is not null)
            {
                Log.BatchPartlyFailed(owner._logger, batch, count - entries.Count, count, failure);
                _providerFailures.Add((batch, failure));
                Volatile.Write(ref _stopping, 1);
            }

            if (entries.Count > 0)
            {
                try
                {
                    // These vectors are paid for: a cancellation that arrives now must not stop them from being kept.
                    await owner._store.SetManyAsync(entries, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    owner.KeepForLater(entries, ex);
                }
            }

            for (int j = 0; j < count; j++)
            {
                if (answers[j] is { } answer)
                {
                    Answer(indices[j], answer);
                }
                else
                {
                    _results[indices[j]].TrySetException(errors[j]!);
                }
            }

            if (usage is not null)
            {
                lock (_gate)
                {
                    _usage ??= new UsageDetails();
                    _usage.Add(usage);
                }
            }

            return failure is null;
        }

        private void Fail(int batch, int[] indices, Exception error)
        {
            _providerFailures.Add((batch, error));
            Volatile.Write(ref _stopping, 1);
            foreach (int i in indices)
            {
                _results[i].TrySetException(error);
            }
        }
    }
}
