namespace EmbedClassify.Onnx.Tests;

/// <summary>
/// Checks token ids against FastBertTokenizer, an independent implementation verified against the
/// Hugging Face reference, on real emails (newlines, quoting, symbols, URLs) and the varied samples.
/// </summary>
public class BertWordPieceEncoderReferenceTests
{
    private BertWordPieceEncoder _encoder = null!;
    private FastBertTokenizer.BertTokenizer _reference = null!;

    [OneTimeSetUp]
    public void CreateTokenizers()
    {
        _encoder = ModelResources.CreateEncoder();
        _reference = new FastBertTokenizer.BertTokenizer();
        using var vocabulary = new StreamReader(ModelResources.OpenVocabulary());
        _reference.LoadVocabulary(vocabulary, convertInputToLowercase: true);
    }

    [Test]
    public void Encode_MatchesReferenceTokenizer_OnSampleEmails()
    {
        AssertMatchesReference(SampleEmails.Load());
    }

    [Test]
    public void Encode_MatchesReferenceTokenizer_OnVariedTexts()
    {
        string[] extra =
        [
            "naïve café résumé",
            "line one\nline two\r\nline three\ttabbed",
            "$5 + $10 = $15 <b>bold</b> ^caret^ `tick` |pipe| ~tilde~",
            "email me at someone@example.com or visit https://example.com/path?q=1&x=2",
            "Ünïcödé ÀÉÎÕÜ ñ ç ß",
            "zero\u200Bwidth and soft\u00ADhyphen",
            "em—dash – en-dash … ellipsis “curly” ‘quotes’",
            "中文字符 and 日本語 mixed",
        ];

        AssertMatchesReference([.. SampleTexts.Varied, .. extra]);
    }

    private void AssertMatchesReference(string[] texts)
    {
        var mismatches = new List<string>();
        foreach (string text in texts)
        {
            // The reference returns views of a buffer its next call overwrites, so copy at once.
            long[] expected = _reference.Encode(text, maximumTokens: 256).InputIds.ToArray();
            int[] actual = _encoder.Encode(text);
            if (!expected.Select(id => (int)id).SequenceEqual(actual))
            {
                mismatches.Add(text.Length > 60 ? text[..60] : text);
            }
        }

        Assert.That(mismatches, Is.Empty, $"{mismatches.Count} of {texts.Length} texts differ from the reference");
    }
}
