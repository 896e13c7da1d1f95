using EmbedClassify.OpenAI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EmbedClassify.OpenAI.Tests.DependencyInjection;

public class OpenAIEmbeddingGeneratorServiceCollectionExtensionsTests
{
    private const string SecretKey = "sk-test-DI-0123456789-secret";

    private static IConfigurationSection Section(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>($"OpenAI:{s.Key}", s.Value)))
            .Build()
            .GetSection("OpenAI");

    [Test]
    public async Task AddOpenAIEmbeddingGenerator_RegistersTheProvider_WithBoundSettings()
    {
        var services = new ServiceCollection();
        services.AddOpenAIEmbeddingGenerator(Section(
            ("Model", "text-embedding-3-large"), ("Dimensions", "256"), ("Endpoint", "http://127.0.0.1:9/v1"), ("ApiKey", SecretKey)));
        await using ServiceProvider provider = services.BuildServiceProvider();

        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        EmbeddingGeneratorMetadata? metadata = generator.GetService<EmbeddingGeneratorMetadata>();

        Assert.Multiple(() =>
        {
            Assert.That(generator.GetService<OpenAIEmbeddingGenerator>(), Is.Not.Null);
            Assert.That(metadata?.DefaultModelId, Is.EqualTo("text-embedding-3-large"));
            Assert.That(metadata?.DefaultModelDimensions, Is.EqualTo(256));
            Assert.That(metadata?.ProviderUri?.ToString(), Does.StartWith("http://127.0.0.1:9/v1").And.Not.Contain(SecretKey));
        });
    }

    [Test]
    public void AddOpenAIEmbeddingGenerator_RejectsBadValuesAndUnknownKeys_WithoutQuotingTheKey()
    {
        Assert.Multiple(() =>
        {
            Assert.That(
                () => new ServiceCollection().AddOpenAIEmbeddingGenerator(Section(("MaxConcurrency", "0"), ("ApiKey", SecretKey))),
                Throws.InvalidOperationException.With.Message.Contains("OpenAI").And.Message.Not.Contains(SecretKey));
            Assert.That(
                () => new ServiceCollection().AddOpenAIEmbeddingGenerator(Section(("Modle", "x"), ("ApiKey", SecretKey))),
                Throws.InvalidOperationException.With.Message.Contains("Modle").And.Message.Not.Contains(SecretKey));
            Assert.That(
                () => OpenAIEmbeddingGeneratorServiceCollectionExtensions.AddOpenAIEmbeddingGenerator(null!),
                Throws.ArgumentNullException.With.Property("ParamName").EqualTo("services"));
        });
    }
}
