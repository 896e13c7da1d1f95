// Calls into every EmbedClassify package, as a user who installed them from NuGet would.
// Exits 0 and prints one line per package, or throws.
using EmbedClassify;
using EmbedClassify.Onnx;
using EmbedClassify.OpenAI;
using EmbedClassify.Sqlite;
using Microsoft.Extensions.AI;

LabeledEmbedding[] examples =
[
    new("a", new float[] { 1f, 0.1f, 0f }),
    new("a", new float[] { 0.9f, 0f, 0.1f }),
    new("b", new float[] { 0f, 1f, 0.1f }),
    new("b", new float[] { 0.1f, 0.9f, 0f }),
];
float[] query = [0.05f, 1f, 0f];

// EmbedClassify: fit and predict in embedding space.
EmbeddingClassifier classifier = EmbeddingClassifier.Fit(examples);
Prediction prediction = classifier.Predict(query);
Check(prediction.Label == "b", $"EmbeddingClassifier predicted '{prediction.Label}', expected 'b'");
Console.WriteLine($"EmbedClassify: EmbeddingClassifier predicts {prediction.Label} ({prediction.Score:F2})");

// EmbedClassify.Onnx: the default model is loaded from the resources of a package, so this proves they ship.
using (OnnxEmbeddingGenerator embedder = OnnxEmbeddingGenerator.CreateDefault())
{
    GeneratedEmbeddings<Embedding<float>> embeddings = await embedder.GenerateAsync(["Do you ship to Canada?", "My order arrived broken."]);
    Check(embeddings.Count == 2 && embeddings[0].Vector.Length == 384, $"expected 2 embeddings of 384 dimensions, got {embeddings.Count}");
    Console.WriteLine($"EmbedClassify.Onnx: embedded {embeddings.Count} texts, {embeddings[0].Vector.Length} dimensions");
}

// The int8 graph ships in EmbedClassify.Onnx.MiniLM beside the float32 one, under its own model id.
using (OnnxEmbeddingGenerator embedder = OnnxEmbeddingGenerator.CreateDefault(new OnnxEmbeddingGeneratorOptions { Precision = OnnxModelPrecision.Int8 }))
{
    GeneratedEmbeddings<Embedding<float>> embeddings = await embedder.GenerateAsync(["Do you ship to Canada?"]);
    Check(embeddings[0].Vector.Length == 384 && embeddings[0].ModelId == "all-MiniLM-L6-v2-int8", $"int8: got {embeddings[0].Vector.Length} dimensions from '{embeddings[0].ModelId}'");
    Console.WriteLine($"EmbedClassify.Onnx: int8 model '{embeddings[0].ModelId}', {embeddings[0].Vector.Length} dimensions");
}

// EmbedClassify.FineTuning: a short run (one pair iteration, 3 steps) on the packaged model, the one classifier on the
// tuned model, saved with the model beside it and loaded back.
{
    LabeledExample[] topics =
    [
        new("The invoice is attached, payment due in thirty days.", "billing"), new("Your card was charged twice.", "billing"),
        new("A refund was issued today.", "billing"), new("The striker scored twice.", "sport"),
        new("The home team won the final.", "sport"), new("She set a marathon record.", "sport"),
    ];
    using var tuned = await EmbedClassify.FineTuning.FineTunedClassifier.CreateAsync(
        topics, new EmbedClassify.FineTuning.FineTuningOptions { PairIterations = 1, BatchSize = 4, MaxSequenceLength = 32 });
    string tunedPath = Path.Combine(Path.GetTempPath(), $"embedclassify-consumer-{Guid.NewGuid():N}.ecm");
    try
    {
        await tuned.SaveAsync(tunedPath);
        using var loaded = await EmbedClassify.FineTuning.FineTunedClassifier.LoadAsync(tunedPath);
        Prediction before = await tuned.Classifier.PredictAsync("The goalkeeper saved a penalty.");
        Prediction after = await loaded.Classifier.PredictAsync("The goalkeeper saved a penalty.");
        Check(before.Label == after.Label && before.Score == after.Score, $"FineTuning: saved and loaded predictions differ ({before.Label} vs {after.Label})");
        Check(tuned.Model.ModelId.StartsWith("all-MiniLM-L6-v2-tuned-", StringComparison.Ordinal), $"FineTuning: model id '{tuned.Model.ModelId}'");
        Console.WriteLine($"EmbedClassify.FineTuning: {tuned.Model.Summary.Steps} steps, model '{tuned.Model.ModelId}', predicts {after.Label} after save and load");
    }
    finally
    {
        File.Delete(tunedPath);
        if (Directory.Exists(tunedPath + ".tuned"))
        {
            Directory.Delete(tunedPath + ".tuned", recursive: true);
        }
    }
}

// EmbedClassify.OpenAI: options only; nothing is sent.
var openAIOptions = new OpenAIEmbeddingGeneratorOptions { Model = "text-embedding-3-small" };
Console.WriteLine($"EmbedClassify.OpenAI: options for {openAIOptions.Model}");

// EmbedClassify.Sqlite: a store in a temporary file, one entry written and read back.
string databasePath = Path.Combine(Path.GetTempPath(), $"embedclassify-consumer-{Guid.NewGuid():N}.db");
try
{
    using (var store = new SqliteEmbeddingCacheStore(databasePath))
    {
        await store.SetManyAsync([new KeyValuePair<string, byte[]>("key", [1, 2, 3])]);
        IReadOnlyList<byte[]?> read = await store.GetManyAsync(["key", "missing"]);
        Check(read[0] is [1, 2, 3] && read[1] is null, "the SQLite store did not return what was written");
    }

    Console.WriteLine("EmbedClassify.Sqlite: stored and read back one entry");
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    foreach (string suffix in new[] { "", "-wal", "-shm" })
    {
        File.Delete(databasePath + suffix);
    }
}

static void Check(bool condition, string message)
{
    if (!condition)
    {
        throw new InvalidOperationException(message);
    }
}
