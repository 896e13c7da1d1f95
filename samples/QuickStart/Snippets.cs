using EmbedClassify;
using EmbedClassify.OpenAI;
using EmbedClassify.Sqlite;
using Microsoft.Extensions.AI;

/// <summary>
/// The README's other code samples, compiled (not run) so that they cannot drift from the API.
/// </summary>
internal static class Snippets
{
    public static async Task SaveAndLoad(FewShotClassifier classifier, IEmbeddingGenerator<string, Embedding<float>> embedder)
    {
        await classifier.SaveAsync("support-tickets.ecm");                    // no training text unless includeTexts: true
        var loaded = await FewShotClassifier.LoadAsync(embedder, "support-tickets.ecm");
        _ = loaded;
    }

    public static void OpenAIBehindACache()
    {
        using var store = new SqliteEmbeddingCacheStore("embeddings.db");
        using var embedder = new CachingEmbeddingGenerator(
            new OpenAIEmbeddingGenerator(new OpenAIEmbeddingGeneratorOptions { Model = "text-embedding-3-small" }), store);
    }
}
