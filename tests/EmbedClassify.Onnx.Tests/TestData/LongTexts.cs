using System.Text.RegularExpressions;

namespace EmbedClassify.Onnx.Tests;

/// <summary>Long texts: the sample emails with every run of white space made one space (the package tokenizers
/// split words only on spaces, so this is where they and ours can agree on a long text).</summary>
internal static partial class LongTexts
{
    public static string[] Emails() => [.. SampleEmails.Load().Select(email => WhiteSpace().Replace(email, " ").Trim())];

    /// <summary>
    /// A text of well over 256 word pieces whose last words are <paramref name="ending"/>: texts that differ only in
    /// their ending are the same text to a model that reads 256 tokens.
    /// </summary>
    public static string WithEnding(string ending) =>
        string.Join(' ', Enumerable.Repeat("The quarterly meeting covered budgets, hiring plans and the office move.", 30)) + " " + ending;

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}
