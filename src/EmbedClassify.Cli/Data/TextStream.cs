using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using EmbedClassify.Cli.Arguments;

namespace EmbedClassify.Cli.Data;

/// <summary>
/// Reads texts to classify one line at a time, for inputs of any size: plain text, one per line, or JSON lines with a
/// <c>"text"</c> member, decided by the first non-blank line as <see cref="TextInput"/> does. Lines with nothing to
/// classify (white space, control or format characters only) are skipped.
/// </summary>
internal static class TextStream
{
    public static async IAsyncEnumerable<InputLine> ReadAsync(
        TextReader reader, string name, Shard shard, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        bool? json = null;
        long number = 0;
        long end = 0;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            number++;
            end += Encoding.UTF8.GetByteCount(line) + 1;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            string text;
            try
            {
                json ??= TextInput.TryText(line) is not null;
                text = json == true
                    ? TextInput.TryText(line) ?? throw new CommandException(string.Create(CultureInfo.InvariantCulture, $"{name}:{number}: not a JSON object with a \"text\" string."))
                    : line;
            }
            catch (InvalidOperationException e)
            {
                // System.Text.Json refuses to turn a lone "\ud800" escape into a string.
                throw new CommandException(string.Create(CultureInfo.InvariantCulture, $"{name}:{number}: the text has an unpaired surrogate (\\ud800-\\udfff), which has no UTF-8 form."), e);
            }

            if (!HasContent(text, name, number) || !shard.Takes(text))
            {
                continue;
            }

            yield return new InputLine(number, text, end);
        }
    }

    // The library refuses texts without a letter, number, symbol or punctuation; a file of lines simply skips them, as it
    // skips blank lines. An unpaired surrogate (possible only through a JSON escape) has no UTF-8 form and is an error.
    private static bool HasContent(string text, string name, long number)
    {
        ReadOnlySpan<char> rest = text;
        bool content = false;
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out Rune rune, out int consumed) != System.Buffers.OperationStatus.Done)
            {
                throw new CommandException(string.Create(CultureInfo.InvariantCulture, $"{name}:{number}: the text has an unpaired surrogate (\\ud800-\\udfff), which has no UTF-8 form."));
            }

            // The library's rule: a letter, number, punctuation or symbol (marks alone, such as a lone accent, do not count).
            content |= Rune.GetUnicodeCategory(rune) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
                or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
                or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
                or UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
                or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
                or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation
                or UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol or UnicodeCategory.ModifierSymbol
                or UnicodeCategory.OtherSymbol;
            rest = rest[consumed..];
        }

        return content;
    }
}
