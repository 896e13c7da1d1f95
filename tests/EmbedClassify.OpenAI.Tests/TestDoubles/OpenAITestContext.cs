namespace EmbedClassify.OpenAI.Tests.TestDoubles;

/// <summary>
/// A <see cref="FakeOpenAIServer"/>, an HTTP client that bypasses any proxy, and generators pointed at the server
/// whose retry waits are recorded instead of slept.
/// </summary>
public sealed class OpenAITestContext : IAsyncDisposable
{
    /// <summary>A recognisable fake key, to prove it never leaks.</summary>
    public const string ApiKey = "sk-test-PLANTED-KEY-4f1c9a7e2b";

    /// <summary>A model the fake server answers with <see cref="FakeOpenAIServer.Dimensions"/>-long vectors.</summary>
    public const string Model = "fake-embedding-model";

    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = Timeout.InfiniteTimeSpan };

    private OpenAITestContext(FakeOpenAIServer server) => Server = server;

    public FakeOpenAIServer Server { get; }

    public RecordingDelay Delay { get; } = new();

    public static async Task<OpenAITestContext> StartAsync(int dimensions = 16) =>
        new(await FakeOpenAIServer.StartAsync(dimensions).ConfigureAwait(false));

    /// <summary>Options pointed at the server, with the planted key and no real waiting.</summary>
    public OpenAIEmbeddingGeneratorOptions Options(Action<OpenAIEmbeddingGeneratorOptions>? configure = null)
    {
        var options = new OpenAIEmbeddingGeneratorOptions
        {
            ApiKey = ApiKey,
            Model = Model,
            Endpoint = Server.Endpoint,
            RetryBaseDelay = TimeSpan.FromMilliseconds(1),
            MaxRetryDelay = TimeSpan.FromMilliseconds(10),
        };
        configure?.Invoke(options);
        return options;
    }

    public OpenAIEmbeddingGenerator CreateGenerator(Action<OpenAIEmbeddingGeneratorOptions>? configure = null, TimeProvider? timeProvider = null) =>
        new(Options(configure), _http, Delay.WaitAsync, timeProvider ?? TimeProvider.System);

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Server.DisposeAsync().ConfigureAwait(false);
    }
}
