using Microsoft.Extensions.AI;

namespace EmbedClassify.Tests.TestDoubles;

/// <summary>
/// A generator that hands out its vectors as views of one buffer, which its next call overwrites (as a provider that
/// pools its output may): whoever keeps a vector past the call must copy it. Vectors come from a callback; it names its
/// model so that classifiers built with it can be saved.
/// </summary>
public sealed class ReusedBufferEmbeddingGenerator(Func<string, float[]> embed) : IEmbeddingGenerator<string, Embedding<float>>
{
    private float[] _buffer = [];

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        float[][] vectors = [.. values.Select(embed)];
        int length = vectors.Length == 0 ? 0 : vectors[0].Length;
        if (_buffer.Length < vectors.Length * length)
        {
            // Room for 256 vectors at least, so that later (smaller) calls write over the earlier ones.
            _buffer = new float[Math.Max(vectors.Length, 256) * length];
        }

        var result = new GeneratedEmbeddings<Embedding<float>>();
        for (int i = 0; i < vectors.Length; i++)
        {
            vectors[i].CopyTo(_buffer, i * length);
            result.Add(new Embedding<float>(_buffer.AsMemory(i * length, length)));
        }

        return Task.FromResult(result);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
