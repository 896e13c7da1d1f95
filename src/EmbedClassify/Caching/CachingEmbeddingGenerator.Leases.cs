namespace EmbedClassify;

/// <content>
/// Single flight across processes: through an <see cref="IEmbeddingCacheLeaseStore"/>, a flight leases the keys it is
/// about to fetch and waits for the keys other processes hold, taking them over when their lease ends without an entry.
/// </content>
public sealed partial class CachingEmbeddingGenerator
{
    private long _leaseWaits;
    private long _leaseTakeovers;

    private sealed partial class Flight
    {
        // One token per flight: a lease this flight lost (it expired and another process took it) is never released by it.
        private readonly string _holder = Guid.NewGuid().ToString("N");

        // Indices of the keys this flight holds a lease on; guarded by _gate.
        private readonly HashSet<int> _held = [];

        /// <summary>
        /// Leases the keys at <paramref name="candidates"/>; returns those this flight must fetch (leased, and still
        /// missing once leased) and those another holder has, with the time left on their leases.
        /// </summary>
        private async Task<(List<int> Fetch, List<(int Index, TimeSpan Left)> Waiting)> LeaseAsync(
            IEmbeddingCacheLeaseStore leases, List<int> candidates, CancellationToken cancellationToken)
        {
            IReadOnlyList<TimeSpan?> answers = await leases
                .TryAcquireLeasesAsync([.. candidates.Select(i => _keys[i])], _holder, cancellationToken)
                .ConfigureAwait(false);
            if (answers is null || answers.Count != candidates.Count)
            {
                throw new InvalidOperationException(
                    $"The cache store answered {answers?.Count ?? 0} lease requests for {candidates.Count} keys.");
            }

            var acquired = new List<int>();
            var waiting = new List<(int Index, TimeSpan Left)>();
            for (int j = 0; j < candidates.Count; j++)
            {
                if (answers[j] is { } left)
                {
                    waiting.Add((candidates[j], left < TimeSpan.Zero ? TimeSpan.Zero : left));
                }
                else
                {
                    acquired.Add(candidates[j]);
                }
            }

            lock (_gate)
            {
                _held.UnionWith(acquired);
            }

            if (acquired.Count == 0)
            {
                return ([], waiting);
            }

            // A holder stores its entry before it releases the lease, so a key leased just after another holder finished
            // has its entry stored by now: look again rather than pay for it a second time.
            IReadOnlyList<byte[]?> payloads = await ReadAsync(acquired, cancellationToken).ConfigureAwait(false);
            var fetch = new List<int>(acquired.Count);
            var answered = new List<int>();
            for (int j = 0; j < acquired.Count; j++)
            {
                if (payloads[j] is { } payload && TryAnswer(acquired[j], payload))
                {
                    answered.Add(acquired[j]);
                }
                else
                {
                    fetch.Add(acquired[j]);
                }
            }

            if (answered.Count > 0)
            {
                Interlocked.Add(ref owner._leaseWaits, answered.Count);
                await ReleaseLeasesAsync([.. answered]).ConfigureAwait(false);
            }

            return (fetch, waiting);
        }

        /// <summary>
        /// Waits for the keys other holders are fetching: looks them up whenever the store signals a change or the
        /// shortest lease ends, and fetches those whose lease ended without an entry (the holder failed or died).
        /// </summary>
        private async Task WaitForOthersAsync(
            IEmbeddingCacheLeaseStore leases, List<(int Index, TimeSpan Left)> waiting, CancellationToken cancellationToken)
        {
            while (waiting.Count > 0 && Volatile.Read(ref _stopping) == 0)
            {
                TimeSpan timeout = waiting.Min(w => w.Left);
                if (timeout > TimeSpan.Zero)
                {
                    await leases.WaitForEntriesAsync([.. waiting.Select(w => _keys[w.Index])], timeout, cancellationToken)
                        .ConfigureAwait(false);
                }

                cancellationToken.ThrowIfCancellationRequested();
                List<int> indices = [.. waiting.Select(w => w.Index)];
                IReadOnlyList<byte[]?> payloads = await ReadAsync(indices, cancellationToken).ConfigureAwait(false);
                var stillMissing = new List<int>();
                int answered = 0;
                for (int j = 0; j < indices.Count; j++)
                {
                    if (payloads[j] is { } payload && TryAnswer(indices[j], payload))
                    {
                        answered++;
                    }
                    else
                    {
                        stillMissing.Add(indices[j]);
                    }
                }

                Interlocked.Add(ref owner._leaseWaits, answered);
                if (stillMissing.Count == 0 || Volatile.Read(ref _stopping) != 0)
                {
                    return;
                }

                (List<int> fetch, waiting) = await LeaseAsync(leases, stillMissing, cancellationToken).ConfigureAwait(false);
                if (fetch.Count > 0)
                {
                    Interlocked.Add(ref owner._leaseTakeovers, fetch.Count);
                    await FetchAsync(fetch, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        /// <summary>Reads the entries of the keys at <paramref name="indices"/> from the store.</summary>
        private async Task<IReadOnlyList<byte[]?>> ReadAsync(List<int> indices, CancellationToken cancellationToken)
        {
            IReadOnlyList<byte[]?> payloads = await owner._store
                .GetManyAsync([.. indices.Select(i => _keys[i])], cancellationToken)
                .ConfigureAwait(false);
            if (payloads is null || payloads.Count != indices.Count)
            {
                throw new InvalidOperationException(
                    $"The cache store returned {payloads?.Count ?? 0} entries for {indices.Count} keys.");
            }

            return payloads;
        }

        /// <summary>
        /// Releases this flight's leases on the keys at <paramref name="indices"/>, or on every key it still holds when
        /// <see langword="null"/>. A failure is logged, never thrown: the lease then ends when it expires.
        /// </summary>
        private async Task ReleaseLeasesAsync(int[]? indices)
        {
            if (owner._store is not IEmbeddingCacheLeaseStore leases)
            {
                return;
            }

            var keys = new List<string>();
            lock (_gate)
            {
                foreach (int i in indices ?? [.. _held])
                {
                    if (_held.Remove(i))
                    {
                        keys.Add(_keys[i]);
                    }
                }
            }

            if (keys.Count == 0)
            {
                return;
            }

            try
            {
                // Not the flight's token: a canceled flight must still give its keys back.
                await leases.ReleaseLeasesAsync(keys, _holder, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.ReleaseFailed(owner._logger, keys.Count, ex);
            }
        }
    }
}
