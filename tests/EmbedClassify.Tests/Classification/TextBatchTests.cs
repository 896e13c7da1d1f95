using EmbedClassify.Tests.TestDoubles;
using Microsoft.Extensions.AI;

namespace EmbedClassify.Tests.Classification;

public class TextBatchTests
{
    [Test]
    public void Validate_RefusesTextsThatHoldNothing_WithTheMessageOfAnEmptyText()
    {
        // Row 6 of issue 12: NUL, control characters, zero-width and direction marks and a lone surrogate all passed.
        string[] nothing = ["\0", "\u0001\u001F", "\u200B\u200D\uFEFF", "\u200E\u202E", "\uD800"];
        var empty = Assert.Throws<ArgumentException>(() => TextBatch.Validate(["ok", ""], "texts"));

        Assert.Multiple(() =>
        {
            for (int i = 0; i < nothing.Length; i++)
            {
                var ex = Assert.Throws<ArgumentException>(() => TextBatch.Validate(["ok", nothing[i]], "texts"), $"text {i}");
                Assert.That(ex!.ParamName, Is.EqualTo("texts"));
                Assert.That(ex.Message, Is.EqualTo(empty!.Message), $"text {i}");
            }

            Assert.That(empty!.Message, Does.StartWith("texts[1] is blank"));
        });
    }

    [Test]
    public void Validate_RefusesALoneSurrogate_NamingTheTextAndIndex()
    {
        var ex = Assert.Throws<ArgumentException>(() => TextBatch.Validate(["fine", "bad \uDC00 text"], "texts"));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ParamName, Is.EqualTo("texts"));
            Assert.That(ex.Message, Does.StartWith("texts[1] contains an unpaired surrogate (U+DC00) at index 4;"));
        });
    }

    [Test]
    public void Validate_AcceptsPairedSurrogatesAndInvisibleCharactersAroundContent() =>
        Assert.That(() => TextBatch.Validate(["\U0001F600", "\u200Bword\u200E", "a\0b"], "texts"), Throws.Nothing);

    [Test]
    public async Task EmbedAsync_ThrowsInvalidOperationNamingTheIndex_WhenTheGeneratorReturnsANullElement()
    {
        // Row 5 of issue 12: a null element surfaced as NullReferenceException from FewShotClassifier/HybridClassifier.CreateAsync.
        var generator = new NullElementGenerator(nullAt: 2);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => TextBatch.EmbedAsync(generator, ["a", "b", "c", "d"], null, default));

        Assert.That(ex!.Message, Does.Contain("null embedding for input 2"));
    }

    [Test]
    public async Task EmbedAsync_NamesTheInputIndex_WhenTheFirstElementIsNullAndDimensionsAreUnknown()
    {
        var generator = new NullElementGenerator(nullAt: 0);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => TextBatch.EmbedAsync(generator, ["a", "b"], null, default));

        Assert.That(ex!.Message, Does.Contain("input 0"));
    }

    [Test]
    public async Task FewShotClassifierCreateAsync_ThrowsInvalidOperationNamingTheIndex_WhenTheGeneratorReturnsANullElement()
    {
        // Row 5 of issue 12 through the public entry point the tester used (NullReferenceException before).
        LabeledExample[] examples = [new("cheap pills", "spam"), new("lunch at noon", "ham"), new("win money", "spam")];

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => FewShotClassifier.CreateAsync(new NullElementGenerator(nullAt: 1), examples));

        Assert.That(ex!.Message, Does.Contain("input 1"));
    }

    [Test]
    public async Task FewShotClassifierPredictBatchAsync_RefusesTextsThatHoldNothing_BeforeEmbedding()
    {
        // Row 6 of issue 12 through a public entry point that validates with TextBatch.Validate.
        FakeEmbeddingGenerator generator = BagOfWords.Generator();
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(
            generator, [new("cheap pills", "spam"), new("lunch at noon", "ham")]);
        int callsBefore = generator.Calls.Count;

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => classifier.PredictBatchAsync(["fine", "\u200B\u200E\0"]));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ParamName, Is.EqualTo("texts"));
            Assert.That(ex.Message, Does.StartWith("texts[1] is blank"));
            Assert.That(generator.Calls, Has.Count.EqualTo(callsBefore));
        });
    }

    private sealed class NullElementGenerator(int nullAt) : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
            IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            string[] texts = [.. values];
            var result = new GeneratedEmbeddings<Embedding<float>>();
            for (int i = 0; i < texts.Length; i++)
            {
                result.Add(i == nullAt ? null! : new Embedding<float>(ScriptedEmbeddingGenerator.VectorFor(texts[i])));
            }

            return Task.FromResult(result);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
