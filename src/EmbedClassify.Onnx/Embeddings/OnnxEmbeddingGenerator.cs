using Microsoft.Extensions.AI;

namespace EmbedClassify.Onnx;

/// <summary>
/// Generates sentence embeddings on the local CPU by running a sentence-transformers model
/// (all-MiniLM-L6-v2 by default) with ONNX Runtime; no network access is ever made.
/// </summary>
/// <remarks>
/// <para>
/// Texts are tokenized like the Hugging Face reference (uncased BERT WordPiece), sorted by length
/// and grouped into runs padded only to their longest text; runs go in parallel, one thread each,
/// up to <see cref="OnnxEmbeddingGeneratorOptions.MaxDegreeOfParallelism"/>. Each embedding is pooled
/// as the model was trained (all-MiniLM-L6-v2: the mean of the token states under the attention mask;
/// snowflake-arctic-embed-xs: the state of the [CLS] token), L2-normalized, so cosine similarity equals
/// the dot product. Results come back in input order.
/// </para>
/// <para>
/// All members are thread-safe; concurrent <see cref="GenerateAsync"/> calls share the same
/// parallelism limit. Dispose the generator to release the native session.
/// </para>
/// </remarks>
public sealed partial class OnnxEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The provider name reported in <see cref="EmbeddingGeneratorMetadata"/>.</summary>
    public const string ProviderName = "onnx";

    private readonly SentenceEmbeddingModel _model;
    private readonly BertWordPieceEncoder _encoder;
    private readonly EmbeddingGeneratorMetadata _metadata;
    private readonly string _modelId;
    private readonly int _maxBatchSize;
    private readonly int _maxBatchTokens;
    private readonly int _maxDegreeOfParallelism;

    // Bounds model runs across all concurrent calls, and lets Dispose wait for runs in progress.
    private readonly SemaphoreSlim _runSlots;
    private int _disposed;

    private OnnxEmbeddingGenerator(
        SentenceEmbeddingModel model,
        BertWordPieceEncoder encoder,
        OnnxEmbeddingGeneratorOptions options,
        string modelId,
        Uri? providerUri)
    {
        _model = model;
        _encoder = encoder;
        _modelId = modelId;
        _maxBatchSize = options.MaxBatchSize;
        _maxBatchTokens = options.MaxBatchTokens;
        _maxDegreeOfParallelism = options.MaxDegreeOfParallelism;
        _runSlots = new SemaphoreSlim(_maxDegreeOfParallelism, _maxDegreeOfParallelism);
        _metadata = new EmbeddingGeneratorMetadata(ProviderName, providerUri, modelId, model.Dimensions);
    }

    /// <summary>
    /// Generates one embedding for each text.
    /// </summary>
    /// <param name="values">The texts to embed. Each is cut after
    /// <see cref="OnnxEmbeddingGeneratorOptions.MaxSequenceLength"/> − 2 word pieces.</param>
    /// <param name="options">
    /// Optional request options. <see cref="EmbeddingGenerationOptions.ModelId"/> is ignored because
    /// the generator runs a single model; <see cref="EmbeddingGenerationOptions.Dimensions"/>, when
    /// set, must equal the model's dimensions.
    /// </param>
    /// <param name="cancellationToken">
    /// The token to monitor for cancellation requests; it is checked before each model run, and a
    /// run already started finishes.
    /// </param>
    /// <returns>
    /// The embeddings, in the order of <paramref name="values"/>, each of length
    /// <see cref="EmbeddingGeneratorMetadata.DefaultModelDimensions"/> and unit L2 norm, with
    /// <see cref="GeneratedEmbeddings{TEmbedding}.Usage"/> giving the tokens fed to the model.
    /// An empty input gives an empty result without running the model.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// An element of <paramref name="values"/> is <see langword="null"/> or empty (the message names
    /// its index), or <paramref name="options"/> asks for other dimensions than the model has.
    /// </exception>
    /// <exception cref="ObjectDisposedException">The generator has been disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <exception cref="Microsoft.ML.OnnxRuntime.OnnxRuntimeException">ONNX Runtime failed to run the model.</exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        string[] texts = [.. values];
        for (int i = 0; i < texts.Length; i++)
        {
            if (string.IsNullOrEmpty(texts[i]))
            {
                throw new ArgumentException($"The text at index {i} is null or empty; every text must have at least one character.", nameof(values));
            }
        }

        if (options?.Dimensions is int dimensions && dimensions != _model.Dimensions)
        {
            throw new ArgumentException(
                $"The model '{_modelId}' produces {_model.Dimensions} dimensions; {dimensions} were requested.", nameof(options));
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();

        if (texts.Length == 0)
        {
            return [];
        }

        var tokens = new int[texts.Length][];
        var lengths = new int[texts.Length];
        long tokenCount = 0;
        for (int i = 0; i < texts.Length; i++)
        {
            tokens[i] = _encoder.Encode(texts[i]);
            lengths[i] = tokens[i].Length;
            tokenCount += lengths[i];
        }

        List<int[]> batches = BatchPlanner.Plan(lengths, _maxBatchSize, _maxBatchTokens);
        var vectors = new float[texts.Length][];
        var parallelOptions = new ParallelOptions
        {
            MaxDegreeOfParallelism = _maxDegreeOfParallelism,
            CancellationToken = cancellationToken,
        };

        await Parallel.ForEachAsync(batches, parallelOptions, async (batch, token) =>
        {
            await _runSlots.WaitAsync(token).ConfigureAwait(false);
            try
            {
                ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
                _model.Embed(tokens, batch, vectors);
            }
            finally
            {
                _runSlots.Release();
            }
        }).ConfigureAwait(false);

        DateTimeOffset createdAt = DateTimeOffset.UtcNow;
        var embeddings = new GeneratedEmbeddings<Embedding<float>>(texts.Length)
        {
            Usage = new UsageDetails { InputTokenCount = tokenCount, TotalTokenCount = tokenCount },
        };

        foreach (float[] vector in vectors)
        {
            embeddings.Add(new Embedding<float>(vector) { ModelId = _modelId, CreatedAt = createdAt });
        }

        return embeddings;
    }

    /// <summary>Asks the generator for an object of the specified type.</summary>
    /// <param name="serviceType">The type of object being requested.</param>
    /// <param name="serviceKey">An optional key; this generator offers no keyed services.</param>
    /// <returns>
    /// The <see cref="EmbeddingGeneratorMetadata"/> (provider "onnx", the model id and its
    /// dimensions) when asked for it, this generator when it is an instance of
    /// <paramref name="serviceType"/>, and otherwise, or whenever <paramref name="serviceKey"/> is
    /// not <see langword="null"/>, <see langword="null"/>.
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

    /// <summary>
    /// Releases the ONNX Runtime session, after waiting for model runs already in progress.
    /// Calls after the first do nothing.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Taking every slot waits out runs in progress, so the native session is never freed
        // under one; callers still queued see the flag and throw ObjectDisposedException.
        for (int i = 0; i < _maxDegreeOfParallelism; i++)
        {
            _runSlots.Wait();
        }

        _model.Dispose();
        _runSlots.Release(_maxDegreeOfParallelism);
    }
}
