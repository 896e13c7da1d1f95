using EmbedClassify.OpenAI;
using Microsoft.Extensions.AI;

namespace EmbedClassify.Redis.Tests.Child;

/// <summary>The provider and cache settings the children and the tests share, so they all compute the same cache keys.</summary>
public static class ChildWorkload
{
    public const string ModelIdentity = "single-flight-test-model";
    public const int Dimensions = 16;

    /// <summary>A model name the fake OpenAI server answers with vectors of the requested dimensions.</summary>
    public const string Model = "fake-embedding-model";

    /// <summary>The fake server accepts any key; the OpenAI endpoint check needs one.</summary>
    public const string ApiKey = "sk-single-flight-test-dummy";

    public static EmbeddingGenerationOptions GenerationOptions => new() { Dimensions = Dimensions };

    public static CachingEmbeddingGeneratorOptions CacheOptions(int batchSize, int maxConcurrency) =>
        new() { BatchSize = batchSize, MaxConcurrency = maxConcurrency, ModelIdentity = ModelIdentity };

    public static OpenAIEmbeddingGeneratorOptions OpenAIOptions(Uri endpoint) =>
        new() { ApiKey = ApiKey, Model = Model, Dimensions = Dimensions, Endpoint = endpoint };

    /// <summary>An HTTP client for a server on 127.0.0.1: a proxy from the environment must not get in between.</summary>
    public static HttpClient CreateHttpClient() =>
        new(new SocketsHttpHandler { UseProxy = false }) { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>
    /// Gets the texts of each of <paramref name="processes"/> workers: <paramref name="perProcess"/> each, the first
    /// <paramref name="shared"/> of them common to all workers and the rest their own.
    /// </summary>
    public static string[][] Texts(int processes, int perProcess, int shared) =>
    [
        .. Enumerable.Range(0, processes).Select(p =>
            Enumerable.Range(0, shared).Select(i => $"shared text {i}")
                .Concat(Enumerable.Range(0, perProcess - shared).Select(i => $"text {i} of worker {p}"))
                .ToArray()),
    ];
}
