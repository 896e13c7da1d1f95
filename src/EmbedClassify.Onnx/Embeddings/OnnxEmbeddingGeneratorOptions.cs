namespace EmbedClassify.Onnx;

/// <summary>
/// Represents the settings of an <see cref="OnnxEmbeddingGenerator"/>: how texts are truncated,
/// how they are grouped into model runs, and how many runs go at once.
/// </summary>
/// <remarks>
/// The generator copies the options when it is created, so changing an instance afterwards does
/// not affect generators already made from it. Instances are not thread-safe to change while
/// another thread reads them.
/// </remarks>
public sealed class OnnxEmbeddingGeneratorOptions
{
    /// <summary>The default for <see cref="MaxSequenceLength"/>: the length all-MiniLM-L6-v2 was trained with.</summary>
    public const int DefaultMaxSequenceLength = 256;

    /// <summary>
    /// The largest <see cref="MaxSequenceLength"/>: the 512 position embeddings of BERT-family models, both built-in
    /// models (all-MiniLM-L6-v2, snowflake-arctic-embed-xs) among them.
    /// </summary>
    public const int MaxSupportedSequenceLength = 512;

    /// <summary>The default for <see cref="MaxBatchSize"/>.</summary>
    public const int DefaultMaxBatchSize = 32;

    /// <summary>The default for <see cref="MaxBatchTokens"/>.</summary>
    public const int DefaultMaxBatchTokens = 512;

    private int _maxSequenceLength = DefaultMaxSequenceLength;
    private int _maxBatchSize = DefaultMaxBatchSize;
    private int _maxBatchTokens = DefaultMaxBatchTokens;
    private int _maxDegreeOfParallelism = Environment.ProcessorCount;
    private int _intraOpThreads = 1;
    private string? _modelId;
    private OnnxModelPrecision _precision = OnnxModelPrecision.Float32;

    /// <summary>
    /// Gets or sets the most tokens the model sees per text, <b>including</b> the [CLS] and [SEP]
    /// tokens; longer texts are cut after <c>MaxSequenceLength − 2</c> word pieces.
    /// </summary>
    /// <value>
    /// The default is <see cref="DefaultMaxSequenceLength"/> (256), the maximum all-MiniLM-L6-v2
    /// was trained with. Up to <see cref="MaxSupportedSequenceLength"/> (512), the whole position
    /// table of both built-in models, reads more of a long text; the cost of a text grows a little
    /// faster than its length (attention compares every token with every other). Set it to the
    /// <c>max_seq_length</c> of the model you load with <see cref="OnnxEmbeddingGenerator.FromDirectory"/>. Any other
    /// value than the default adds <c>-{value}tokens</c> to the model id (<see cref="OnnxEmbeddingGenerator.ModelIdFor"/>),
    /// so cached vectors and saved classifiers made at one length are never used at another.
    /// </value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 3 or greater than <see cref="MaxSupportedSequenceLength"/>.</exception>
    public int MaxSequenceLength
    {
        get => _maxSequenceLength;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 3);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxSupportedSequenceLength);
            _maxSequenceLength = value;
        }
    }

    /// <summary>Gets or sets the most texts in one model run.</summary>
    /// <value>The default is <see cref="DefaultMaxBatchSize"/> (32).</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxBatchSize
    {
        get => _maxBatchSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxBatchSize = value;
        }
    }

    /// <summary>
    /// Gets or sets the most tokens in one model run, counted after padding each text to the
    /// longest text in its run; a single text longer than this still gets a run of its own.
    /// </summary>
    /// <value>
    /// The default is <see cref="DefaultMaxBatchTokens"/> (512): on CPU, larger runs only add
    /// memory traffic, while this cap still lets short texts share a run.
    /// </value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxBatchTokens
    {
        get => _maxBatchTokens;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxBatchTokens = value;
        }
    }

    /// <summary>
    /// Gets or sets the most model runs in progress at once for one generator, shared by all
    /// concurrent <see cref="OnnxEmbeddingGenerator.GenerateAsync"/> calls. Each run uses one thread.
    /// </summary>
    /// <value>The default is <see cref="Environment.ProcessorCount"/>.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxDegreeOfParallelism
    {
        get => _maxDegreeOfParallelism;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxDegreeOfParallelism = value;
        }
    }

    /// <summary>
    /// Gets or sets the model id reported in the generator's metadata and on each embedding.
    /// </summary>
    /// <value>
    /// The default is <see langword="null"/>: "all-MiniLM-L6-v2" for
    /// <see cref="OnnxEmbeddingGenerator.CreateDefault"/>, the folder name for
    /// <see cref="OnnxEmbeddingGenerator.FromDirectory"/>. Either way the vectors carry it with the suffixes of
    /// <see cref="OnnxEmbeddingGenerator.ModelIdFor"/> for settings that change them (another
    /// <see cref="MaxSequenceLength"/>, <see cref="LowerCase"/> off, int8).
    /// </value>
    /// <exception cref="ArgumentException">The value is empty or only white space.</exception>
    public string? ModelId
    {
        get => _modelId;
        set
        {
            if (value is not null)
            {
                ArgumentException.ThrowIfNullOrWhiteSpace(value);
            }

            _modelId = value;
        }
    }

    /// <summary>
    /// Gets or sets the precision of the built-in model that <see cref="OnnxEmbeddingGenerator.CreateDefault"/> loads.
    /// </summary>
    /// <value>
    /// The default is <see cref="OnnxModelPrecision.Float32"/>. <see cref="OnnxModelPrecision.Int8"/> loads the int8 graph and
    /// appends <c>-int8</c> to the model id, so the two precisions never share cache entries or saved models.
    /// <see cref="OnnxEmbeddingGenerator.FromDirectory"/> runs the graph it is given and accepts only the default.
    /// </value>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="OnnxModelPrecision"/>.</exception>
    public OnnxModelPrecision Precision
    {
        get => _precision;
        set
        {
            if (!Enum.IsDefined(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"{value} is not a precision; use {string.Join(" or ", Enum.GetNames<OnnxModelPrecision>())}.");
            }

            _precision = value;
        }
    }

    /// <summary>
    /// Gets or sets a value indicating whether text is lowercased and stripped of accents before
    /// tokenization, as uncased models (all-MiniLM-L6-v2 among them) expect.
    /// </summary>
    /// <value>
    /// The default is <see langword="true"/>. Set it to <see langword="false"/> for cased models; the model id then
    /// ends in <see cref="OnnxEmbeddingGenerator.CasedModelIdSuffix"/>.
    /// </value>
    public bool LowerCase { get; set; } = true;

    /// <summary>
    /// Gets or sets the threads ONNX Runtime uses inside one run. One thread per run with several
    /// runs at once measured faster than one run using all cores, so only benchmarks change this.
    /// </summary>
    internal int IntraOpThreads
    {
        get => _intraOpThreads;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _intraOpThreads = value;
        }
    }

    /// <summary>Creates a copy of these options.</summary>
    /// <returns>A new instance with the same values.</returns>
    public OnnxEmbeddingGeneratorOptions Clone() => (OnnxEmbeddingGeneratorOptions)MemberwiseClone();
}
