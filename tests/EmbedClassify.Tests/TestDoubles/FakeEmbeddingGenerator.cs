using Microsoft.Extensions.AI;

namespace EmbedClassify.Tests.TestDoubles;

/// <summary>
/// An embedding generator driven by a callback, which records every call so tests can assert what was sent.
/// </summary>
public sealed class FakeEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly Func<IReadOnlyList<string>, CancellationToken, IReadOnlyList<float[]>> _embed;
    private readonly List<IReadOnlyList<string>> _calls = [];
    private readonly Lock _gate = new();

    public FakeEmbeddingGenerator(Func<IReadOnlyList<string>, CancellationToken, IReadOnlyList<float[]>> embed) => _embed = embed;

    public FakeEmbeddingGenerator(Func<string, float[]> embedOne)
        : this((texts, _) => [.. texts.Select(embedOne)])
    {
    }

    /// <summary>Gets each call's inputs, in call order.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Gets every text sent, over all calls.</summary>
    public IReadOnlyList<string> TextsSent => [.. Calls.SelectMany(c => c)];

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        string[] inputs = [.. values];
        lock (_gate)
        {
            _calls.Add(inputs);
        }

        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<float[]> vectors = _embed(inputs, cancellationToken);
        return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(vectors.Select(v => new Embedding<float>(v))));
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
