using Microsoft.Extensions.AI;

namespace EmbedClassify;

/// <summary>A generator that is never called: it lets a model file be decoded in full where nothing will be embedded.</summary>
internal sealed class NoGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    public static readonly NoGenerator Instance = new();

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("This classifier was read only to be described; it has no embedding generator.");

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
