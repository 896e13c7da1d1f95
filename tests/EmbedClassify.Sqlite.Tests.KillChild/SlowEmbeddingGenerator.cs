using Microsoft.Extensions.AI;

namespace EmbedClassify.Sqlite.Tests.KillChild;

/// <summary>An embedding generator that takes a while per call, so the test can kill the process between batches.</summary>
public sealed class SlowEmbeddingGenerator(TimeSpan delay) : IEmbeddingGenerator<string, Embedding<float>>
{
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        await Task.Delay(delay, cancellationToken);
        return new GeneratedEmbeddings<Embedding<float>>(values.Select(t => new Embedding<float>(KillChildWorkload.VectorFor(t))));
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
