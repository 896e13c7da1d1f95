using Microsoft.Extensions.AI;

/// <summary>
/// Answers from embeddings already computed, so that classifiers which take a generator (such as
/// <see cref="EmbedClassify.HybridClassifier"/>) can be evaluated on many draws without embedding anything again.
/// </summary>
internal sealed class LookupEmbeddingGenerator(IReadOnlyDictionary<string, ReadOnlyMemory<float>> vectors) : IEmbeddingGenerator<string, Embedding<float>>
{
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default) =>
        Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(vectors[v]))));

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
