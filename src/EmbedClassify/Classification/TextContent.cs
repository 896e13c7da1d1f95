using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace EmbedClassify;

/// <summary>
/// Decides whether a text holds anything to embed, and finds unpaired surrogates, so that every entry point refuses the
/// same inputs with the same messages before anything is sent to a generator.
/// </summary>
/// <remarks>
/// A text is blank when nothing is left of it after removing white space, control (Cc) and format (Cf) characters
/// (zero-width spaces and joiners, direction marks, the byte-order mark) and unpaired surrogates: that is, when it has no
/// letter, number, symbol or punctuation. Such texts were accepted before, and the local model dropped every character of
/// them, so they all got the same vector and the same prediction. Unpaired surrogates are refused rather than stored,
/// because they have no UTF-8 form: a model file or a provider would silently replace them with U+FFFD.
/// </remarks>
internal static class TextContent
{
    /// <summary>The end of the sentence "{name} is blank…" used for null, empty and blank texts alike.</summary>
    internal const string BlankReason =
        "blank (empty, white space, or only control, format or unpaired surrogate characters); there is nothing to embed";

    /// <summary>
    /// Returns whether <paramref name="text"/> is <see langword="null"/> or holds no letter, number, symbol or punctuation.
    /// </summary>
    internal static bool IsBlank([NotNullWhen(false)] string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        ReadOnlySpan<char> rest = text;
        while (!rest.IsEmpty)
        {
            OperationStatus status = Rune.DecodeFromUtf16(rest, out Rune rune, out int consumed);
            if (status == OperationStatus.Done && HasContent(Rune.GetUnicodeCategory(rune)))
            {
                return false;
            }

            rest = rest[Math.Max(consumed, 1)..];
        }

        return true;
    }

    /// <summary>
    /// Returns the index of the first unpaired surrogate in <paramref name="text"/>, or -1 when every surrogate is paired.
    /// </summary>
    internal static int IndexOfLoneSurrogate(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Throws an <see cref="ArgumentException"/> when <paramref name="text"/> contains an unpaired surrogate.
    /// </summary>
    /// <param name="text">The text or label to check.</param>
    /// <param name="name">What to call it in the message, for example <c>texts[3]</c> or <c>The label of examples[2]</c>.</param>
    /// <param name="parameterName">The parameter the exception names.</param>
    /// <exception cref="ArgumentException">
    /// The message is "{name} contains an unpaired surrogate (U+XXXX) at index {i}; unpaired surrogates have no UTF-8 form,
    /// so they cannot be embedded or saved faithfully."
    /// </exception>
    internal static void ThrowIfLoneSurrogate(string text, string name, string parameterName)
    {
        int at = IndexOfLoneSurrogate(text);
        if (at >= 0)
        {
            throw new ArgumentException(LoneSurrogateMessage(name, text[at], at), parameterName);
        }
    }

    /// <summary>
    /// Throws an <see cref="ArgumentException"/> when <paramref name="text"/> is null or blank (see <see cref="IsBlank"/>),
    /// or contains an unpaired surrogate.
    /// </summary>
    /// <param name="text">The text to check.</param>
    /// <param name="name">What to call it in the message, for example <c>texts[3]</c>.</param>
    /// <param name="parameterName">The parameter the exception names.</param>
    /// <exception cref="ArgumentException">
    /// The message is "{name} is null; there is nothing to embed.", "{name} is <see cref="BlankReason"/>." or the one of
    /// <see cref="ThrowIfLoneSurrogate"/>.
    /// </exception>
    internal static void ThrowIfNotEmbeddable(string? text, string name, string parameterName)
    {
        if (text is null)
        {
            throw new ArgumentException($"{name} is null; there is nothing to embed.", parameterName);
        }

        if (IsBlank(text))
        {
            throw new ArgumentException($"{name} is {BlankReason}.", parameterName);
        }

        ThrowIfLoneSurrogate(text, name, parameterName);
    }

    internal static string LoneSurrogateMessage(string name, char surrogate, int index) => string.Create(
        CultureInfo.InvariantCulture,
        $"{name} contains an unpaired surrogate (U+{(int)surrogate:X4}) at index {index}; unpaired surrogates have no UTF-8 form, so they cannot be embedded or saved faithfully.");

    private static bool HasContent(UnicodeCategory category) => category switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => true,
        UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => true,
        UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
            or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation => true,
        UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol or UnicodeCategory.ModifierSymbol
            or UnicodeCategory.OtherSymbol => true,
        _ => false,
    };
}
