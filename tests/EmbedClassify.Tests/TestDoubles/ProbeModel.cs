using System.Collections.Concurrent;
using Microsoft.Extensions.AI;

namespace EmbedClassify.Tests.TestDoubles;

/// <summary>
/// A model with metadata for the multi-view probes: by default a seeded random unit-free vector per text (the same text
/// always gets the same vector), and a hook that may replace or damage what a call returns. Counts every text it is sent.
/// </summary>
public sealed class ProbeModel(string model, int dimensions) : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private int _calls;

    public EmbeddingGeneratorMetadata Metadata { get; } = new("probe", null, model, dimensions);

    public int Dimensions => dimensions;

    /// <summary>Gets or sets what a call does with its texts; by default <see cref="Vector"/> per text.</summary>
    public Func<string[], CancellationToken, Task<GeneratedEmbeddings<Embedding<float>>>>? Generate { get; set; }

    /// <summary>Gets or sets a delay before every call answers (honouring the token).</summary>
    public TimeSpan Delay { get; set; }

    public int Calls => Volatile.Read(ref _calls);

    public int TextsSent => _counts.Values.Sum();

    public int TimesSent(string text) => _counts.GetValueOrDefault(text);

    public IReadOnlyDictionary<string, int> Counts => _counts;

    public float[] Vector(string text)
    {
        var random = new Random(StableHash(text) ^ StableHash(model));
        var vector = new float[dimensions];
        for (int i = 0; i < dimensions; i++)
        {
            vector[i] = (float)(random.NextDouble() - 0.5);
        }

        return vector;
    }

    public GeneratedEmbeddings<Embedding<float>> Default(IEnumerable<string> texts) =>
        new(texts.Select(t => new Embedding<float>(Vector(t))));

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        string[] texts = [.. values];
        Interlocked.Increment(ref _calls);
        foreach (string text in texts)
        {
            _counts.AddOrUpdate(text, 1, (_, n) => n + 1);
        }

        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, cancellationToken).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return Generate is { } generate ? await generate(texts, cancellationToken).ConfigureAwait(false) : Default(texts);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }

    private static int StableHash(string text)
    {
        uint hash = 2166136261;
        foreach (char ch in text)
        {
            hash = (hash ^ ch) * 16777619;
        }

        return (int)hash;
    }
}
