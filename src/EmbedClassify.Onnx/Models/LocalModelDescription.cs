using EmbedClassify.Onnx.MiniLM;

namespace EmbedClassify.Onnx;

/// <summary>
/// What <see cref="OnnxEmbeddingGenerator"/> needs to know about a built-in model: its id, its pooling, how far its
/// position table reaches, and where its graphs and vocabulary come from.
/// </summary>
/// <param name="ModelId">The model id at float32; int8 appends <see cref="OnnxEmbeddingGenerator.Int8ModelIdSuffix"/>.</param>
/// <param name="Pooling">How token states become the sentence vector, as the model was trained.</param>
/// <param name="MaxPositions">The model's position embeddings: no text may be longer, [CLS] and [SEP] included.</param>
/// <param name="OpenFloat32Model">Opens the float32 ONNX graph.</param>
/// <param name="OpenInt8Model">Opens the int8 ONNX graph.</param>
/// <param name="OpenVocabulary">Opens the uncased WordPiece vocabulary.</param>
internal sealed record LocalModelDescription(
    string ModelId,
    SentencePooling Pooling,
    int MaxPositions,
    Func<Stream> OpenFloat32Model,
    Func<Stream> OpenInt8Model,
    Func<Stream> OpenVocabulary)
{
    /// <summary>
    /// all-MiniLM-L6-v2: mean pooling (its <c>1_Pooling/config.json</c> on Hugging Face,
    /// <c>pooling_mode_mean_tokens: true</c>), 512 position embeddings, trained at 256 tokens.
    /// </summary>
    public static LocalModelDescription MiniLM { get; } = new(
        OnnxEmbeddingGenerator.DefaultModelId,
        SentencePooling.Mean,
        MaxPositions: 512,
        MiniLMModelFiles.OpenFloat32Model,
        MiniLMModelFiles.OpenInt8Model,
        MiniLMModelFiles.OpenVocabulary);
}
