namespace EmbedClassify.OpenAI;

/// <summary>
/// Represents the settings of an <see cref="OpenAIEmbeddingGenerator"/>: which server and model to call, how inputs are
/// split into requests, how many requests run at once, and how failed requests are retried.
/// </summary>
/// <remarks>
/// <para>
/// The request limits default to those the OpenAI API reference documents for <c>POST /v1/embeddings</c>
/// (https://platform.openai.com/docs/api-reference/embeddings/create, the <c>input</c> parameter): "The input must not
/// exceed the max input tokens for the model (8192 tokens for all embedding models), cannot be an empty string, and any
/// array must be 2048 dimensions or less. [...] all embedding models enforce a maximum of 300,000 tokens summed across
/// all inputs in a single request." Lower them for OpenAI-compatible servers with smaller limits.
/// </para>
/// <para>
/// The generator copies the options when it is created, so changing an instance afterwards does not affect generators
/// already made from it. Instances are not thread-safe to change while another thread reads them.
/// </para>
/// </remarks>
public sealed class OpenAIEmbeddingGeneratorOptions
{
    /// <summary>The default for <see cref="Model"/>.</summary>
    public const string DefaultModel = "text-embedding-3-small";

    /// <summary>The default for <see cref="MaxInputsPerRequest"/>: the OpenAI limit of 2048 inputs per request.</summary>
    public const int DefaultMaxInputsPerRequest = 2048;

    /// <summary>The default for <see cref="MaxTokensPerRequest"/>: the OpenAI limit of 300,000 tokens summed over the inputs of a request.</summary>
    public const int DefaultMaxTokensPerRequest = 300_000;

    /// <summary>The default for <see cref="MaxTokensPerInput"/>: the OpenAI limit of 8192 tokens per input for all embedding models.</summary>
    public const int DefaultMaxTokensPerInput = 8192;

    /// <summary>The default for <see cref="MaxConcurrency"/>.</summary>
    public const int DefaultMaxConcurrency = 4;

    /// <summary>The default for <see cref="MaxRetries"/>.</summary>
    public const int DefaultMaxRetries = 5;

    /// <summary>The name of the environment variable read when <see cref="ApiKey"/> is <see langword="null"/>.</summary>
    public const string ApiKeyEnvironmentVariable = "OPENAI_API_KEY";

    /// <summary>Gets the default for <see cref="Endpoint"/>: the OpenAI API, <c>https://api.openai.com/v1</c>.</summary>
    public static Uri DefaultEndpoint { get; } = new("https://api.openai.com/v1");

    private string _model = DefaultModel;
    private int? _dimensions;
    private string? _apiKey;
    private Uri _endpoint = DefaultEndpoint;
    private int _maxInputsPerRequest = DefaultMaxInputsPerRequest;
    private int _maxTokensPerRequest = DefaultMaxTokensPerRequest;
    private int _maxTokensPerInput = DefaultMaxTokensPerInput;
    private int _maxConcurrency = DefaultMaxConcurrency;
    private int _maxRetries = DefaultMaxRetries;
    private TimeSpan _retryBaseDelay = TimeSpan.FromSeconds(1);
    private TimeSpan _maxRetryDelay = TimeSpan.FromSeconds(30);
    private TimeSpan _timeout = TimeSpan.FromSeconds(60);
    private OverlongInputBehavior _overlongInput = OverlongInputBehavior.Truncate;

    /// <summary>Gets or sets the model to call, for example <c>text-embedding-3-small</c>, <c>text-embedding-3-large</c> or an Ollama model name.</summary>
    /// <value>The default is <see cref="DefaultModel"/> (<c>text-embedding-3-small</c>).</value>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The value is empty or only white space.</exception>
    public string Model
    {
        get => _model;
        set
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value);
            _model = value;
        }
    }

    /// <summary>
    /// Gets or sets the length of the embeddings to ask for (the <c>dimensions</c> request parameter, which the
    /// text-embedding-3 models support), or <see langword="null"/> for the model's native length.
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int? Dimensions
    {
        get => _dimensions;
        set
        {
            if (value is int dimensions)
            {
                ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1, nameof(value));
            }

            _dimensions = value;
        }
    }

    /// <summary>
    /// Gets or sets the API key, or <see langword="null"/> to read it from the <c>OPENAI_API_KEY</c> environment variable
    /// when the generator is created.
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    /// <remarks>The key is sent only in the <c>Authorization</c> header; it never appears in exception messages or metadata.</remarks>
    /// <exception cref="ArgumentException">The value is empty or only white space.</exception>
    public string? ApiKey
    {
        get => _apiKey;
        set
        {
            if (value is not null)
            {
                ArgumentException.ThrowIfNullOrWhiteSpace(value);
            }

            _apiKey = value;
        }
    }

    /// <summary>
    /// Gets or sets the base URL of the API; requests go to <c>{Endpoint}/embeddings</c>. Point it at any server that
    /// speaks the OpenAI embeddings API: Azure OpenAI (<c>https://{resource}.openai.azure.com/openai/v1/</c>), Ollama
    /// (<c>http://localhost:11434/v1</c>), vLLM, LM Studio or Together.
    /// </summary>
    /// <value>The default is <see cref="DefaultEndpoint"/> (<c>https://api.openai.com/v1</c>).</value>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The value is not an absolute http or https URL.</exception>
    public Uri Endpoint
    {
        get => _endpoint;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (!value.IsAbsoluteUri || (value.Scheme != Uri.UriSchemeHttp && value.Scheme != Uri.UriSchemeHttps))
            {
                throw new ArgumentException("The endpoint must be an absolute http or https URL.", nameof(value));
            }

            _endpoint = value;
        }
    }

    /// <summary>Gets or sets the most inputs sent in one request.</summary>
    /// <value>The default is <see cref="DefaultMaxInputsPerRequest"/> (2048, the OpenAI limit).</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxInputsPerRequest
    {
        get => _maxInputsPerRequest;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxInputsPerRequest = value;
        }
    }

    /// <summary>
    /// Gets or sets the most tokens, summed over its inputs, sent in one request; counted with the cl100k_base
    /// tokenizer that all OpenAI embedding models use.
    /// </summary>
    /// <value>The default is <see cref="DefaultMaxTokensPerRequest"/> (300,000, the OpenAI limit).</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxTokensPerRequest
    {
        get => _maxTokensPerRequest;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxTokensPerRequest = value;
        }
    }

    /// <summary>
    /// Gets or sets the most tokens of one input, counted with the cl100k_base tokenizer; longer inputs are handled as
    /// <see cref="OverlongInput"/> says. The smaller of this and <see cref="MaxTokensPerRequest"/> applies.
    /// </summary>
    /// <value>The default is <see cref="DefaultMaxTokensPerInput"/> (8192, the OpenAI limit for all embedding models).</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxTokensPerInput
    {
        get => _maxTokensPerInput;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxTokensPerInput = value;
        }
    }

    /// <summary>Gets or sets what happens to an input longer than <see cref="MaxTokensPerInput"/> tokens.</summary>
    /// <value>The default is <see cref="OverlongInputBehavior.Truncate"/>.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="OverlongInputBehavior"/>.</exception>
    public OverlongInputBehavior OverlongInput
    {
        get => _overlongInput;
        set
        {
            if (!Enum.IsDefined(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The value is not a defined OverlongInputBehavior.");
            }

            _overlongInput = value;
        }
    }

    /// <summary>
    /// Gets or sets the most requests in flight at once for one generator, shared by all its concurrent calls; a
    /// request keeps its slot while it waits to be retried.
    /// </summary>
    /// <value>The default is <see cref="DefaultMaxConcurrency"/> (4).</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxConcurrency
    {
        get => _maxConcurrency;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxConcurrency = value;
        }
    }

    /// <summary>
    /// Gets or sets how many times a request is retried after a 408, 429 or 5xx response, a dropped connection or a
    /// timeout; 0 disables retries.
    /// </summary>
    /// <value>The default is <see cref="DefaultMaxRetries"/> (5).</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MaxRetries
    {
        get => _maxRetries;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _maxRetries = value;
        }
    }

    /// <summary>
    /// Gets or sets the wait before the first retry when the server sends no <c>Retry-After</c>; the wait doubles with
    /// each retry, up to <see cref="MaxRetryDelay"/>, and a random half of it is jitter.
    /// </summary>
    /// <value>The default is 1 second.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan RetryBaseDelay
    {
        get => _retryBaseDelay;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _retryBaseDelay = value;
        }
    }

    /// <summary>
    /// Gets or sets the longest computed wait between retries. A wait the server asks for with <c>Retry-After</c> or
    /// <c>retry-after-ms</c> is honoured even when it is longer.
    /// </summary>
    /// <value>The default is 30 seconds.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan MaxRetryDelay
    {
        get => _maxRetryDelay;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _maxRetryDelay = value;
        }
    }

    /// <summary>
    /// Gets or sets how long one attempt of one request may take, from sending it to reading the whole response; an
    /// attempt that takes longer is abandoned and retried. <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> disables it.
    /// </summary>
    /// <value>The default is 60 seconds.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero, or negative and not <see cref="System.Threading.Timeout.InfiniteTimeSpan"/>.</exception>
    public TimeSpan Timeout
    {
        get => _timeout;
        set
        {
            if (value <= TimeSpan.Zero && value != System.Threading.Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The timeout must be positive or Timeout.InfiniteTimeSpan.");
            }

            _timeout = value;
        }
    }

    /// <summary>Creates a copy of these options.</summary>
    /// <returns>A new instance with the same values.</returns>
    public OpenAIEmbeddingGeneratorOptions Clone() => (OpenAIEmbeddingGeneratorOptions)MemberwiseClone();
}
