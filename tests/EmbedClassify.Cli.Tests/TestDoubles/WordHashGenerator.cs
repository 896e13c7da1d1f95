using Microsoft.Extensions.AI;

namespace EmbedClassify.Cli.Tests.TestDoubles;

/// <summary>
/// A deterministic stand-in for an embedding model that names itself, so that a test can save a model file in process
/// (for a kind of model the tool cannot train, such as one whose classes have only partly received examples) and then
/// hand it to the tool. Each lower-cased word adds one to a hashed dimension.
/// </summary>
internal sealed class WordHashGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    public const int Dimensions = 64;

    private readonly EmbeddingGeneratorMetadata _metadata;

    /// <param name="providerName">The provider it reports; another name makes it stand in for another model.</param>
    /// <param name="modelId">The model id it reports.</param>
    public WordHashGenerator(string providerName = "word-hash", string modelId = "fnv-64") =>
        _metadata = new EmbeddingGeneratorMetadata(providerName, null, modelId, Dimensions);

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default) =>
        Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(Embed(v)))));

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }

    private static float[] Embed(string text)
    {
        var vector = new float[Dimensions];
        foreach (string word in text.ToUpperInvariant().Split([' ', ',', '.', '!', '?'], StringSplitOptions.RemoveEmptyEntries))
        {
            // FNV-1a: stable across runs and processes, unlike string.GetHashCode.
            uint hash = 2166136261;
            foreach (char ch in word)
            {
                hash = (hash ^ ch) * 16777619;
            }

            vector[hash % Dimensions] += 1;
        }

        return vector;
    }
}
