using EmbedClassify.Onnx;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EmbedClassify.Onnx.Tests.DependencyInjection;

public class ArcticXsEmbeddingGeneratorServiceCollectionExtensionsTests
{
    private static IConfigurationSection Section(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>($"Embeddings:{s.Key}", s.Value)))
            .Build()
            .GetSection("Embeddings");

    [Test]
    public async Task AddArcticXsEmbeddingGenerator_RegistersArctic_WithBoundSettings()
    {
        var services = new ServiceCollection();
        services.AddArcticXsEmbeddingGenerator(Section(("Precision", "Int8"), ("MaxSequenceLength", "512")));
        await using ServiceProvider provider = services.BuildServiceProvider();

        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        GeneratedEmbeddings<Embedding<float>> embedded = await generator.GenerateAsync([LongTexts.WithEnding("the end")]);

        Assert.Multiple(() =>
        {
            Assert.That(generator.GetService<OnnxEmbeddingGenerator>(), Is.Not.Null);
            Assert.That(generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId, Is.EqualTo("snowflake-arctic-embed-xs-512tokens-int8"), "the bound window and precision are part of the id");
            Assert.That(embedded.Usage!.InputTokenCount, Is.GreaterThan(256), "MaxSequenceLength was not bound");
        });
    }

    [Test]
    public void AddArcticXsEmbeddingGenerator_RejectsBadValues_UnknownKeys_AndAModelDirectory()
    {
        Assert.Multiple(() =>
        {
            Assert.That(
                () => new ServiceCollection().AddArcticXsEmbeddingGenerator(Section(("MaxSequenceLength", "513"))),
                Throws.InvalidOperationException.With.Message.Contains("Embeddings"));
            Assert.That(
                () => new ServiceCollection().AddArcticXsEmbeddingGenerator(Section(("MaxBatchSise", "4"))),
                Throws.InvalidOperationException.With.Message.Contains("Embeddings:MaxBatchSise"));
            Assert.That(
                () => new ServiceCollection().AddArcticXsEmbeddingGenerator(Section(("ModelDirectory", "/tmp/model"))),
                Throws.InvalidOperationException.With.Message.Contains("Embeddings:ModelDirectory"));
            Assert.That(
                () => ArcticXsEmbeddingGeneratorServiceCollectionExtensions.AddArcticXsEmbeddingGenerator(null!),
                Throws.ArgumentNullException.With.Property("ParamName").EqualTo("services"));
        });
    }
}
