using EmbedClassify.Onnx;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EmbedClassify.Onnx.Tests.DependencyInjection;

public class OnnxEmbeddingGeneratorServiceCollectionExtensionsTests
{
    private static IConfigurationSection Section(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>($"Embeddings:{s.Key}", s.Value)))
            .Build()
            .GetSection("Embeddings");

    [Test]
    public async Task AddOnnxEmbeddingGenerator_RegistersTheLocalModel_WithBoundSettings()
    {
        var services = new ServiceCollection();
        services.AddOnnxEmbeddingGenerator(Section(("MaxBatchSize", "4"), ("ModelId", "minilm-test")));
        await using ServiceProvider provider = services.BuildServiceProvider();

        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        GeneratedEmbeddings<Embedding<float>> embedded = await generator.GenerateAsync(["hello world"]);

        Assert.Multiple(() =>
        {
            Assert.That(generator.GetService<OnnxEmbeddingGenerator>(), Is.Not.Null);
            Assert.That(generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId, Is.EqualTo("minilm-test"));
            Assert.That(embedded[0].Vector.Length, Is.EqualTo(384));
        });
    }

    [Test]
    public void AddOnnxEmbeddingGenerator_RejectsBadValuesAndUnknownKeys_AtRegistration()
    {
        Assert.Multiple(() =>
        {
            Assert.That(
                () => new ServiceCollection().AddOnnxEmbeddingGenerator(Section(("MaxBatchSize", "0"))),
                Throws.InvalidOperationException.With.Message.Contains("Embeddings"));
            Assert.That(
                () => new ServiceCollection().AddOnnxEmbeddingGenerator(Section(("MaxBatchSise", "4"))),
                Throws.InvalidOperationException.With.Message.Contains("Embeddings:MaxBatchSise"));
            Assert.That(
                () => OnnxEmbeddingGeneratorServiceCollectionExtensions.AddOnnxEmbeddingGenerator(null!),
                Throws.ArgumentNullException.With.Property("ParamName").EqualTo("services"));
        });
    }

    [Test]
    public async Task AddOnnxEmbeddingGenerator_BindsPrecision_AndRejectsAnUnknownOne()
    {
        var services = new ServiceCollection();
        services.AddOnnxEmbeddingGenerator(Section(("Precision", "Int8")));
        await using ServiceProvider provider = services.BuildServiceProvider();

        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        Assert.Multiple(() =>
        {
            Assert.That(generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId, Is.EqualTo("all-MiniLM-L6-v2-int8"));
            Assert.That(
                () => new ServiceCollection().AddOnnxEmbeddingGenerator(Section(("Precision", "Int4"))),
                Throws.InvalidOperationException.With.Message.Contains("Embeddings"));
        });
    }

    [Test]
    public async Task AddOnnxEmbeddingGenerator_LoadsFromModelDirectory_WhenGiven()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"no-model-{Guid.NewGuid():N}");
        var services = new ServiceCollection();
        services.AddOnnxEmbeddingGenerator(Section(("ModelDirectory", missing)));
        await using ServiceProvider provider = services.BuildServiceProvider();

        // The folder does not exist: resolving proves the setting reached FromDirectory.
        Assert.That(
            () => provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(),
            Throws.InstanceOf<DirectoryNotFoundException>().With.Message.Contains(missing));
    }
}
