using Microsoft.Extensions.AI;

namespace EmbedClassify.Sqlite.Tests.TestDoubles;

/// <summary>
/// An embedding generator that records the texts a cache asks it for and then fails, so nothing is stored: behind a
/// cache with one batch for everything, it reveals exactly which texts the cache is missing.
/// </summary>
public sealed class MissingTextsProbe : IEmbeddingGenerator<string, Embedding<float>>
{
    public IReadOnlyList<string> TextsAskedFor { get; private set; } = [];

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        TextsAskedFor = [.. values];
        throw new InvalidOperationException("The probe never embeds.");
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
