using EmbedClassify.Sqlite.Tests.KillChild;
using Microsoft.Extensions.AI;

namespace EmbedClassify.Sqlite.Tests.TestDoubles;

/// <summary>An embedding generator that answers with <see cref="KillChildWorkload.VectorFor"/> and records every text sent.</summary>
public sealed class CountingEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly List<string> _textsSent = [];
    private readonly Lock _gate = new();
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public IReadOnlyList<string> TextsSent
    {
        get
        {
            lock (_gate)
            {
                return [.. _textsSent];
            }
        }
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        string[] texts = [.. values];
        Interlocked.Increment(ref _calls);
        lock (_gate)
        {
            _textsSent.AddRange(texts);
        }

        return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(texts.Select(t => new Embedding<float>(KillChildWorkload.VectorFor(t)))));
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
