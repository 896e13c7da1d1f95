using System.Numerics.Tensors;
using EmbedClassify.Onnx.ArcticXs;
using Microsoft.Extensions.AI;

namespace EmbedClassify.Onnx.Tests;

/// <summary>
/// <see cref="OnnxEmbeddingGeneratorOptions.MaxSequenceLength"/> up to the models' 512 positions: words after token 256
/// count at 512 and not at 256, for both built-in models; and no model is run past its position table.
/// </summary>
public class OnnxEmbeddingGeneratorSequenceLengthTests
{
    private static readonly Func<OnnxEmbeddingGeneratorOptions, OnnxEmbeddingGenerator>[] Models =
    [
        OnnxEmbeddingGenerator.CreateDefault,
        ArcticXsEmbeddingGenerator.Create,
    ];

    [TestCase(0, 256, true)]
    [TestCase(0, 512, false)]
    [TestCase(1, 256, true)]
    [TestCase(1, 512, false)]
    public async Task GenerateAsync_ReadsWordsAfterToken256_OnlyWhenMaxSequenceLengthReachesThem(int model, int maxSequenceLength, bool expectSame)
    {
        string a = LongTexts.WithEnding("Everyone agreed the new office is wonderful, bright and close to the station.");
        string b = LongTexts.WithEnding("Nobody came; the building flooded, the servers burned and the project was cancelled.");
        Assert.That(ModelResources.CreateEncoder(512).Encode(a), Has.Length.InRange(300, 500), "the shared start must pass token 256 and the ending fit in 512");
        using OnnxEmbeddingGenerator generator = Models[model](new OnnxEmbeddingGeneratorOptions { MaxSequenceLength = maxSequenceLength });

        GeneratedEmbeddings<Embedding<float>> embedded = await generator.GenerateAsync([a, b]);
        float cosine = TensorPrimitives.CosineSimilarity(embedded[0].Vector.Span, embedded[1].Vector.Span);

        Assert.Multiple(() =>
        {
            Assert.That(embedded.Usage!.InputTokenCount, expectSame ? Is.EqualTo(2 * maxSequenceLength) : Is.GreaterThan(2 * 256));
            Assert.That(cosine, expectSame ? Is.GreaterThan(0.99999f) : Is.LessThan(0.999f));
        });
    }

    [Test]
    public void Create_Throws_WhenMaxSequenceLengthExceedsTheModelsPositions()
    {
        var shortModel = LocalModelDescription.MiniLM with { MaxPositions = 128 };

        var ex = Assert.Throws<ArgumentException>(() => OnnxEmbeddingGenerator.Create(shortModel, new() { MaxSequenceLength = 129 }));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ParamName, Is.EqualTo("options"));
            Assert.That(ex.Message, Does.Contain("128"));
        });
    }

    [Test]
    public void MiniLMDescription_IsMeanPooledOver512Positions()
    {
        Assert.Multiple(() =>
        {
            Assert.That(LocalModelDescription.MiniLM.Pooling, Is.EqualTo(SentencePooling.Mean));
            Assert.That(LocalModelDescription.MiniLM.MaxPositions, Is.EqualTo(512));
            Assert.That(LocalModelDescription.MiniLM.ModelId, Is.EqualTo(OnnxEmbeddingGenerator.DefaultModelId));
        });
    }
}
