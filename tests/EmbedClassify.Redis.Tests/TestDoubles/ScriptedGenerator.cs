using Microsoft.Extensions.AI;

namespace EmbedClassify.Redis.Tests.TestDoubles;

/// <summary>
/// An embedding generator driven by a callback: it records every text sent, signals its first call, and answers with
/// <see cref="VectorFor"/> scaled by <paramref name="scale"/> unless the callback throws or waits.
/// </summary>
internal sealed class ScriptedGenerator(Func<string[], CancellationToken, Task>? onCall = null, float scale = 1) : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly List<string> _texts = [];
    private readonly TaskCompletionSource _called = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Gets a task that completes when the generator is first called.</summary>
    public Task Called => _called.Task;

    /// <summary>Gets every text sent so far, in order.</summary>
    public IReadOnlyList<string> Texts
    {
        get
        {
            lock (_texts)
            {
                return [.. _texts];
            }
        }
    }

    public static float[] VectorFor(string text)
    {
        var random = new Random(text.Length * 7919 + text[^1]);
        return [.. Enumerable.Range(0, 8).Select(_ => (float)random.NextDouble() + 0.1f)];
    }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        string[] texts = [.. values];
        lock (_texts)
        {
            _texts.AddRange(texts);
        }

        _called.TrySetResult();
        if (onCall is not null)
        {
            await onCall(texts, cancellationToken);
        }

        return new GeneratedEmbeddings<Embedding<float>>(texts.Select(t => new Embedding<float>(VectorFor(t).Select(v => v * scale).ToArray())));
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
