using EmbedClassify.Onnx.ArcticXs;
using Microsoft.Extensions.AI;

namespace EmbedClassify.Onnx.Tests;

public class ArcticXsEmbeddingGeneratorTests
{
    [Test]
    public async Task Create_ReportsArcticModelId_AndEmbedsUnitVectorsOf384()
    {
        using OnnxEmbeddingGenerator generator = ArcticXsEmbeddingGenerator.Create();

        GeneratedEmbeddings<Embedding<float>> embedded = await generator.GenerateAsync(["hello world"]);
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>()!;

        Assert.Multiple(() =>
        {
            Assert.That(metadata.DefaultModelId, Is.EqualTo("snowflake-arctic-embed-xs"));
            Assert.That(metadata.DefaultModelDimensions, Is.EqualTo(384));
            Assert.That(embedded[0].ModelId, Is.EqualTo(ArcticXsEmbeddingGenerator.ModelId));
            Assert.That(System.Numerics.Tensors.TensorPrimitives.Norm(embedded[0].Vector.Span), Is.EqualTo(1f).Within(1e-5f));
        });
    }

    [Test]
    public void Create_AppendsTheInt8Suffix_AtInt8()
    {
        using OnnxEmbeddingGenerator generator = ArcticXsEmbeddingGenerator.Create(new() { Precision = OnnxModelPrecision.Int8 });

        Assert.That(generator.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId, Is.EqualTo("snowflake-arctic-embed-xs-int8"));
    }

    [Test]
    public async Task Create_GivesOtherVectorsThanMiniLM_ForTheSameText()
    {
        using OnnxEmbeddingGenerator arctic = ArcticXsEmbeddingGenerator.Create();
        using OnnxEmbeddingGenerator miniLM = OnnxEmbeddingGenerator.CreateDefault();

        Embedding<float> a = (await arctic.GenerateAsync(["The cat sat on the mat."]))[0];
        Embedding<float> m = (await miniLM.GenerateAsync(["The cat sat on the mat."]))[0];

        Assert.Multiple(() =>
        {
            Assert.That(a.ModelId, Is.Not.EqualTo(m.ModelId));
            Assert.That(System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(a.Vector.Span, m.Vector.Span), Is.LessThan(0.99f));
        });
    }

    [Test]
    public void Create_CopiesTheOptions()
    {
        var options = new OnnxEmbeddingGeneratorOptions { ModelId = "arctic-test" };
        using OnnxEmbeddingGenerator generator = ArcticXsEmbeddingGenerator.Create(options);
        options.ModelId = "changed";

        Assert.That(generator.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId, Is.EqualTo("arctic-test"));
    }
}
