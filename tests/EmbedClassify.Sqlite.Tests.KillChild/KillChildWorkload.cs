namespace EmbedClassify.Sqlite.Tests.KillChild;

/// <summary>The texts, vectors and cache settings the child and the test's rerun share.</summary>
public static class KillChildWorkload
{
    public const string ModelIdentity = "kill-test-model";
    public const int Dimensions = 16;

    public static string[] Texts(int count) => [.. Enumerable.Range(0, count).Select(i => $"kill test text {i}")];

    public static CachingEmbeddingGeneratorOptions Options(int batchSize) =>
        new() { BatchSize = batchSize, MaxConcurrency = 2, ModelIdentity = ModelIdentity };

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
