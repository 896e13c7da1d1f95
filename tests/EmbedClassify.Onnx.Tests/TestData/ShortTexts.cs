namespace EmbedClassify.Onnx.Tests;

/// <summary>
/// 400 short texts (3 to 16 words), one from each sample email: its first sentence of at least three words, cut at 16
/// words. Short inputs are where padding and per-token noise weigh most, so they are tested beside the emails.
/// </summary>
internal static class ShortTexts
{
    public static string[] Load() => [.. SampleEmails.Load().Select(FirstSentence)];

    private static string FirstSentence(string email)
    {
        char[] ends = ['.', '!', '?', '\n'];
        foreach (string candidate in email.Split(ends, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            string[] words = candidate.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (words.Length >= 3)
            {
                return string.Join(' ', words.Take(16));
            }
        }

        return string.Join(' ', email.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Take(16));
    }
}
