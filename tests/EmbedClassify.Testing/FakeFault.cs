namespace EmbedClassify.Testing;

/// <summary>What the <see cref="FakeOpenAIServer"/> does instead of answering a request normally.</summary>
public sealed class FakeFault
{
    private FakeFault(FakeFaultKind kind) => Kind = kind;

    public FakeFaultKind Kind { get; }

    /// <summary>Gets the HTTP status for <see cref="FakeFaultKind.Status"/>.</summary>
    public int StatusCode { get; private init; }

    /// <summary>Gets the headers sent with <see cref="FakeFaultKind.Status"/>.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; private init; } = new Dictionary<string, string>();

    /// <summary>Gets how long <see cref="FakeFaultKind.Slow"/> waits before answering normally.</summary>
    public TimeSpan Delay { get; private init; }

    /// <summary>Gets the vector length <see cref="FakeFaultKind.WrongLength"/> answers with.</summary>
    public int Length { get; private init; }

    /// <summary>An error status, e.g. 429, 500 or 503, with optional headers such as <c>Retry-After</c>.</summary>
    public static FakeFault Status(int statusCode, params (string Name, string Value)[] headers) =>
        new(FakeFaultKind.Status) { StatusCode = statusCode, Headers = headers.ToDictionary(h => h.Name, h => h.Value) };

    /// <summary>429 with <c>Retry-After: {seconds}</c>.</summary>
    public static FakeFault TooManyRequests(string? retryAfter = null) =>
        retryAfter is null ? Status(429) : Status(429, ("Retry-After", retryAfter));

    /// <summary>401 quoting the bearer token back, as OpenAI does (it masks part of it; this does not).</summary>
    public static FakeFault Unauthorized { get; } = new(FakeFaultKind.Unauthorized);

    /// <summary>200 with a body that is cut off mid-JSON.</summary>
    public static FakeFault MalformedJson { get; } = new(FakeFaultKind.MalformedJson);

    /// <summary>The connection is aborted before any response is sent.</summary>
    public static FakeFault DropConnection { get; } = new(FakeFaultKind.DropConnection);

    /// <summary>A normal answer after <paramref name="delay"/> (or until the client gives up).</summary>
    public static FakeFault Slow(TimeSpan delay) => new(FakeFaultKind.Slow) { Delay = delay };

    /// <summary>A normal answer whose vectors have <paramref name="length"/> components.</summary>
    public static FakeFault WrongLength(int length) => new(FakeFaultKind.WrongLength) { Length = length };
}
