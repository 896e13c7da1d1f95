using Microsoft.Extensions.AI;

namespace EmbedClassify.Benchmarks.Infrastructure;

/// <summary>
/// An embedding "provider" that does no model work: each text's vector is drawn from a generator seeded by a hash of
/// the text, so the same text always gets the same vector, nothing is stored, and a fit benchmark measures our code.
/// </summary>
/// <param name="dimensions">The vector length.</param>
internal sealed class HashEmbeddingGenerator(int dimensions) : IEmbeddingGenerator<string, Embedding<float>>
{
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default) =>
        Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(Embed(v, dimensions)))));

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }

    /// <summary>Returns the text's vector: values uniform in [-1, 1) from a xorshift generator seeded by the text's hash.</summary>
    public static float[] Embed(string text, int dimensions)
    {
        // FNV-1a: string.GetHashCode is randomized per process, and the vectors must be the same in every run.
        ulong state = 14695981039346656037;
        foreach (char c in text)
        {
            state = (state ^ c) * 1099511628211;
        }

        state |= 1;
        float[] vector = GC.AllocateUninitializedArray<float>(dimensions);
        for (int i = 0; i < vector.Length; i++)
        {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            vector[i] = ((state >> 40) * (1f / (1 << 23))) - 1;
        }

        return vector;
    }
}
