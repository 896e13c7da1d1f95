using Microsoft.Extensions.AI;

namespace EmbedClassify.Tests.TestDoubles;

/// <summary>
/// A deterministic stand-in for a second embedding model, with metadata: words or character trigrams hashed into a
/// small space (so two instances of other kinds see texts differently), or noise that ignores the text's meaning. Counts
/// every text it is sent, and can be told to fail.
/// </summary>
public sealed class HashedEmbeddings(string model, int dimensions, HashedEmbeddings.Kind kind) : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly Lock _gate = new();
    private readonly List<string> _sent = [];

    public enum Kind
    {
        Words,
        Trigrams,
        Noise,
    }

    public EmbeddingGeneratorMetadata Metadata { get; } = new("hashed", null, model, dimensions);

    /// <summary>Gets or sets an exception to throw from the next calls instead of embedding.</summary>
    public Exception? Failure { get; set; }

    public IReadOnlyList<string> Sent
    {
        get
        {
            lock (_gate)
            {
                return [.. _sent];
            }
        }
    }

    public static float[] Embed(string text, int dimensions, Kind kind)
    {
        var vector = new float[dimensions];
        string upper = text.ToUpperInvariant();
        IEnumerable<string> tokens = kind switch
        {
            Kind.Words => upper.Split([' ', ',', '.', '!', '?'], StringSplitOptions.RemoveEmptyEntries),
            Kind.Trigrams => Enumerable.Range(0, Math.Max(0, upper.Length - 2)).Select(i => upper.Substring(i, 3)),
            _ => [upper],
        };
        foreach (string token in tokens)
        {
            uint hash = kind == Kind.Trigrams ? 2166136261u ^ 0x9E3779B9u : 2166136261u;
            foreach (char ch in token)
            {
                hash = (hash ^ ch) * 16777619;
            }

            vector[hash % dimensions] += 1;
        }

        if (kind == Kind.Noise)
        {
            // The same text gets the same vector, but nothing about its meaning.
            uint seed = 2166136261;
            foreach (char ch in upper)
            {
                seed = (seed ^ ch) * 16777619;
            }

            var random = new Random((int)seed);
            for (int i = 0; i < dimensions; i++)
            {
                vector[i] = (float)(random.NextDouble() - 0.5);
            }
        }

        if (vector.All(v => v == 0))
        {
            vector[0] = 1;
        }

        return vector;
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string[] texts = [.. values];
        if (Failure is { } failure)
        {
            return Task.FromException<GeneratedEmbeddings<Embedding<float>>>(failure);
        }

        lock (_gate)
        {
            _sent.AddRange(texts);
        }

        return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(texts.Select(t => new Embedding<float>(Embed(t, dimensions, kind)))));
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }
}
