using Microsoft.Extensions.AI;

namespace EmbedClassify.Benchmarks.Infrastructure;

/// <summary>
/// An embedding "provider" that looks texts up in a table; it stands behind a cache that already holds every text, so
/// a benchmark measures our code, not a model.
/// </summary>
internal sealed class TableEmbeddingGenerator(IReadOnlyDictionary<string, float[]> table) : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>Gets how many times the generator was called; it stays 0 while every text is a cache hit.</summary>
    public int Calls { get; private set; }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        Calls++;
        return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(table[v]))));
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
