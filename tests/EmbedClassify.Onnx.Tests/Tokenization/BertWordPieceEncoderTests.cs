namespace EmbedClassify.Onnx.Tests;

public class BertWordPieceEncoderTests
{
    private const int Cls = 101;
    private const int Sep = 102;
    private BertWordPieceEncoder _encoder = null!;

    [OneTimeSetUp]
    public void CreateEncoder() => _encoder = ModelResources.CreateEncoder();

    [Test]
    public void Encode_WrapsWordPiecesInClsAndSep()
    {
        int[] ids = _encoder.Encode("hello world");

        Assert.That(ids, Is.EqualTo(new[] { Cls, 7592, 2088, Sep }));
    }

    [Test]
    public void Encode_LowercasesInput()
    {
        Assert.That(_encoder.Encode("HeLLo WORLD"), Is.EqualTo(_encoder.Encode("hello world")));
    }

    [Test]
    public void Encode_StripsAccents()
    {
        int[] accented = _encoder.Encode("naïve café");

        Assert.Multiple(() =>
        {
            Assert.That(accented, Is.EqualTo(_encoder.Encode("naive cafe")));
            Assert.That(accented, Does.Not.Contain(_encoder.UnknownTokenId));
        });
    }

    [TestCase("a\nb")]
    [TestCase("a\tb")]
    [TestCase("a\r\nb")]
    [TestCase("a\u00A0b")]
    public void Encode_TreatsControlWhitespaceAsSpace(string text)
    {
        Assert.That(_encoder.Encode(text), Is.EqualTo(_encoder.Encode("a b")));
    }

    [TestCase("zero\u200Bwidth", "zerowidth")]
    [TestCase("soft\u00ADhyphen", "softhyphen")]
    [TestCase("\uFEFFbom", "bom")]
    [TestCase("bell\u0007char", "bellchar")]
    public void Encode_DropsFormatAndControlCharacters(string text, string expected)
    {
        Assert.That(_encoder.Encode(text), Is.EqualTo(_encoder.Encode(expected)));
    }

    [TestCase("$5", "$ 5")]
    [TestCase("a+b=c", "a + b = c")]
    [TestCase("x<y>z", "x < y > z")]
    [TestCase("a|b~c^d`e", "a | b ~ c ^ d ` e")]
    [TestCase("hello,world!", "hello , world !")]
    [TestCase("don't", "don ' t")]
    [TestCase("«quoted»", "« quoted »")]
    public void Encode_SplitsEveryPunctuationAndAsciiSymbolIntoItsOwnToken(string text, string spaced)
    {
        int[] ids = _encoder.Encode(text);

        Assert.Multiple(() =>
        {
            Assert.That(ids, Is.EqualTo(_encoder.Encode(spaced)));
            Assert.That(ids, Does.Not.Contain(_encoder.UnknownTokenId));
        });
    }

    [Test]
    public void Encode_KeepsDollarSign()
    {
        int[] ids = _encoder.Encode("$5");

        // "$" and "5" in the all-MiniLM-L6-v2 vocabulary.
        Assert.That(ids, Is.EqualTo(new[] { Cls, 1002, 1019, Sep }));
    }

    [Test]
    public void Encode_KeepsNonAsciiSymbolsInsideWords()
    {
        // The reference splits only on punctuation and ASCII symbols, so "°" stays in the word.
        int[] ids = _encoder.Encode("25°c");

        Assert.That(ids, Is.Not.EqualTo(_encoder.Encode("25 ° c")));
    }

    [Test]
    public void Encode_SplitsCjkCharacters()
    {
        Assert.That(_encoder.Encode("中文"), Is.EqualTo(_encoder.Encode("中 文")));
    }

    [Test]
    public void Encode_MapsWordLongerThan100CharactersToUnknown()
    {
        int[] ids = _encoder.Encode("ok " + new string('a', 101) + " ok");

        Assert.That(ids, Is.EqualTo(new[] { Cls, 7929, _encoder.UnknownTokenId, 7929, Sep }));
    }

    [Test]
    public void Encode_SplitsWordOf100CharactersIntoPieces()
    {
        int[] ids = _encoder.Encode(new string('a', 100));

        Assert.That(ids, Does.Not.Contain(_encoder.UnknownTokenId));
    }

    [Test]
    public void Encode_TruncatesLongTextTo256Ids()
    {
        string text = string.Join(' ', Enumerable.Range(0, 1000).Select(i => "word" + i));

        int[] ids = _encoder.Encode(text);

        Assert.Multiple(() =>
        {
            Assert.That(ids, Has.Length.EqualTo(256));
            Assert.That(ids[0], Is.EqualTo(Cls));
            Assert.That(ids[^1], Is.EqualTo(Sep));
        });
    }

    [Test]
    public void Encode_TruncatesInsideAWord_KeepingTheLeadingPieces()
    {
        var encoder = ModelResources.CreateEncoder(maxSequenceLength: 4);
        int[] full = ModelResources.CreateEncoder().Encode("antidisestablishmentarianism");

        int[] ids = encoder.Encode("antidisestablishmentarianism");

        Assert.That(ids, Is.EqualTo(new[] { Cls, full[1], full[2], Sep }));
    }

    [Test]
    public void Encode_ReturnsOnlySpecialTokens_ForWhitespace()
    {
        Assert.That(_encoder.Encode(" \n\t "), Is.EqualTo(new[] { Cls, Sep }));
    }

    [Test]
    public void Encode_TreatsSpecialTokenTextAsPlainText()
    {
        int[] ids = _encoder.Encode("[SEP]");

        Assert.That(ids, Is.EqualTo(new[] { Cls, 1031, 19802, 1033, Sep }));
    }

    [Test]
    public void Clean_ReturnsSameInstance_WhenNothingToClean()
    {
        const string text = "plain ascii, nothing to change.";

        Assert.That(BertWordPieceEncoder.Clean(text), Is.SameAs(text));
    }

    [Test]
    public void Clean_KeepsEmojiAndDropsLoneSurrogates()
    {
        Assert.That(BertWordPieceEncoder.Clean("a😀b\uD800c"), Is.EqualTo("a😀bc"));
    }
}
