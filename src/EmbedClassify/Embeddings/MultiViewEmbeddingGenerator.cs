using Microsoft.Extensions.AI;

namespace EmbedClassify;

/// <summary>
/// Combines several embedding models into one generator whose vector for a text is the models' vectors laid end to end,
/// so that a <see cref="FewShotClassifier"/> given it treats each model as an embedding view of its own: centered, fitted
/// and calibrated per model, its class similarities weighed by how well it separates the examples.
/// </summary>
/// <remarks>
/// <para>
/// Everything that takes a generator takes this one: creation, <see cref="FewShotClassifier.AddExamplesAsync"/>,
/// evaluation, saving and loading, dependency injection and the command-line tool. A saved classifier names every model
/// (see <see cref="Models"/>) and loads only with a generator of the same models in the same order.
/// </para>
/// <para>
/// Each text goes to every model; the models are called concurrently. Put a caching generator in front of each model
/// (not, or not only, in front of this one) so that a model whose call succeeded keeps what it was paid for when another
/// model's call fails. This type does not dispose the models it combines: their owner does.
/// </para>
/// </remarks>
public sealed class MultiViewEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The provider name this generator reports in its <see cref="EmbeddingGeneratorMetadata"/>.</summary>
    public const string ProviderName = "views";

    private readonly IEmbeddingGenerator<string, Embedding<float>>[] _generators;
    private readonly ModelIdentity[] _models;
    private readonly int[] _offsets;
    private readonly EmbeddingGeneratorMetadata _metadata;

    /// <summary>
    /// Initializes a new instance of the <see cref="MultiViewEmbeddingGenerator"/> class.
    /// </summary>
    /// <param name="generators">
    /// The models, at least two, each reporting <see cref="EmbeddingGeneratorMetadata"/> with a provider name, a default
    /// model id and its vector length. The first is the classifier's primary view: the one
    /// <see cref="FewShotClassifier.NearestExamplesAsync"/>, suggestions and drift monitoring compare texts in.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="generators"/> or one of its items is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// Fewer than two generators are given, one reports no provider, model id or vector length, or two report the same
    /// model.
    /// </exception>
    public MultiViewEmbeddingGenerator(params IEnumerable<IEmbeddingGenerator<string, Embedding<float>>> generators)
    {
        ArgumentNullException.ThrowIfNull(generators);
        _generators = [.. generators];
        if (_generators.Length < 2)
        {
            throw new ArgumentException($"Several embedding views need at least two generators; {_generators.Length} {(_generators.Length == 1 ? "was" : "were")} given.", nameof(generators));
        }

        _models = new ModelIdentity[_generators.Length];
        _offsets = new int[_generators.Length + 1];
        for (int i = 0; i < _generators.Length; i++)
        {
            IEmbeddingGenerator<string, Embedding<float>> generator = _generators[i]
                ?? throw new ArgumentNullException(nameof(generators), $"generators[{i}] is null.");
            if (generator.GetService<MultiViewEmbeddingGenerator>() is not null)
            {
                throw new ArgumentException($"generators[{i}] already combines several models; list its models here instead.", nameof(generators));
            }

            EmbeddingGeneratorMetadata? metadata = generator.GetService<EmbeddingGeneratorMetadata>();
            if (metadata is not { ProviderName: { } provider, DefaultModelId: { } model, DefaultModelDimensions: > 0 and int dimensions }
                || string.IsNullOrWhiteSpace(provider) || string.IsNullOrWhiteSpace(model))
            {
                throw new ArgumentException(
                    $"generators[{i}] reports no EmbeddingGeneratorMetadata with a provider name, a default model id and its vector length; "
                    + "each view's vectors must be told apart and checked by model.",
                    nameof(generators));
            }

            var identity = new ModelIdentity(provider, model, dimensions);
            for (int j = 0; j < i; j++)
            {
                if (_models[j].IsCompatibleWith(identity))
                {
                    throw new ArgumentException($"generators[{j}] and generators[{i}] are the same model ({identity}); a view must be another model.", nameof(generators));
                }
            }

            _models[i] = identity;
            _offsets[i + 1] = _offsets[i] + dimensions;
        }

        _metadata = new EmbeddingGeneratorMetadata(ProviderName, null, CombinedModelId(_models), _offsets[^1]);
    }

    /// <summary>Gets the models, one per view, in view order.</summary>
    public IReadOnlyList<IEmbeddingGenerator<string, Embedding<float>>> Generators => Array.AsReadOnly(_generators);

    /// <summary>Gets each view's model: its provider, model id and vector length, in view order.</summary>
    public IReadOnlyList<ModelIdentity> Models => Array.AsReadOnly(_models);

    /// <summary>Gets the length of the combined vectors: the sum of the models' vector lengths.</summary>
    public int Dimensions => _offsets[^1];

    /// <summary>
    /// Embeds every text with every model and returns, per text, the models' vectors laid end to end in view order.
    /// </summary>
    /// <param name="values">The texts to embed.</param>
    /// <param name="options">
    /// Options passed to every model; they must not name a model or a vector length, which would change what a view
    /// holds.
    /// </param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>One combined embedding per text, in input order, named by this generator's model id.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> sets <see cref="EmbeddingGenerationOptions.ModelId"/> or <see cref="EmbeddingGenerationOptions.Dimensions"/>.</exception>
    /// <exception cref="InvalidOperationException">A model returned no result, a null embedding, the wrong number of vectors, or one of a length other than it reports, or one that is empty, all zeros, not finite or of a length that underflows or overflows in single precision.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (options is { ModelId: not null } or { Dimensions: not null })
        {
            throw new ArgumentException("Each view is its own model with its own vector length; options may not set ModelId or Dimensions.", nameof(options));
        }

        string[] texts = [.. values];
        if (texts.Length == 0)
        {
            return [];
        }

        Task<GeneratedEmbeddings<Embedding<float>>>[] calls = [.. _generators.Select(g => g.GenerateAsync(texts, options, cancellationToken))];
        // Awaiting all of them lets every other model's call end (and its cache store what it paid for) before the
        // first failure is rethrown as itself.
        await Task.WhenAll(calls).ConfigureAwait(false);

        var combined = new float[texts.Length][];
        for (int t = 0; t < texts.Length; t++)
        {
            combined[t] = new float[Dimensions];
        }

        long inputTokens = 0;
        bool anyUsage = false;
        for (int v = 0; v < calls.Length; v++)
        {
            GeneratedEmbeddings<Embedding<float>> result = calls[v].Result;
            if (result?.Count != texts.Length)
            {
                throw new InvalidOperationException($"The model {_models[v]} returned {(result is null ? "no result" : $"{result.Count} vectors")} for {texts.Length} texts.");
            }

            for (int t = 0; t < texts.Length; t++)
            {
                ReadOnlySpan<float> vector = (result[t] ?? throw new InvalidOperationException($"The model {_models[v]} returned a null embedding for text {t}.")).Vector.Span;
                if (EmbeddingVectorCheck.Problem(vector, _models[v].Dimensions) is { } problem)
                {
                    throw new InvalidOperationException($"The model {_models[v]} returned {problem} for text {t}.");
                }

                // Each view normalizes its part on its own: a part whose length is 0 or infinite in single precision has no
                // direction there, even when the combined vector's length is fine.
                if (VectorMath.Norm(vector) is var norm && (norm == 0 || !float.IsFinite(norm)))
                {
                    throw new InvalidOperationException(
                        $"The model {_models[v]} returned a vector whose length {(norm == 0 ? "underflows to 0" : "overflows")} in single precision for text {t}.");
                }

                vector.CopyTo(combined[t].AsSpan(_offsets[v]));
            }

            if (result.Usage?.InputTokenCount is { } tokens)
            {
                inputTokens += tokens;
                anyUsage = true;
            }
        }

        var embeddings = new GeneratedEmbeddings<Embedding<float>>(texts.Length);
        foreach (float[] vector in combined)
        {
            embeddings.Add(new Embedding<float>(vector) { ModelId = _metadata.DefaultModelId, CreatedAt = DateTimeOffset.UtcNow });
        }

        if (anyUsage)
        {
            embeddings.Usage = new UsageDetails { InputTokenCount = inputTokens, TotalTokenCount = inputTokens };
        }

        return embeddings;
    }

    /// <summary>Asks the generator for an object of the specified type.</summary>
    /// <param name="serviceType">The type of object being requested.</param>
    /// <param name="serviceKey">An optional key; this generator offers no keyed services.</param>
    /// <returns>
    /// The <see cref="EmbeddingGeneratorMetadata"/> (provider <see cref="ProviderName"/>, the models' ids joined by "+", the
    /// combined vector length) when asked for it, this generator when it is an instance of <paramref name="serviceType"/>,
    /// and otherwise, or whenever <paramref name="serviceKey"/> is not <see langword="null"/>, <see langword="null"/>.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="serviceType"/> is <see langword="null"/>.</exception>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Does nothing: the models this generator combines belong to their owner, who disposes them.</summary>
    public void Dispose()
    {
    }

    /// <summary>Returns the model id of a combination of <paramref name="models"/>: each <c>provider/model</c>, joined by "+".</summary>
    internal static string CombinedModelId(IEnumerable<ModelIdentity> models) =>
        string.Join("+", models.Select(m => $"{m.ProviderName}/{m.ModelId}"));

    /// <summary>Returns the identity a generator combining <paramref name="models"/> reports.</summary>
    internal static ModelIdentity CombinedIdentity(IReadOnlyList<ModelIdentity> models) =>
        new(ProviderName, CombinedModelId(models), models.Sum(m => m.Dimensions));
}
