namespace EmbedClassify.Onnx.MiniLM;

/// <summary>
/// Opens the files of the all-MiniLM-L6-v2 model embedded in this assembly: the float32 ONNX graph, the int8 graph
/// quantized from it, and the WordPiece vocabulary.
/// </summary>
/// <remarks>All members are thread-safe; each call returns a new read-only stream that the caller disposes.</remarks>
public static class MiniLMModelFiles
{
    private const string Float32ModelResource = "EmbedClassify.Onnx.MiniLM.model.onnx";
    private const string Int8ModelResource = "EmbedClassify.Onnx.MiniLM.model.int8.onnx";
    private const string VocabularyResource = "EmbedClassify.Onnx.MiniLM.vocab.txt";

    /// <summary>Opens the float32 ONNX graph, as published by sentence-transformers.</summary>
    /// <returns>A read-only, seekable stream over the graph.</returns>
    /// <exception cref="InvalidOperationException">The resource is missing: the assembly was built without its model files.</exception>
    public static Stream OpenFloat32Model() => Open(Float32ModelResource);

    /// <summary>
    /// Opens the int8 ONNX graph: the float32 graph with the weights of its 36 MatMul nodes quantized to int8 (one scale
    /// per output column) and their activations quantized when it runs, in standard ONNX operators
    /// (<c>DynamicQuantizeLinear</c>, <c>MatMulInteger</c>), which ONNX Runtime fuses into its int8 kernels.
    /// </summary>
    /// <returns>A read-only, seekable stream over the graph.</returns>
    /// <exception cref="InvalidOperationException">The resource is missing: the assembly was built without its model files.</exception>
    public static Stream OpenInt8Model() => Open(Int8ModelResource);

    /// <summary>Opens the uncased WordPiece vocabulary (<c>vocab.txt</c>, one token per line) both graphs use.</summary>
    /// <returns>A read-only, seekable stream over the UTF-8 text.</returns>
    /// <exception cref="InvalidOperationException">The resource is missing: the assembly was built without its model files.</exception>
    public static Stream OpenVocabulary() => Open(VocabularyResource);

    private static Stream Open(string name) =>
        typeof(MiniLMModelFiles).Assembly.GetManifestResourceStream(name)
        ?? throw new InvalidOperationException($"The assembly '{typeof(MiniLMModelFiles).Assembly.GetName().Name}' has no resource '{name}'.");
}
