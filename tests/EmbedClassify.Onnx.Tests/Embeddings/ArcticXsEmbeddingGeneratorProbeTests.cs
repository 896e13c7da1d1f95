using System.Diagnostics;
using EmbedClassify.Onnx.ArcticXs;
using Microsoft.Extensions.AI;

namespace EmbedClassify.Onnx.Tests;

/// <summary>
/// <see cref="ArcticXsEmbeddingGenerator"/> used the way a careless or hostile caller would: out-of-range lengths,
/// empty and megabyte texts, cancellation.
/// </summary>
public class ArcticXsEmbeddingGeneratorProbeTests
{
    [TestCase(513)]
    [TestCase(int.MaxValue)]
    [TestCase(2)]
    [TestCase(int.MinValue)]
    public void MaxSequenceLength_OutOfRange_IsRefusedBeforeTheModelLoads(int length)
    {
        var options = new OnnxEmbeddingGeneratorOptions();

        Assert.That(() => options.MaxSequenceLength = length, Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(options.MaxSequenceLength, Is.EqualTo(OnnxEmbeddingGeneratorOptions.DefaultMaxSequenceLength), "unchanged");
    }

    [Test]
    public async Task EmptyAndNullTexts_AreRefusedNamingValues_AndWhiteSpaceIsEmbedded()
    {
        using OnnxEmbeddingGenerator generator = ArcticXsEmbeddingGenerator.Create();

        Assert.Multiple(() =>
        {
            Assert.That(() => generator.GenerateAsync(["fine", ""]), Throws.ArgumentException.With.Property("ParamName").EqualTo("values"));
            Assert.That(() => generator.GenerateAsync(["fine", null!]), Throws.ArgumentException.With.Property("ParamName").EqualTo("values"));
            Assert.That(() => generator.GenerateAsync(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("values"));
        });

        GeneratedEmbeddings<Embedding<float>> blank = await generator.GenerateAsync([" \t\u200B"]);
        Assert.That(System.Numerics.Tensors.TensorPrimitives.Norm(blank[0].Vector.Span), Is.EqualTo(1f).Within(1e-5f));
    }

    [TestCase(256)]
    [TestCase(512)]
    public async Task AMegabyteText_CostsAboutWhatItsFirstTokensCost(int maxSequenceLength)
    {
        using OnnxEmbeddingGenerator generator = ArcticXsEmbeddingGenerator.Create(new() { MaxSequenceLength = maxSequenceLength });
        string words = string.Join(' ', Enumerable.Repeat("The quarterly meeting covered budgets, hiring plans and the office move.", 14_000));
        string oneWord = new('x', 1 << 20);
        string punctuation = string.Concat(Enumerable.Repeat("!?", 1 << 19));
        string head = words[..20_000];
        _ = await generator.GenerateAsync([head]);

        var watch = Stopwatch.StartNew();
        Embedding<float> short_ = (await generator.GenerateAsync([head]))[0];
        TimeSpan headTime = watch.Elapsed;
        watch.Restart();
        GeneratedEmbeddings<Embedding<float>> huge = await generator.GenerateAsync([words, oneWord, punctuation]);
        TimeSpan hugeTime = watch.Elapsed;
        TestContext.Out.WriteLine($"20 kB {headTime.TotalMilliseconds:F0} ms, three 1 MB texts {hugeTime.TotalMilliseconds:F0} ms");

        Assert.Multiple(() =>
        {
            Assert.That(words.Length, Is.GreaterThan(1_000_000));
            Assert.That(huge[0].Vector.ToArray(), Is.EqualTo(short_.Vector.ToArray()).Within(1e-5f), "only the first tokens are read");
            Assert.That(huge.Usage!.InputTokenCount, Is.LessThanOrEqualTo(3 * maxSequenceLength));
            Assert.That(hugeTime.TotalSeconds, Is.LessThan(Math.Max(10, 50 * headTime.TotalSeconds)));
        });
    }

    [Test]
    public async Task GenerateAsync_StopsWhenCanceled()
    {
        using OnnxEmbeddingGenerator generator = ArcticXsEmbeddingGenerator.Create();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        Assert.That(() => generator.GenerateAsync(["hello"], cancellationToken: cancellation.Token), Throws.InstanceOf<OperationCanceledException>());
    }
}
