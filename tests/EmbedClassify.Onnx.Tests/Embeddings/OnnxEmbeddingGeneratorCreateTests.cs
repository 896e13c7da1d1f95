using Microsoft.Extensions.AI;

namespace EmbedClassify.Onnx.Tests;

public class OnnxEmbeddingGeneratorCreateTests
{
    private string _directory = null!;

    [OneTimeSetUp]
    public void ExtractModel() => _directory = ModelResources.ExtractToTemporaryDirectory();

    [OneTimeTearDown]
    public void DeleteModel() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task FromDirectory_ProducesSameVectorsAsCreateDefault()
    {
        using OnnxEmbeddingGenerator fromDirectory = OnnxEmbeddingGenerator.FromDirectory(_directory);
        using OnnxEmbeddingGenerator builtIn = OnnxEmbeddingGenerator.CreateDefault();
        string[] texts = ["hello world", "naïve café", "$5 off\ntoday"];

        GeneratedEmbeddings<Embedding<float>> a = await fromDirectory.GenerateAsync(texts);
        GeneratedEmbeddings<Embedding<float>> b = await builtIn.GenerateAsync(texts);

        for (int i = 0; i < texts.Length; i++)
        {
            Assert.That(a[i].Vector.ToArray(), Is.EqualTo(b[i].Vector.ToArray()).Within(1e-6f));
        }
    }

    [Test]
    public void FromDirectory_ReportsFolderNameAndDimensions_InMetadata()
    {
        using OnnxEmbeddingGenerator generator = OnnxEmbeddingGenerator.FromDirectory(_directory + Path.DirectorySeparatorChar);

        var metadata = generator.GetService<EmbeddingGeneratorMetadata>()!;

        Assert.Multiple(() =>
        {
            Assert.That(metadata.DefaultModelId, Is.EqualTo(Path.GetFileName(_directory)));
            Assert.That(metadata.DefaultModelDimensions, Is.EqualTo(384));
            Assert.That(metadata.ProviderUri, Is.EqualTo(new Uri(_directory)));
        });
    }

    [Test]
    public void FromDirectory_UsesModelIdFromOptions()
    {
        using OnnxEmbeddingGenerator generator = OnnxEmbeddingGenerator.FromDirectory(_directory, new() { ModelId = "custom" });

        Assert.That(generator.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId, Is.EqualTo("custom"));
    }

    [Test]
    public void FromDirectory_ThrowsDirectoryNotFound_NamingThePath()
    {
        string missing = Path.Combine(_directory, "does-not-exist");

        var ex = Assert.Throws<DirectoryNotFoundException>(() => OnnxEmbeddingGenerator.FromDirectory(missing));

        Assert.That(ex.Message, Does.Contain(missing));
    }

    [TestCase("model.onnx")]
    [TestCase("vocab.txt")]
    public void FromDirectory_ThrowsFileNotFound_NamingTheMissingFile(string fileName)
    {
        string partial = Path.Combine(_directory, "partial-" + fileName);
        Directory.CreateDirectory(partial);
        foreach (string present in new[] { "model.onnx", "vocab.txt" }.Where(f => f != fileName))
        {
            File.Copy(Path.Combine(_directory, present), Path.Combine(partial, present));
        }

        var ex = Assert.Throws<FileNotFoundException>(() => OnnxEmbeddingGenerator.FromDirectory(partial));

        Assert.Multiple(() =>
        {
            Assert.That(ex.FileName, Is.EqualTo(Path.Combine(partial, fileName)));
            Assert.That(ex.Message, Does.Contain(Path.Combine(partial, fileName)));
        });
    }

    [Test]
    public void FromDirectory_ThrowsArgumentNull_WhenPathIsNull()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => OnnxEmbeddingGenerator.FromDirectory(null!));

        Assert.That(ex.ParamName, Is.EqualTo("modelDirectory"));
    }

    [TestCase("")]
    [TestCase("   ")]
    public void FromDirectory_ThrowsArgument_WhenPathIsBlank(string path)
    {
        var ex = Assert.Throws<ArgumentException>(() => OnnxEmbeddingGenerator.FromDirectory(path));

        Assert.That(ex.ParamName, Is.EqualTo("modelDirectory"));
    }

    [Test]
    public async Task CreateDefault_CopiesOptions_SoLaterChangesHaveNoEffect()
    {
        var options = new OnnxEmbeddingGeneratorOptions { MaxSequenceLength = 8 };
        using OnnxEmbeddingGenerator generator = OnnxEmbeddingGenerator.CreateDefault(options);
        options.MaxSequenceLength = 256;

        GeneratedEmbeddings<Embedding<float>> result =
            await generator.GenerateAsync([string.Join(' ', Enumerable.Repeat("word", 100))]);

        Assert.That(result.Usage?.InputTokenCount, Is.EqualTo(8));
    }
}
