using Microsoft.Extensions.AI;

namespace EmbedClassify.Onnx.Tests;

/// <summary>
/// The int8 model is a different model as far as every cache and saved model is concerned: its vectors are close to
/// the float32 ones but not equal, so mixing them would silently shift every similarity.
/// </summary>
public class OnnxEmbeddingGeneratorPrecisionTests
{
    private OnnxEmbeddingGenerator _float32 = null!;
    private OnnxEmbeddingGenerator _int8 = null!;

    [OneTimeSetUp]
    public void CreateGenerators()
    {
        _float32 = OnnxEmbeddingGenerator.CreateDefault();
        _int8 = OnnxEmbeddingGenerator.CreateDefault(new() { Precision = OnnxModelPrecision.Int8 });
    }

    [OneTimeTearDown]
    public void DisposeGenerators()
    {
        _float32.Dispose();
        _int8.Dispose();
    }

    [Test]
    public async Task CreateDefault_Int8_ReportsItsOwnModelId_InMetadataAndOnEachEmbedding()
    {
        GeneratedEmbeddings<Embedding<float>> embedded = await _int8.GenerateAsync(["hello world"]);

        Assert.Multiple(() =>
        {
            Assert.That(_int8.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId, Is.EqualTo("all-MiniLM-L6-v2-int8"));
            Assert.That(_float32.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId, Is.EqualTo(OnnxEmbeddingGenerator.DefaultModelId));
            Assert.That(embedded[0].ModelId, Is.EqualTo("all-MiniLM-L6-v2-int8"));
            Assert.That(embedded[0].Vector.Length, Is.EqualTo(384));
        });
    }

    [Test]
    public void CreateDefault_Int8_AppendsTheSuffix_ToAnExplicitModelId()
    {
        using OnnxEmbeddingGenerator generator = OnnxEmbeddingGenerator.CreateDefault(new() { ModelId = "minilm", Precision = OnnxModelPrecision.Int8 });

        Assert.That(generator.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId, Is.EqualTo("minilm" + OnnxEmbeddingGenerator.Int8ModelIdSuffix));
    }

    [Test]
    public async Task CreateDefault_Int8_GivesCloseButDifferentVectors()
    {
        string[] texts = ["Do you ship to Canada?", "My order arrived broken, I want my money back"];

        GeneratedEmbeddings<Embedding<float>> a = await _float32.GenerateAsync(texts);
        GeneratedEmbeddings<Embedding<float>> b = await _int8.GenerateAsync(texts);

        Assert.Multiple(() =>
        {
            for (int i = 0; i < texts.Length; i++)
            {
                double cosine = System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(a[i].Vector.Span, b[i].Vector.Span);
                Assert.That(cosine, Is.GreaterThan(0.97).And.LessThan(0.99999), texts[i]);
            }
        });
    }

    [Test]
    public async Task CachingGenerator_DoesNotServeFloat32Vectors_ToTheInt8Model()
    {
        var store = new InMemoryEmbeddingCacheStore();
        // Not disposed here: disposing a delegating generator disposes the inner one, which the other tests share.
        var float32 = new CachingEmbeddingGenerator(_float32, store);
        var int8 = new CachingEmbeddingGenerator(_int8, store);

        GeneratedEmbeddings<Embedding<float>> first = await float32.GenerateAsync(["the same text"]);
        GeneratedEmbeddings<Embedding<float>> second = await int8.GenerateAsync(["the same text"]);
        GeneratedEmbeddings<Embedding<float>> again = await int8.GenerateAsync(["the same text"]);

        Assert.Multiple(() =>
        {
            Assert.That(int8.Statistics.Misses, Is.EqualTo(1), "the int8 model found the float32 vector in the shared store");
            Assert.That(int8.Statistics.Hits, Is.EqualTo(1));
            Assert.That(second[0].Vector.ToArray(), Is.Not.EqualTo(first[0].Vector.ToArray()));
            Assert.That(again[0].Vector.ToArray(), Is.EqualTo(second[0].Vector.ToArray()));
        });
    }

    [Test]
    public async Task LoadAsync_RefusesAClassifierSavedWithTheOtherPrecision()
    {
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(_float32,
        [
            new("Do you ship to Canada?", "question"),
            new("What sizes does this jacket come in?", "question"),
            new("My order arrived broken", "complaint"),
            new("The delivery was three weeks late", "complaint"),
        ]);
        using var saved = new MemoryStream();
        await classifier.SaveAsync(saved);

        saved.Position = 0;
        FewShotClassifier reloaded = await FewShotClassifier.LoadAsync(_float32, saved);
        saved.Position = 0;

        Assert.Multiple(() =>
        {
            Assert.That(reloaded, Is.Not.Null);
            Assert.That(async () => await FewShotClassifier.LoadAsync(_int8, saved), Throws.TypeOf<EmbeddingModelMismatchException>());
        });
    }

    [Test]
    public void FromDirectory_RejectsInt8_NamingTheOptions()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            OnnxEmbeddingGenerator.FromDirectory(Path.GetTempPath(), new() { Precision = OnnxModelPrecision.Int8 }));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ParamName, Is.EqualTo("options"));
            Assert.That(ex.Message, Does.Contain("Precision"));
        });
    }
}
