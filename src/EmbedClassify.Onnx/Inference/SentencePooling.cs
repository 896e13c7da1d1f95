namespace EmbedClassify.Onnx;

/// <summary>How a model's token states become one sentence vector (before L2 normalization).</summary>
/// <remarks>
/// The names follow sentence-transformers' <c>1_Pooling/config.json</c> (<c>pooling_mode_mean_tokens</c>,
/// <c>pooling_mode_cls_token</c>): a model's pooling is part of how it was trained, so it belongs to the model's
/// description, never to a user setting.
/// </remarks>
internal enum SentencePooling
{
    /// <summary>The mean of the states of the real (unmasked) tokens: all-MiniLM-L6-v2.</summary>
    Mean,

    /// <summary>The state of the first token, [CLS]: snowflake-arctic-embed-xs, BGE and other retrieval models.</summary>
    Cls,
}
