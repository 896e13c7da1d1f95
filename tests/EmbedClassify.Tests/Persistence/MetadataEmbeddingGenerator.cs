using EmbedClassify.Tests.TestDoubles;
using Microsoft.Extensions.AI;

namespace EmbedClassify.Tests.Persistence;

/// <summary>
/// A bag-of-words generator that reports <see cref="EmbeddingGeneratorMetadata"/>, including a URI with a key in it, so
/// tests can check what a saved model takes from the generator and what it leaves out.
/// </summary>
public sealed class MetadataEmbeddingGenerator(string? provider, string? model, int? dimensions) : IEmbeddingGenerator<string, Embedding<float>>
{
    public const string SecretUri = "https://user:secret-password@example.test/v1?api-key=sk-secret-key";

    private readonly FakeEmbeddingGenerator _inner = BagOfWords.Generator();

    public EmbeddingGeneratorMetadata Metadata { get; } = new(provider, new Uri(SecretUri), model, dimensions);

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default) => _inner.GenerateAsync(values, options, cancellationToken);

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose() => _inner.Dispose();
}
