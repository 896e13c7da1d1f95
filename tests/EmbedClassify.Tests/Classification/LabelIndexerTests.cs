namespace EmbedClassify.Tests.Classification;

public class LabelIndexerTests
{
    // Attribute arguments are stored as UTF-8, which would replace a lone surrogate, so the cases are built in code.
    private static readonly object[] LoneSurrogateLabels =
    [
        new object[] { "a\uD800", "U+D800", 1 },
        new object[] { "\uDC00b", "U+DC00", 0 },
    ];

    [TestCaseSource(nameof(LoneSurrogateLabels))]
    public void Add_RefusesALabelWithALoneSurrogate_NamingTheExampleAndIndex(string label, string code, int index)
    {
        var labels = new LabelIndexer("examples");
        labels.Add("fine", 0);

        var ex = Assert.Throws<ArgumentException>(() => labels.Add(label, 3));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ParamName, Is.EqualTo("examples"));
            Assert.That(ex.Message, Does.StartWith($"The label of examples[3] contains an unpaired surrogate ({code}) at index {index};"));
        });
    }

    [TestCase("\u200B")]
    [TestCase("\0")]
    public void Add_RefusesALabelThatHoldsNothing(string label)
    {
        var labels = new LabelIndexer("examples");

        var ex = Assert.Throws<ArgumentException>(() => labels.Add(label, 0));

        Assert.That(ex!.Message, Does.StartWith("examples[0] has a blank label"));
    }

    [Test]
    public void Fit_RefusesLabelsThatWouldNotRoundTrip_BeforeAnythingIsSaved()
    {
        // Row 7 of issue 12: 'x\uD800' and 'x\uD801' saved, then refused to load (both became 'x\uFFFD').
        LabeledEmbedding[] examples = [new("x\uD800", new float[] { 1, 0 }), new("x\uD801", new float[] { 0, 1 })];

        var ex = Assert.Throws<ArgumentException>(() => EmbeddingClassifier.Fit(examples));

        Assert.That(ex!.ParamName, Is.EqualTo("examples"));
    }

    [Test]
    public void Add_KeepsLabelsWithPairedSurrogates()
    {
        var labels = new LabelIndexer("examples");

        Assert.Multiple(() =>
        {
            Assert.That(labels.Add("\U0001F600", 0), Is.Zero);
            Assert.That(labels.Add("\U0001F601", 1), Is.EqualTo(1));
        });
    }
}
