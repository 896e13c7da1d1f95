namespace EmbedClassify.OpenAI;

/// <summary>
/// Specifies what an <see cref="OpenAIEmbeddingGenerator"/> does with a text longer than
/// <see cref="OpenAIEmbeddingGeneratorOptions.MaxTokensPerInput"/> tokens.
/// </summary>
/// <remarks>An over-long text is never silently dropped: it is either embedded from its first tokens or rejected.</remarks>
public enum OverlongInputBehavior
{
    /// <summary>
    /// The text is cut after its first <see cref="OpenAIEmbeddingGeneratorOptions.MaxTokensPerInput"/> tokens (counted
    /// with the cl100k_base tokenizer) and the prefix is embedded; the embedding stands for the whole text.
    /// </summary>
    Truncate,

    /// <summary>
    /// The call throws an <see cref="ArgumentException"/> naming the index of the first over-long text, before any
    /// request is sent.
    /// </summary>
    Throw,
}
