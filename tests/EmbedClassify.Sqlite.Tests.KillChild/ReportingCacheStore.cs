namespace EmbedClassify.Sqlite.Tests.KillChild;

/// <summary>A store decorator that writes a line to standard output after each batch is durably stored.</summary>
public sealed class ReportingCacheStore(IEmbeddingCacheStore inner, TextWriter output) : IEmbeddingCacheStore
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
}
