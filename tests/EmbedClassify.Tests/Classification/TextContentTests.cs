namespace EmbedClassify.Tests.Classification;

public class TextContentTests
{
    // The texts the outside tester sent: each was accepted as non-blank, and the local model dropped every character.
    private static readonly string[] HoldNothing =
    [
        "\0\0\0",
        "\u0001\u0007\u001B\u007F",
        "\u200B\u200C\u200D\u2060\uFEFF",
        "\u200E\u200F\u202A\u202E\u2066",
        "\uD800",
        "\uDC00 \t\u200B",
        "",
        " \r\n\t\u00A0\u3000",
    ];

    [TestCaseSource(nameof(HoldNothing))]
    public void IsBlank_IsTrue_WhenNoLetterDigitSymbolOrPunctuationIsLeft(string text) =>
        Assert.That(TextContent.IsBlank(text), Is.True);

    [TestCase("a")]
    [TestCase("7")]
    [TestCase("?")]
    [TestCase("\u20AC")]
    [TestCase("\U0001F600")]
    [TestCase("\u200Bx\u200B")]
    [TestCase("\u0000\u0661")]
    [TestCase("\u65E5\u672C")]
    public void IsBlank_IsFalse_WhenSomethingVisibleRemains(string text) =>
        Assert.That(TextContent.IsBlank(text), Is.False);

    [Test]
    public void IsBlank_IsTrue_ForNull() => Assert.That(TextContent.IsBlank(null), Is.True);

    // Attribute arguments are stored as UTF-8, which would replace a lone surrogate, so the cases are built in code.
    private static readonly object[] SurrogateCases =
    [
        new object[] { "abc", -1 },
        new object[] { "a\U0001F600b", -1 },
        new object[] { "a\uD800", 1 },
        new object[] { "\uDC00a", 0 },
        new object[] { "ab\uD800\uD800\uDC00", 2 },
        new object[] { "\U0001F600\uDFFF", 2 },
    ];

    [TestCaseSource(nameof(SurrogateCases))]
    public void IndexOfLoneSurrogate_FindsTheFirstUnpairedSurrogate(string text, int expected) =>
        Assert.That(TextContent.IndexOfLoneSurrogate(text), Is.EqualTo(expected));

    [Test]
    public void ThrowIfLoneSurrogate_NamesTheTextTheIndexAndTheParameter()
    {
        var ex = Assert.Throws<ArgumentException>(() => TextContent.ThrowIfLoneSurrogate("x\uD801", "texts[4]", "texts"));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ParamName, Is.EqualTo("texts"));
            Assert.That(ex.Message, Does.StartWith("texts[4] contains an unpaired surrogate (U+D801) at index 1;"));
        });
    }
}
