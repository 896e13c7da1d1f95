using EmbedClassify.FineTuning.Tests.Tuning;
using EmbedClassify.Onnx;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace EmbedClassify.FineTuning.Tests.DependencyInjection;

public sealed class FineTunedEmbeddingGeneratorServiceCollectionExtensionsTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("embedclassify-di-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public async Task AddFineTunedEmbeddingGenerator_ResolvesTheSavedModel_UnderItsOwnId()
    {
        FineTunedModel model = FineTunedModelTests.Perturbed(0.2f);
        await model.SaveAsync(_folder);
        var services = new ServiceCollection();
        services.AddFineTunedEmbeddingGenerator(_folder, new OnnxEmbeddingGeneratorOptions { Precision = OnnxModelPrecision.Int8 });

        await using ServiceProvider provider = services.BuildServiceProvider();
        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        Assert.That(generator.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId, Is.EqualTo(model.ModelId + "-int8"));
        Assert.That((await generator.GenerateAsync(["resolved"]))[0].Vector.Length, Is.EqualTo(384));
    }

    [Test]
    public void AddFineTunedEmbeddingGenerator_BadArguments_FailAtRegistration()
    {
        var services = new ServiceCollection();

        Assert.Throws<DirectoryNotFoundException>(() => services.AddFineTunedEmbeddingGenerator(Path.Combine(_folder, "missing")));
        Assert.That(Assert.Throws<ArgumentException>(() => services.AddFineTunedEmbeddingGenerator(" "))!.ParamName, Is.EqualTo("modelDirectory"));
        Assert.That(Assert.Throws<ArgumentException>(() => services.AddFineTunedEmbeddingGenerator(_folder, new OnnxEmbeddingGeneratorOptions { ModelId = "x" }))!.ParamName, Is.EqualTo("options"));
        Assert.Throws<ArgumentNullException>(() => ((IServiceCollection)null!).AddFineTunedEmbeddingGenerator(_folder));
    }

    [Test]
    public async Task Load_IsLoadAsync_Synchronously()
    {
        FineTunedModel model = FineTunedModelTests.Perturbed(0.2f);
        await model.SaveAsync(_folder);

        FineTunedModel loaded = FineTunedModel.Load(_folder);

        Assert.That(loaded.Fingerprint, Is.EqualTo(model.Fingerprint));
        Assert.That(loaded.Summary, Is.EqualTo(model.Summary));
    }
}
