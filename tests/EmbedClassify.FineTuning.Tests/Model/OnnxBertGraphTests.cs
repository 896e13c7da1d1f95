using EmbedClassify.Onnx.MiniLM;
using Microsoft.Extensions.AI;

namespace EmbedClassify.FineTuning.Tests.Model;

public sealed class OnnxBertGraphTests
{
    private static readonly string[] Texts = ["The cat sat on the mat.", "Quarterly revenue rose by four percent.", "ok"];

    [Test]
    public void Parse_TheBuiltInGraph_FindsEveryParameterOfMiniLM()
    {
        OnnxBertGraph graph = OnnxBertGraph.Parse(BuiltInGraph());

        Assert.That(graph.Configuration, Is.EqualTo(BertConfiguration.MiniLML6));
        BertWeights weights = graph.ReadWeights();

        // Every matrix was found (a missed one would read as zeros), and no two names point at the same tensor.
        var seen = new HashSet<string>();
        foreach ((string name, float[] values) in weights.Parameters())
        {
            Assert.That(values.Any(v => v != 0), Is.True, name);
            Assert.That(seen.Add(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())))), Is.True, $"{name} duplicates another parameter");
        }
    }

    [Test]
    public async Task WriteModel_OfUnchangedWeights_EmbedsExactlyLikeTheOriginal()
    {
        byte[] original = BuiltInGraph();
        OnnxBertGraph graph = OnnxBertGraph.Parse(original);
        byte[] rewritten = graph.WriteModel(graph.ReadWeights());

        float[][] before = await EmbedAsync(original);
        float[][] after = await EmbedAsync(rewritten);

        Assert.That(after, Is.EqualTo(before));
    }

    [Test]
    public async Task WriteModel_OfChangedWeights_RoundTripsThemAndChangesTheEmbeddings()
    {
        byte[] original = BuiltInGraph();
        OnnxBertGraph graph = OnnxBertGraph.Parse(original);
        BertWeights weights = graph.ReadWeights();
        string before = OnnxBertGraph.Fingerprint(weights);
        for (int i = 0; i < weights.Layers[5].OutputBias.Length; i++)
        {
            weights.Layers[5].OutputBias[i] += 0.5f * MathF.Sin(i);
        }

        byte[] rewritten = graph.WriteModel(weights);
        BertWeights reread = OnnxBertGraph.Parse(rewritten).ReadWeights();

        Assert.That(reread.Layers[5].OutputBias, Is.EqualTo(weights.Layers[5].OutputBias));
        Assert.That(OnnxBertGraph.Fingerprint(reread), Is.EqualTo(OnnxBertGraph.Fingerprint(weights)));
        Assert.That(OnnxBertGraph.Fingerprint(reread), Is.Not.EqualTo(before));
        Assert.That((await EmbedAsync(rewritten))[0], Is.Not.EqualTo((await EmbedAsync(original))[0]));

        // The graph it was parsed from is left as it was.
        Assert.That(OnnxBertGraph.Fingerprint(graph.ReadWeights()), Is.EqualTo(before));
    }

    [Test]
    public void Parse_BytesThatAreNoOnnxModel_ThrowsInvalidData()
    {
        Assert.Throws<InvalidDataException>(() => OnnxBertGraph.Parse([1, 2, 3, 255, 255, 255, 7]));
    }

    [Test]
    public void Parse_TheInt8Graph_ThrowsInvalidData_BecauseItsMatricesAreNotFloat32()
    {
        byte[] int8;
        using (Stream stream = MiniLMModelFiles.OpenInt8Model())
        {
            int8 = new byte[stream.Length];
            stream.ReadExactly(int8);
        }

        Assert.Throws<InvalidDataException>(() => OnnxBertGraph.Parse(int8));
    }

    internal static byte[] BuiltInGraph()
    {
        using Stream stream = MiniLMModelFiles.OpenFloat32Model();
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    private static async Task<float[][]> EmbedAsync(byte[] graph)
    {
        using var generator = EmbedClassify.Onnx.OnnxEmbeddingGenerator.FromMiniLMGraph(graph, "test-model", options: null);
        GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateAsync(Texts);
        return [.. embeddings.Select(e => e.Vector.ToArray())];
    }
}
