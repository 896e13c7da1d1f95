using Microsoft.Extensions.AI;

namespace EmbedClassify.FineTuning.Tests.Tuning;

/// <summary>
/// <see cref="FineTunedClassifier.EstimateGainAsync"/> given arguments a careless or hostile caller would: each must be
/// refused, naming it, before any tuning run starts (and so without loading the built-in model).
/// </summary>
public sealed class FineTunedClassifierEstimateProbeTests
{
    private static LabeledExample[] Examples => FineTuningRunTests.Examples;

    [TestCase(1)]
    [TestCase(0)]
    [TestCase(-3)]
    [TestCase(int.MinValue)]
    public void Folds_BelowTwo_AreRefusedNamingFolds(int folds)
    {
        var progress = new Recorder();

        Assert.That(
            () => FineTunedClassifier.EstimateGainAsync(Examples, frozenGenerator: new UnusedGenerator(), folds: folds, progress: progress),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("folds"));
        Assert.That(progress.Reports, Is.Zero);
    }

    [Test]
    public void MoreFoldsThanExamplesOfALabel_AreRefusedNamingExamples_WithoutEmbedding()
    {
        var generator = new UnusedGenerator();

        Assert.That(
            () => FineTunedClassifier.EstimateGainAsync(Examples, frozenGenerator: generator, folds: int.MaxValue),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("examples").And.Message.Contains("folds"));
        Assert.That(generator.Calls, Is.Zero);
    }

    [TestCase(null, "billing")]
    [TestCase("", "billing")]
    [TestCase("A refund was issued.", null)]
    [TestCase("A refund was issued.", " \t")]
    public void BlankTextsAndLabels_AreRefusedNamingExamples_WithoutEmbedding(string? text, string? label)
    {
        var generator = new UnusedGenerator();

        Assert.That(
            () => FineTunedClassifier.EstimateGainAsync([.. Examples, new(text!, label!)], frozenGenerator: generator),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("examples"));
        Assert.That(generator.Calls, Is.Zero);
    }

    [Test]
    public void NoExamples_AndDefaultExamples_AreRefusedNamingExamples()
    {
        Assert.Multiple(() =>
        {
            Assert.That(
                () => FineTunedClassifier.EstimateGainAsync([], frozenGenerator: new UnusedGenerator()),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("examples"));
            Assert.That(
                () => FineTunedClassifier.EstimateGainAsync([default, default], frozenGenerator: new UnusedGenerator()),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("examples"));
        });
    }

    [Test]
    public void BadClassifierOptions_AreRefusedNamingOptions_BeforeAnyTuningRun()
    {
        var generator = new UnusedGenerator();
        var progress = new Recorder();

        Assert.That(
            () => FineTunedClassifier.EstimateGainAsync(
                Examples, options: new FewShotClassifierOptions { UnlabeledWeight = double.NaN }, frozenGenerator: generator, progress: progress),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("options"));
        Assert.Multiple(() =>
        {
            Assert.That(generator.Calls, Is.Zero, "refused before anything is embedded");
            Assert.That(progress.Reports, Is.Zero, "refused before any tuning run");
        });
    }

    private sealed class Recorder : IProgress<FineTuningProgress>
    {
        public int Reports { get; private set; }

        public void Report(FineTuningProgress value) => Reports++;
    }

    /// <summary>A frozen generator that counts calls and fails them: validation must not reach it.</summary>
    private sealed class UnusedGenerator : IEmbeddingGenerator<string, Embedding<float>>
    {
        public int Calls { get; private set; }

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
            IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            Calls++;
            throw new InvalidOperationException("Validation should have refused the arguments before embedding.");
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
