using EmbedClassify.OpenAI;
using Microsoft.Extensions.AI;

namespace EmbedClassify.Sqlite.Tests.KillChild;

/// <summary>The texts, vectors, provider and cache settings the child and the test's rerun share.</summary>
public static class KillChildWorkload
{
    public const string ModelIdentity = "kill-test-model";
    public const int Dimensions = 16;

    /// <summary>A model name the fake OpenAI server answers with vectors of the requested dimensions.</summary>
    public const string Model = "fake-embedding-model";

    /// <summary>The fake server accepts any key; the OpenAI endpoint check needs one.</summary>
    public const string ApiKey = "sk-kill-test-dummy";

    /// <summary>
    /// Gets the options every call passes, so the child, the rerun and any probe compute the same cache keys whatever
    /// generator they sit in front of.
    /// </summary>
    public static EmbeddingGenerationOptions GenerationOptions => new() { Dimensions = Dimensions };

    public static string[] Texts(int count) => [.. Enumerable.Range(0, count).Select(i => $"kill test text {i}")];

    public static CachingEmbeddingGeneratorOptions Options(int batchSize) =>
        new() { BatchSize = batchSize, MaxConcurrency = 2, ModelIdentity = ModelIdentity };

    public static OpenAIEmbeddingGeneratorOptions OpenAIOptions(Uri endpoint) =>
        new() { ApiKey = ApiKey, Model = Model, Dimensions = Dimensions, Endpoint = endpoint };

    /// <summary>An HTTP client for a server on 127.0.0.1: a proxy from the environment must not get in between.</summary>
    public static HttpClient CreateHttpClient() =>
        new(new SocketsHttpHandler { UseProxy = false }) { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>A deterministic vector for a text, the same in every process.</summary>
    public static float[] VectorFor(string text)
    {
        // FNV-1a: stable across runs and processes, unlike string.GetHashCode.
        uint hash = 2166136261;
        foreach (char ch in text)
        {
            hash = (hash ^ ch) * 16777619;
        }

        var random = new Random((int)hash);
        return [.. Enumerable.Range(0, Dimensions).Select(_ => (float)random.NextDouble())];
    }
}
