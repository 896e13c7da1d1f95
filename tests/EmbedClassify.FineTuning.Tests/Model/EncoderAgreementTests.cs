using System.Numerics.Tensors;
using EmbedClassify.Onnx;
using Microsoft.Extensions.AI;

namespace EmbedClassify.FineTuning.Tests.Model;

/// <summary>The trainer's own forward pass, on the weights read from the graph, against ONNX Runtime running that graph.</summary>
public sealed class EncoderAgreementTests
{
    [Test]
    public async Task Forward_OnTheBuiltInWeights_AgreesWithOnnxRuntime_ToCosine0999()
    {
        string[] texts =
        [
            "ok",
            "The quarterly report shows revenue up four percent, driven by subscriptions in Europe.",
            "¿Dónde está la biblioteca? Über den Wolken — naïve café, 東京.",
            "URGENT!!! Claim your FREE prize now: http://example.com/win?id=123 before 5pm!!!",
            string.Join(' ', Enumerable.Range(0, 120).Select(i => $"word{i % 17} token, sentence {i}.")),
        ];
        BertWeights weights = OnnxBertGraph.Parse(OnnxBertGraphTests.BuiltInGraph()).ReadWeights();
        var encoder = OnnxEmbeddingGenerator.CreateMiniLMEncoder(lowerCase: true, OnnxEmbeddingGeneratorOptions.DefaultMaxSequenceLength);
        int[][] ids = [.. texts.Select(encoder.Encode)];
        Assert.That(ids[^1], Has.Length.EqualTo(OnnxEmbeddingGeneratorOptions.DefaultMaxSequenceLength), "the long text reaches the full length");

        float[] pooled = BertEncoder.Forward(weights, ids);
        using OnnxEmbeddingGenerator reference = OnnxEmbeddingGenerator.CreateDefault();
        GeneratedEmbeddings<Embedding<float>> expected = await reference.GenerateAsync(texts);

        int hidden = weights.Configuration.HiddenSize;
        for (int i = 0; i < texts.Length; i++)
        {
            float cosine = TensorPrimitives.CosineSimilarity(pooled.AsSpan(i * hidden, hidden), expected[i].Vector.Span);
            Assert.That(cosine, Is.GreaterThanOrEqualTo(0.999f), $"text {i}");
            TestContext.Out.WriteLine($"text {i} ({ids[i].Length} tokens): cosine {cosine:F7}");
        }
    }
}
