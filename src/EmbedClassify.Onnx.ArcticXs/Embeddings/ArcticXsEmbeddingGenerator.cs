namespace EmbedClassify.Onnx.ArcticXs;

/// <summary>
/// Creates <see cref="OnnxEmbeddingGenerator"/> instances for Snowflake's snowflake-arctic-embed-xs (384 dimensions,
/// 512 positions, trained from all-MiniLM-L6-v2 for retrieval), loaded from this package's resources; nothing is
/// downloaded.
/// </summary>
/// <remarks>
/// <para>
/// The sentence embedding is the final state of the [CLS] token, L2-normalized, as the model was trained
/// (its sentence-transformers configuration on Hugging Face, <c>Snowflake/snowflake-arctic-embed-xs</c>,
/// <c>1_Pooling/config.json</c>: <c>pooling_mode_cls_token: true</c>; the package this graph comes from ships no
/// configuration, so the pooling is stated here). Texts are embedded as they are: the model card's query prefix
/// ("Represent this sentence for searching relevant passages: ") is for search queries, not for documents or for
/// classification.
/// </para>
/// <para>
/// Its vocabulary and tokenization are all-MiniLM-L6-v2's, so every <see cref="OnnxEmbeddingGeneratorOptions"/> setting
/// means the same thing; vectors carry the model id <see cref="ModelId"/> (with
/// <see cref="OnnxEmbeddingGenerator.Int8ModelIdSuffix"/> at <see cref="OnnxModelPrecision.Int8"/>), so caches and saved
/// classifiers never mix them with another model's.
/// </para>
/// </remarks>
public static class ArcticXsEmbeddingGenerator
{
    /// <summary>The model id of the vectors at <see cref="OnnxModelPrecision.Float32"/>.</summary>
    public const string ModelId = "snowflake-arctic-embed-xs";

    private static readonly LocalModelDescription Model = new(
        ModelId,
        SentencePooling.Cls,
        MaxPositions: OnnxEmbeddingGeneratorOptions.MaxSupportedSequenceLength,
        ArcticXsModelFiles.OpenFloat32Model,
        ArcticXsModelFiles.OpenInt8Model,
        ArcticXsModelFiles.OpenVocabulary);

    /// <summary>
    /// Creates a generator for snowflake-arctic-embed-xs at the <see cref="OnnxEmbeddingGeneratorOptions.Precision"/> of
    /// <paramref name="options"/>: the counterpart of <see cref="OnnxEmbeddingGenerator.CreateDefault"/> for this model.
    /// </summary>
    /// <param name="options">Optional settings; they are copied, so later changes have no effect.</param>
    /// <returns>A new generator; the caller disposes it.</returns>
    /// <exception cref="InvalidOperationException">The model resources could not be found in this assembly.</exception>
    /// <exception cref="Microsoft.ML.OnnxRuntime.OnnxRuntimeException">ONNX Runtime failed to load the model.</exception>
    public static OnnxEmbeddingGenerator Create(OnnxEmbeddingGeneratorOptions? options = null) =>
        OnnxEmbeddingGenerator.Create(Model, options);
}
