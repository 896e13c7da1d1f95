using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EmbedClassify.Testing;

/// <summary>
/// A real HTTP server on 127.0.0.1 that speaks the OpenAI embeddings wire format (<c>POST {Endpoint}/embeddings</c>),
/// answers with vectors derived deterministically from each text, records every request, and injects faults chosen
/// per request by <see cref="Faults"/>.
/// </summary>
/// <remarks>
/// Answers use float arrays, or base64 little-endian float32 when the request asks for <c>encoding_format: base64</c>,
/// as the real API does. <c>usage.prompt_tokens</c> is the summed character count of the inputs.
/// </remarks>
public sealed class FakeOpenAIServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<RecordedRequest> _requests = [];
    private readonly Lock _gate = new();
    private int _inFlight;
    private int _maxInFlight;

    private FakeOpenAIServer(WebApplication app, int dimensions)
    {
        _app = app;
        Dimensions = dimensions;
    }

    /// <summary>Gets the base URL to give the client, <c>http://127.0.0.1:{port}/v1</c>.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>
    /// Gets the vector length answered when a request sends no <c>dimensions</c>, for models other than the OpenAI ones,
    /// which get their native lengths (1536 for text-embedding-3-small and ada-002, 3072 for text-embedding-3-large).
    /// </summary>
    public int Dimensions { get; }

    /// <summary>
    /// Gets or sets the callback that picks a fault for each request (already recorded), or returns
    /// <see langword="null"/> to answer normally. Called concurrently.
    /// </summary>
    public Func<RecordedRequest, FakeFault?>? Faults { get; set; }

    /// <summary>Gets or sets how long every normal answer waits first, so that concurrent requests overlap.</summary>
    public TimeSpan ResponseDelay { get; set; }

    /// <summary>Gets every request received, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Gets the most requests that were being handled at the same moment.</summary>
    public int MaxConcurrentRequests => Volatile.Read(ref _maxInFlight);

    /// <summary>Starts a server on a free port of 127.0.0.1.</summary>
    public static async Task<FakeOpenAIServer> StartAsync(int dimensions = 16)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        WebApplication app = builder.Build();
        var server = new FakeOpenAIServer(app, dimensions);
        app.Run(server.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);

        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Endpoint = new Uri(address.TrimEnd('/') + "/v1");
        return server;
    }

    /// <summary>Gets the unit vector the server answers for <paramref name="text"/>: seeded by a SHA-256 of the text.</summary>
    public static float[] VectorFor(string text, int dimensions)
    {
        int seed = BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0);
        var random = new Random(seed);
        var vector = new float[dimensions];
        double norm = 0;
        for (int i = 0; i < dimensions; i++)
        {
            vector[i] = (float)((random.NextDouble() * 2) - 1);
            norm += vector[i] * vector[i];
        }

        float scale = (float)(1 / Math.Sqrt(norm));
        for (int i = 0; i < dimensions; i++)
        {
            vector[i] *= scale;
        }

        return vector;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        int inFlight = Interlocked.Increment(ref _inFlight);
        InterlockedMax(ref _maxInFlight, inFlight);
        try
        {
            await HandleCoreAsync(context).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task HandleCoreAsync(HttpContext context)
    {
        CancellationToken aborted = context.RequestAborted;
        if (!HttpMethods.IsPost(context.Request.Method) || !context.Request.Path.Value!.EndsWith("/embeddings", StringComparison.Ordinal))
        {
            context.Response.StatusCode = 404;
            return;
        }

        using JsonDocument body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: aborted).ConfigureAwait(false);
        JsonElement root = body.RootElement;
        JsonElement input = root.GetProperty("input");
        string[] inputs = input.ValueKind == JsonValueKind.String
            ? [input.GetString()!]
            : [.. input.EnumerateArray().Select(e => e.GetString()!)];
        int? dimensions = root.TryGetProperty("dimensions", out JsonElement d) ? d.GetInt32() : null;
        string? encoding = root.TryGetProperty("encoding_format", out JsonElement e) ? e.GetString() : null;

        RecordedRequest request;
        lock (_gate)
        {
            request = new RecordedRequest(
                _requests.Count + 1,
                context.Request.Path.Value!,
                inputs,
                root.GetProperty("model").GetString()!,
                dimensions,
                encoding,
                context.Request.Headers.Authorization.ToString());
            _requests.Add(request);
        }

        FakeFault? fault = Faults?.Invoke(request);
        int length = dimensions ?? request.Model switch
        {
            "text-embedding-3-small" or "text-embedding-ada-002" => 1536,
            "text-embedding-3-large" => 3072,
            _ => Dimensions,
        };
        switch (fault?.Kind)
        {
            case FakeFaultKind.Status:
                context.Response.StatusCode = fault.StatusCode;
                foreach ((string name, string value) in fault.Headers)
                {
                    context.Response.Headers[name] = value;
                }

                await WriteErrorAsync(context, $"Injected status {fault.StatusCode}.", "server_error").ConfigureAwait(false);
                return;
            case FakeFaultKind.Unauthorized:
                context.Response.StatusCode = 401;
                string key = request.Authorization?.Replace("Bearer ", string.Empty, StringComparison.Ordinal) ?? string.Empty;
                await WriteErrorAsync(context, $"Incorrect API key provided: {key}.", "invalid_api_key").ConfigureAwait(false);
                return;
            case FakeFaultKind.MalformedJson:
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.1,", aborted).ConfigureAwait(false);
                return;
            case FakeFaultKind.DropConnection:
                context.Abort();
                return;
            case FakeFaultKind.Slow:
                await Task.Delay(fault.Delay, aborted).ConfigureAwait(false);
                break;
            case FakeFaultKind.WrongLength:
                length = fault.Length;
                break;
        }

        if (ResponseDelay > TimeSpan.Zero)
        {
            await Task.Delay(ResponseDelay, aborted).ConfigureAwait(false);
        }

        await WriteEmbeddingsAsync(context, request, length, aborted).ConfigureAwait(false);
    }

    private static async Task WriteEmbeddingsAsync(HttpContext context, RecordedRequest request, int length, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("object", "list");
            json.WriteStartArray("data");
            for (int i = 0; i < request.Inputs.Count; i++)
            {
                float[] vector = VectorFor(request.Inputs[i], length);
                json.WriteStartObject();
                json.WriteString("object", "embedding");
                json.WriteNumber("index", i);
                if (request.EncodingFormat == "base64")
                {
                    byte[] bytes = new byte[vector.Length * sizeof(float)];
                    Buffer.BlockCopy(vector, 0, bytes, 0, bytes.Length);
                    json.WriteString("embedding", Convert.ToBase64String(bytes));
                }
                else
                {
                    json.WriteStartArray("embedding");
                    foreach (float x in vector)
                    {
                        json.WriteNumberValue(x);
                    }

                    json.WriteEndArray();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteString("model", request.Model);
            int tokens = request.Inputs.Sum(t => t.Length);
            json.WriteStartObject("usage");
            json.WriteNumber("prompt_tokens", tokens);
            json.WriteNumber("total_tokens", tokens);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.Length;
        await context.Response.Body.WriteAsync(buffer.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    private static Task WriteErrorAsync(HttpContext context, string message, string code)
    {
        context.Response.ContentType = "application/json";
        string body = JsonSerializer.Serialize(new { error = new { message, type = "invalid_request_error", code } });
        return context.Response.WriteAsync(body);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current = Volatile.Read(ref target);
        while (value > current)
        {
            int seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>Formats a moment as an HTTP-date, for <c>Retry-After</c>.</summary>
    public static string HttpDate(DateTimeOffset moment) => moment.ToUniversalTime().ToString("r", CultureInfo.InvariantCulture);
}
