namespace EmbedClassify.Redis.Tests.Child;

/// <summary>
/// A store decorator that writes a line to standard output after each batch is stored, and keeps the lease protocol of
/// the store it wraps (a plain decorator would hide it and turn single flight off).
/// </summary>
public sealed class ReportingLeaseStore(IEmbeddingCacheLeaseStore inner, TextWriter output) : IEmbeddingCacheLeaseStore
{
    public Task<IReadOnlyList<byte[]?>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default) =>
        inner.GetManyAsync(keys, cancellationToken);

    public async Task SetManyAsync(IReadOnlyList<KeyValuePair<string, byte[]>> entries, CancellationToken cancellationToken = default)
    {
        await inner.SetManyAsync(entries, cancellationToken);
        lock (output)
        {
            output.WriteLine($"stored {entries.Count}");
            output.Flush();
        }
    }

    public Task<IReadOnlyList<TimeSpan?>> TryAcquireLeasesAsync(IReadOnlyList<string> keys, string holder, CancellationToken cancellationToken = default) =>
        inner.TryAcquireLeasesAsync(keys, holder, cancellationToken);

    public Task ReleaseLeasesAsync(IReadOnlyList<string> keys, string holder, CancellationToken cancellationToken = default) =>
        inner.ReleaseLeasesAsync(keys, holder, cancellationToken);

    public Task WaitForEntriesAsync(IReadOnlyList<string> keys, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        inner.WaitForEntriesAsync(keys, timeout, cancellationToken);
}
