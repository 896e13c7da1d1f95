using Microsoft.ML.Tokenizers;

namespace EmbedClassify.OpenAI;

/// <summary>
/// The texts of one call as they will be sent: truncated as the options say, de-duplicated, and grouped into requests
/// that respect the per-request input and token limits.
/// </summary>
internal sealed class RequestPlan
{
    private RequestPlan(string[] uniqueTexts, int[] uniqueTokenCounts, int[] inputToUnique, IReadOnlyList<Range> requests)
    {
        UniqueTexts = uniqueTexts;
        UniqueTokenCounts = uniqueTokenCounts;
        InputToUnique = inputToUnique;
        Requests = requests;
    }

    /// <summary>Gets the distinct texts to send, after truncation, in order of first appearance.</summary>
    public string[] UniqueTexts { get; }

    /// <summary>Gets the token count of each entry of <see cref="UniqueTexts"/>.</summary>
    public int[] UniqueTokenCounts { get; }

    /// <summary>Gets, for each input of the call, its index into <see cref="UniqueTexts"/>.</summary>
    public int[] InputToUnique { get; }

    /// <summary>Gets the requests, each a contiguous range of <see cref="UniqueTexts"/>.</summary>
    public IReadOnlyList<Range> Requests { get; }

    /// <summary>Plans the requests for <paramref name="texts"/>, which must all be non-empty.</summary>
    /// <exception cref="ArgumentException">
    /// A text is longer than the per-input limit and <paramref name="overlong"/> is <see cref="OverlongInputBehavior.Throw"/>.
    /// </exception>
    public static RequestPlan Create(
        IReadOnlyList<string> texts,
        Tokenizer tokenizer,
        int maxInputsPerRequest,
        int maxTokensPerRequest,
        int maxTokensPerInput,
        OverlongInputBehavior overlong,
        string paramName)
    {
        // A text that fits no request could never be sent, so the request limit caps the per-input limit.
        int inputLimit = Math.Min(maxTokensPerInput, maxTokensPerRequest);
        var inputToUnique = new int[texts.Count];
        var uniqueTexts = new List<string>();
        var uniqueTokens = new List<int>();
        var byOriginal = new Dictionary<string, int>(StringComparer.Ordinal);
        var bySent = new Dictionary<string, int>(StringComparer.Ordinal);

        for (int i = 0; i < texts.Count; i++)
        {
            string text = texts[i];
            if (byOriginal.TryGetValue(text, out int known))
            {
                inputToUnique[i] = known;
                continue;
            }

            int tokens = tokenizer.CountTokens(text);
            string sent = text;
            if (tokens > inputLimit)
            {
                if (overlong == OverlongInputBehavior.Throw)
                {
                    throw new ArgumentException(
                        $"The text at index {i} has {tokens} tokens; at most {inputLimit} are allowed per input.", paramName);
                }

                int end = tokenizer.GetIndexByTokenCount(text, inputLimit, out _, out tokens);
                sent = text[..end];
            }

            // Two long texts that share their first tokens are the same text once truncated; sending it once saves money.
            if (!bySent.TryGetValue(sent, out int unique))
            {
                unique = uniqueTexts.Count;
                bySent.Add(sent, unique);
                uniqueTexts.Add(sent);
                uniqueTokens.Add(tokens);
            }

            byOriginal.Add(text, unique);
            inputToUnique[i] = unique;
        }

        var requests = new List<Range>();
        int start = 0;
        long requestTokens = 0;
        for (int u = 0; u < uniqueTexts.Count; u++)
        {
            int count = u - start;
            if (count > 0 && (count == maxInputsPerRequest || requestTokens + uniqueTokens[u] > maxTokensPerRequest))
            {
                requests.Add(start..u);
                start = u;
                requestTokens = 0;
            }

            requestTokens += uniqueTokens[u];
        }

        if (start < uniqueTexts.Count)
        {
            requests.Add(start..uniqueTexts.Count);
        }

        return new RequestPlan([.. uniqueTexts], [.. uniqueTokens], inputToUnique, requests);
    }
}
