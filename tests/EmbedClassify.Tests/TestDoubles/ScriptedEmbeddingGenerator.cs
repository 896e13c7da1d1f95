using Microsoft.Extensions.AI;

namespace EmbedClassify.Tests.TestDoubles;

/// <summary>
/// An asynchronous embedding generator driven by a callback that also gets the call's number, with optional metadata
/// and usage; records every call and the largest number of calls that overlapped.
/// </summary>
public sealed class ScriptedEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly Func<IReadOnlyList<string>, int, CancellationToken, Task<IReadOnlyList<float[]>>> _embed;
    private readonly EmbeddingGeneratorMetadata? _metadata;
    private readonly List<IReadOnlyList<string>> _calls = [];
    private readonly List<EmbeddingGenerationOptions?> _options = [];
    private readonly Lock _gate = new();
    private int _concurrent;
    private int _maxConcurrent;

    public ScriptedEmbeddingGenerator(
        Func<IReadOnlyList<string>, int, CancellationToken, Task<IReadOnlyList<float[]>>> embed,
        EmbeddingGeneratorMetadata? metadata = null)
    {
        _embed = embed;
        _metadata = metadata;
    }

    /// <summary>Creates a generator that answers every text with <see cref="VectorFor"/>.</summary>
    public static ScriptedEmbeddingGenerator Deterministic(int dimensions = 8, EmbeddingGeneratorMetadata? metadata = null) =>
        new((texts, _, _) => Task.FromResult<IReadOnlyList<float[]>>([.. texts.Select(t => VectorFor(t, dimensions))]), metadata);

    /// <summary>A deterministic pseudo-random vector for a text, the same in every process.</summary>
    public static float[] VectorFor(string text, int dimensions = 8)
    {
        // FNV-1a: stable across runs and processes, unlike string.GetHashCode.
        uint hash = 2166136261;
        foreach (char ch in text)
        {
            hash = (hash ^ ch) * 16777619;
        }

        var random = new Random((int)hash);
        var vector = new float[dimensions];
        for (int i = 0; i < dimensions; i++)
        {
            vector[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return vector;
    }

    /// <summary>Gets or sets the input tokens reported per text, or <see langword="null"/> to report no usage.</summary>
    public int? TokensPerText { get; set; }

    /// <summary>Gets each call's inputs, in the order the calls started.</summary>
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

    /// <summary>Gets each call's options, in the order the calls started.</summary>
    public IReadOnlyList<EmbeddingGenerationOptions?> OptionsSeen
    {
        get
        {
            lock (_gate)
            {
                return [.. _options];
            }
        }
    }

    /// <summary>Gets every text sent, over all calls.</summary>
    public IReadOnlyList<string> TextsSent => [.. Calls.SelectMany(c => c)];

    /// <summary>Gets the largest number of calls that were running at the same time.</summary>
    public int MaxConcurrentCalls => Volatile.Read(ref _maxConcurrent);

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        string[] inputs = [.. values];
        int call;
        lock (_gate)
        {
            call = _calls.Count;
            _calls.Add(inputs);
            _options.Add(options);
            _concurrent++;
            _maxConcurrent = Math.Max(_maxConcurrent, _concurrent);
        }

        try
        {
            IReadOnlyList<float[]> vectors = await _embed(inputs, call, cancellationToken);
            return new GeneratedEmbeddings<Embedding<float>>(vectors.Select(v => new Embedding<float>(v)))
            {
                Usage = TokensPerText is { } perText ? new UsageDetails { InputTokenCount = perText * inputs.Length } : null,
            };
        }
        finally
        {
            lock (_gate)
            {
                _concurrent--;
            }
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }
}
