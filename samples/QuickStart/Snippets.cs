using EmbedClassify;
using EmbedClassify.OpenAI;
using EmbedClassify.Redis;
using EmbedClassify.Sqlite;
using EmbedClassify.Onnx;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using StackExchange.Redis;

/// <summary>
/// The README's other code samples, compiled (not run) so that they cannot drift from the API.
/// </summary>
internal static class Snippets
{
    public static async Task DependencyInjectionAndTelemetry(string[] args)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);

        // Options from the "EmbedClassify" section of appsettings.json, checked when the host starts.
        builder.Services.AddEmbedClassify(builder.Configuration.GetSection("EmbedClassify"));

        // The provider is your choice; the cache takes its settings from "EmbedClassify:Cache".
        builder.Services.AddSqliteEmbeddingCacheStore("embeddings.db");
        builder.Services.AddEmbeddingGenerator(OnnxEmbeddingGenerator.CreateDefault()).UseEmbeddingCache();

        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource(EmbedClassifyTelemetry.ActivitySourceName))  // "EmbedClassify"
            .WithMetrics(metrics => metrics.AddMeter(EmbedClassifyTelemetry.MeterName));          // "EmbedClassify"

        using IHost host = builder.Build();
        await host.StartAsync(); // throws OptionsValidationException naming each bad setting

        IFewShotClassifierFactory factory = host.Services.GetRequiredService<IFewShotClassifierFactory>();
        FewShotClassifier classifier = await factory.CreateAsync(
        [
            new("My order arrived broken, I want my money back", "complaint"),
            new("Do you ship to Canada?", "question"),
        ]);
        Prediction prediction = await classifier.PredictAsync("Is there a discount for students?");
        _ = prediction;
    }

    public static async Task SaveAndLoad(FewShotClassifier classifier, IEmbeddingGenerator<string, Embedding<float>> embedder)
    {
        await classifier.SaveAsync("support-tickets.ecm");                    // no training text unless includeTexts: true
        var loaded = await FewShotClassifier.LoadAsync(embedder, "support-tickets.ecm");
        _ = loaded;
    }

    public static async Task<IReadOnlyList<Prediction>> RefinedOnABatch(
        IEmbeddingGenerator<string, Embedding<float>> embedder, LabeledExample[] examples, string[] batch)
    {
        var options = new FewShotClassifierOptions();
        options.LabelDescriptions["billing"] = "questions about invoices and payments"; // optional: what a class is
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(embedder, examples, batch, options); // refined on the batch
        return await classifier.PredictBatchAsync(batch); // through a caching generator: no second provider call
    }

    public static async Task<FewShotClassifier> StartingFromLabelNames(
        IEmbeddingGenerator<string, Embedding<float>> embedder, string[] pool, LabeledExample[] labelled)
    {
        // No examples yet: each class starts at its description (or its label, when it reads as words).
        var classifier = await FewShotClassifier.CreateFromDescriptionsAsync(embedder, ["billing", "shipping", "returns"]);
        IReadOnlyList<LabelingSuggestion> next = await classifier.SuggestExamplesToLabelAsync(pool, count: 10);
        // label them (next[i].Text, next[i].Reason, next[i].Label vs next[i].RunnerUp), then:
        classifier = await classifier.AddExamplesAsync(labelled); // a class with examples drops its stand-in description
        _ = next;
        return classifier;
    }

    public static void OpenAIBehindACache()
    {
        using var store = new SqliteEmbeddingCacheStore("embeddings.db");
        using var embedder = new CachingEmbeddingGenerator(
            new OpenAIEmbeddingGenerator(new OpenAIEmbeddingGeneratorOptions { Model = "text-embedding-3-small" }), store);
    }

    public static async Task SharedAcrossProcessesOnRedis(IEmbeddingGenerator<string, Embedding<float>> provider, HostApplicationBuilder builder)
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync("localhost:6379");
        using var embedder = new CachingEmbeddingGenerator(provider, new RedisEmbeddingCacheStore(redis));

        // or, with dependency injection:
        builder.Services.AddRedisEmbeddingCacheStore("localhost:6379");
        builder.Services.AddOnnxEmbeddingGenerator().UseEmbeddingCache();
    }

    public static void ProvidersFromConfiguration(HostApplicationBuilder builder)
    {
        // "Embeddings": { "MaxBatchSize": 32 } for the local model, or "OpenAI": { "Model": "text-embedding-3-small" }
        // (the key stays in OPENAI_API_KEY, not in appsettings.json).
        builder.Services.AddOnnxEmbeddingGenerator(builder.Configuration.GetSection("Embeddings")).UseEmbeddingCache();
    }

    public static void OpenAIFromConfiguration(HostApplicationBuilder builder) =>
        builder.Services.AddOpenAIEmbeddingGenerator(builder.Configuration.GetSection("OpenAI")).UseEmbeddingCache();
}
