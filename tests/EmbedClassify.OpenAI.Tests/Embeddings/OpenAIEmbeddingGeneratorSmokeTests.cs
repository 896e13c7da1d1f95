namespace EmbedClassify.OpenAI.Tests;

/// <summary>Calls the real OpenAI API; runs only when <c>OPENAI_API_KEY</c> is set, and costs a fraction of a cent.</summary>
[Category("RealApi")]
public class OpenAIEmbeddingGeneratorSmokeTests
{
    [Test]
    public async Task GenerateAsync_EmbedsWithRealApi_SimilarTextsScoringHigher()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OPENAI_API_KEY")))
        {
            Assert.Ignore("OPENAI_API_KEY not set: real-API smoke test skipped");
        }

        using var generator = new OpenAIEmbeddingGenerator(new OpenAIEmbeddingGeneratorOptions { MaxRetries = 2 });

        var result = await generator.GenerateAsync(
        [
            "The cat sat on the mat.",
            "A kitten is resting on the rug.",
            "Quarterly revenue grew by eight percent.",
        ]);

        float similar = VectorMath.CosineSimilarity(result[0].Vector.Span, result[1].Vector.Span);
        float unrelated = VectorMath.CosineSimilarity(result[0].Vector.Span, result[2].Vector.Span);
        Assert.Multiple(() =>
        {
            Assert.That(result.Select(e => e.Vector.Length), Is.All.EqualTo(1536));
            Assert.That(similar, Is.GreaterThan(unrelated));
            Assert.That(result.Usage?.InputTokenCount, Is.GreaterThan(0));
        });
    }
}
