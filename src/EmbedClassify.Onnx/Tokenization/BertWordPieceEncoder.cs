using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace EmbedClassify.Onnx;

/// <summary>
/// Turns text into the word-piece ids a BERT-family model expects, matching the Hugging Face
/// reference tokenizer (uncased BERT basic tokenization followed by WordPiece).
/// </summary>
/// <remarks>
/// WordPiece itself is <see cref="BertTokenizer"/>; this type only supplies what that tokenizer
/// does differently from the reference: it deletes <c>\t</c>, <c>\n</c> and <c>\r</c> instead of
/// treating them as spaces, keeps Unicode format characters, and its default pre-tokenizer drops
/// symbols such as <c>$</c> or <c>+</c> instead of making each one a token.
/// Instances are immutable and safe to use from several threads at once.
/// </remarks>
internal sealed partial class BertWordPieceEncoder
{
    /// <summary>The reference tokenizer maps any longer word to [UNK].</summary>
    internal const int MaxCharsPerWord = 100;

    private readonly BertTokenizer _tokenizer;

    private BertWordPieceEncoder(BertTokenizer tokenizer, int maxSequenceLength)
    {
        _tokenizer = tokenizer;
        MaxSequenceLength = maxSequenceLength;
    }

    /// <summary>Gets the most ids <see cref="Encode"/> returns, [CLS] and [SEP] included.</summary>
    public int MaxSequenceLength { get; }

    /// <summary>Gets the id of the [CLS] token.</summary>
    public int ClassificationTokenId => _tokenizer.ClassificationTokenId;

    /// <summary>Gets the id of the [SEP] token.</summary>
    public int SeparatorTokenId => _tokenizer.SeparatorTokenId;

    /// <summary>Gets the id of the [PAD] token.</summary>
    public int PaddingTokenId => _tokenizer.PaddingTokenId;

    /// <summary>Gets the id of the [UNK] token.</summary>
    public int UnknownTokenId => _tokenizer.UnknownTokenId;

    /// <summary>Creates an encoder from a WordPiece vocabulary (one token a line).</summary>
    /// <param name="vocabulary">The vocabulary; read to the end, not disposed.</param>
    /// <param name="lowerCase">Whether to lowercase and strip accents, as uncased models expect.</param>
    /// <param name="maxSequenceLength">The most ids per text, [CLS] and [SEP] included.</param>
    public static BertWordPieceEncoder Create(Stream vocabulary, bool lowerCase, int maxSequenceLength)
    {
        var options = new BertOptions
        {
            LowerCaseBeforeTokenization = lowerCase,

            // The reference strips accents exactly when it lowercases (strip_accents unset).
            RemoveNonSpacingMarks = lowerCase,
            IndividuallyTokenizeCjk = true,

            // User text must not be able to inject [SEP] or [MASK] into the model input.
            SplitOnSpecialTokens = false,
            MaxInputCharsPerWord = MaxCharsPerWord,
            PreTokenizer = new RegexPreTokenizer(WordOrPunctuation(), specialTokens: null),
        };

        return new BertWordPieceEncoder(BertTokenizer.Create(vocabulary, options), maxSequenceLength);
    }

    /// <summary>Encodes one text to ids: [CLS], at most <see cref="MaxSequenceLength"/> − 2 word pieces, [SEP].</summary>
    /// <param name="text">The text to encode.</param>
    /// <returns>A new array of token ids.</returns>
    public int[] Encode(string text)
    {
        int budget = MaxSequenceLength - 2;

        // The extra room guarantees at least `budget` pieces come back even if the tokenizer stops
        // before a word whose pieces would not all fit; a word yields at most MaxCharsPerWord pieces.
        IReadOnlyList<int> pieces = _tokenizer.EncodeToIds(
            Clean(text),
            maxTokenCount: budget + MaxCharsPerWord,
            addSpecialTokens: false,
            out _,
            out _);

        int count = Math.Min(pieces.Count, budget);
        var ids = new int[count + 2];
        ids[0] = ClassificationTokenId;
        for (int i = 0; i < count; i++)
        {
            ids[i + 1] = pieces[i];
        }

        ids[count + 1] = SeparatorTokenId;
        return ids;
    }

    /// <summary>
    /// Applies the reference's text cleaning that <see cref="BertTokenizer"/> gets wrong: control
    /// whitespace becomes a space, and format, private-use, unassigned and malformed characters go.
    /// </summary>
    internal static string Clean(string text)
    {
        int first = IndexOfCharToClean(text);
        if (first < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        builder.Append(text, 0, first);
        foreach (Rune rune in text.AsSpan(first).EnumerateRunes())
        {
            if (rune.Value is '\t' or '\n' or '\r')
            {
                builder.Append(' ');
            }
            else if (!IsRemoved(rune))
            {
                builder.Append(rune.ToString());
            }
        }

        return builder.ToString();
    }

    private static int IndexOfCharToClean(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c < 0x80)
            {
                if (c is '\t' or '\n' or '\r')
                {
                    return i;
                }

                continue;
            }

            if (char.IsSurrogate(c) || IsRemoved(new Rune(c)))
            {
                // Surrogates are checked as whole runes by the slow path.
                return i;
            }
        }

        return -1;
    }

    private static bool IsRemoved(Rune rune) =>
        rune == Rune.ReplacementChar ||
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.Format or UnicodeCategory.PrivateUse
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.Surrogate;

    // One punctuation or ASCII symbol character (the reference's definition of punctuation), or a
    // run of anything else that is not whitespace.
    [GeneratedRegex(@"[\p{P}!-/:-@\[-`{-~]|[^\s\p{P}!-/:-@\[-`{-~]+", RegexOptions.CultureInvariant)]
    private static partial Regex WordOrPunctuation();
}
