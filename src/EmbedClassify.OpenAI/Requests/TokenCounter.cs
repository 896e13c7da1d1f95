using Microsoft.ML.Tokenizers;

namespace EmbedClassify.OpenAI;

/// <summary>Counts and cuts tokens the way the OpenAI embedding models do.</summary>
internal static class TokenCounter
{
    // Every OpenAI embedding model (text-embedding-ada-002, -3-small, -3-large) uses cl100k_base; o200k_base belongs to
    // the GPT-4o chat models only. Loading the vocabulary takes a noticeable moment, so it happens once, on first use.
    private static readonly Lazy<Tokenizer> s_cl100k = new(() => TiktokenTokenizer.CreateForEncoding("cl100k_base"));

    /// <summary>Gets the cl100k_base tokenizer; it is thread-safe.</summary>
    public static Tokenizer Cl100kBase => s_cl100k.Value;
}
