using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;

namespace EmbedClassify.OpenAI;

/// <summary>
/// Generates embeddings with the OpenAI embeddings API or any server that speaks it (Azure OpenAI, Ollama, vLLM,
/// LM Studio, Together), through the official <c>OpenAI</c> client and its <c>Microsoft.Extensions.AI</c> adapter.
/// </summary>
/// <remarks>
/// <para>
/// One <see cref="GenerateAsync"/> call embeds any number of texts: identical texts are sent once, the rest are split
/// into requests within <see cref="OpenAIEmbeddingGeneratorOptions.MaxInputsPerRequest"/> and
/// <see cref="OpenAIEmbeddingGeneratorOptions.MaxTokensPerRequest"/>, and at most
/// <see cref="OpenAIEmbeddingGeneratorOptions.MaxConcurrency"/> requests are in flight at once. Texts longer than
/// <see cref="OpenAIEmbeddingGeneratorOptions.MaxTokensPerInput"/> are truncated or rejected as
/// <see cref="OpenAIEmbeddingGeneratorOptions.OverlongInput"/> says.
/// </para>
/// <para>
/// This generator is the only retry layer: the client's own retries are turned off. A request that gets 408, 429 or a
/// 5xx status, loses its connection or times out is retried up to
/// <see cref="OpenAIEmbeddingGeneratorOptions.MaxRetries"/> times, after the wait the server asks for
/// (<c>retry-after-ms</c> or <c>Retry-After</c>) or else an exponential backoff with jitter. Other errors, and
/// responses that are malformed or have vectors of the wrong length, are not retried.
/// </para>
/// <para>
/// All members are thread-safe; concurrent calls share the concurrency limit. The API key is sent only in the
/// <c>Authorization</c> header: it is removed from every exception message and never appears in metadata.
/// </para>
/// </remarks>
public sealed partial class OpenAIEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The provider name reported in <see cref="EmbeddingGeneratorMetadata"/>.</summary>
    public const string ProviderName = "openai";

    private const string Redacted = "[redacted]";

    // Custom endpoints (Ollama, vLLM, LM Studio) usually need no key, but the client insists on one.
    private const string PlaceholderApiKey = "no-key";

    private readonly IEmbeddingGenerator<string, Embedding<float>> _inner;
    private readonly HttpClient? _ownedHttpClient;
    private readonly EmbeddingGeneratorMetadata _metadata;
    private readonly string? _apiKey;
    private readonly string _model;
    private readonly int? _dimensions;
    private readonly int _maxInputsPerRequest;
    private readonly int _maxTokensPerRequest;
    private readonly int _maxTokensPerInput;
    private readonly OverlongInputBehavior _overlongInput;
    private readonly int _maxRetries;
    private readonly TimeSpan _retryBaseDelay;
    private readonly TimeSpan _maxRetryDelay;
    private readonly TimeSpan _timeout;
    private readonly SemaphoreSlim _requestSlots;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;
    private readonly TimeProvider _timeProvider;
    private int _disposed;

    /// <summary>
    /// Initializes a new instance of the <see cref="OpenAIEmbeddingGenerator"/> class.
    /// </summary>
    /// <param name="options">The settings, copied here; <see langword="null"/> for the defaults (text-embedding-3-small on the OpenAI API).</param>
    /// <param name="httpClient">
    /// The HTTP client to send requests with, for example one with a proxy or a test handler; the generator does not
    /// dispose it, and its own <see cref="HttpClient.Timeout"/> still applies. <see langword="null"/> to create one
    /// that the generator owns.
    /// </param>
    /// <exception cref="InvalidOperationException">
    /// <see cref="OpenAIEmbeddingGeneratorOptions.ApiKey"/> is <see langword="null"/>, the <c>OPENAI_API_KEY</c>
    /// environment variable is not set, and the endpoint is the OpenAI API, which needs a key.
    /// </exception>
    public OpenAIEmbeddingGenerator(OpenAIEmbeddingGeneratorOptions? options = null, HttpClient? httpClient = null)
        : this(options, httpClient, delay: null, TimeProvider.System)
    {
    }

    /// <summary>Initializes a new instance with the waits between retries replaceable, so tests need not sleep.</summary>
    internal OpenAIEmbeddingGenerator(
        OpenAIEmbeddingGeneratorOptions? options,
        HttpClient? httpClient,
        Func<TimeSpan, CancellationToken, Task>? delay,
        TimeProvider timeProvider)
    {
        options = options?.Clone() ?? new OpenAIEmbeddingGeneratorOptions();

        string? apiKey = options.ApiKey ?? Environment.GetEnvironmentVariable(OpenAIEmbeddingGeneratorOptions.ApiKeyEnvironmentVariable);
        if (string.IsNullOrWhiteSpace(apiKey))
        {
            if (IsOpenAIEndpoint(options.Endpoint))
            {
                throw new InvalidOperationException(
                    $"No API key: set {nameof(OpenAIEmbeddingGeneratorOptions)}.{nameof(OpenAIEmbeddingGeneratorOptions.ApiKey)} or the {OpenAIEmbeddingGeneratorOptions.ApiKeyEnvironmentVariable} environment variable.");
            }

            apiKey = PlaceholderApiKey;
        }
        else
        {
            _apiKey = apiKey;
        }

        _model = options.Model;
        _dimensions = options.Dimensions;
        _maxInputsPerRequest = options.MaxInputsPerRequest;
        _maxTokensPerRequest = options.MaxTokensPerRequest;
        _maxTokensPerInput = options.MaxTokensPerInput;
        _overlongInput = options.OverlongInput;
        _maxRetries = options.MaxRetries;
        _retryBaseDelay = options.RetryBaseDelay;
        _maxRetryDelay = options.MaxRetryDelay;
        _timeout = options.Timeout;
        _requestSlots = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);
        _delay = delay ?? ((wait, token) => Task.Delay(wait, timeProvider, token));
        _timeProvider = timeProvider;

        if (httpClient is null)
        {
            // Timeouts are enforced per attempt by this generator; HttpClient's own 100 s limit would cut long waits short.
            _ownedHttpClient = new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
            httpClient = _ownedHttpClient;
        }

        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = options.Endpoint,
            Transport = new HttpClientPipelineTransport(httpClient),

            // The client retries 408/429/5xx three times by default; with ours on top every failure would be retried
            // up to 4 × (MaxRetries + 1) times, so its policy is replaced by one that never retries.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = System.Threading.Timeout.InfiniteTimeSpan,
        };

        _inner = new OpenAIClient(new ApiKeyCredential(apiKey), clientOptions)
            .GetEmbeddingClient(_model)
            .AsIEmbeddingGenerator(_dimensions);

        _metadata = new EmbeddingGeneratorMetadata(ProviderName, WithoutCredentials(options.Endpoint), _model, _dimensions ?? KnownDimensions(_model));
    }

    /// <summary>Asks the generator for an object of the specified type.</summary>
    /// <param name="serviceType">The type of object being requested.</param>
    /// <param name="serviceKey">An optional key; this generator offers no keyed services.</param>
    /// <returns>
    /// The <see cref="EmbeddingGeneratorMetadata"/> (provider "openai", the endpoint without credentials or query, the
    /// model, and the dimensions when they are set or known for the model) when asked for it, this generator when it
    /// is an instance of <paramref name="serviceType"/>, and otherwise, or whenever <paramref name="serviceKey"/> is
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
    /// Marks the generator disposed and releases the HTTP client it created, which abandons requests in flight. Calls
    /// after the first do nothing.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _ownedHttpClient?.Dispose();
    }

    private static bool IsOpenAIEndpoint(Uri endpoint) =>
        string.Equals(endpoint.Host, OpenAIEmbeddingGeneratorOptions.DefaultEndpoint.Host, StringComparison.OrdinalIgnoreCase);

    private static Uri WithoutCredentials(Uri endpoint) =>

        // User info and query strings are where credentials hide in URLs (Azure SAS tokens, ?api-key=); drop both.
        new UriBuilder(endpoint) { UserName = string.Empty, Password = string.Empty, Query = string.Empty, Fragment = string.Empty }.Uri;

    private static int? KnownDimensions(string model) => model switch
    {
        "text-embedding-3-small" or "text-embedding-ada-002" => 1536,
        "text-embedding-3-large" => 3072,
        _ => null,
    };

    private string Redact(string message) =>
        _apiKey is null ? message : message.Replace(_apiKey, Redacted, StringComparison.Ordinal);
}
