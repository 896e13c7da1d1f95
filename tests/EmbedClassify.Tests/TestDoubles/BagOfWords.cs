namespace EmbedClassify.Tests.TestDoubles;

/// <summary>
/// A deterministic stand-in for an embedding model: each lower-cased word adds one to a hashed dimension, so texts that
/// share words point the same way. Good enough to drive classifiers end to end without a real model.
/// </summary>
public static class BagOfWords
{
    public const int Dimensions = 64;

    public static float[] Embed(string text)
    {
        var vector = new float[Dimensions];
        foreach (string word in text.ToUpperInvariant().Split([' ', ',', '.', '!', '?'], StringSplitOptions.RemoveEmptyEntries))
        {
            // FNV-1a: stable across runs and processes, unlike string.GetHashCode.
            uint hash = 2166136261;
            foreach (char ch in word)
            {
                hash = (hash ^ ch) * 16777619;
            }

            vector[hash % Dimensions] += 1;
        }

        return vector;
    }

    public static FakeEmbeddingGenerator Generator() => new(Embed);
}
