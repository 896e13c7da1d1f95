using Microsoft.Extensions.AI;

namespace EmbedClassify.FineTuning.Tests.Tuning;

public sealed class FineTunedClassifierEstimateTests
{
    private static readonly FineTuningOptions ShortRun = new() { PairIterations = 2, BatchSize = 4, MaxSequenceLength = 24, Seed = 5 };

    [Test]
    public async Task EstimateGainAsync_PredictsEveryExampleOnce_FromTuningRunsOnTheOtherFolds()
    {
        FineTuningGainEstimate estimate = await FineTunedClassifier.EstimateGainAsync(FineTuningRunTests.Examples, ShortRun);

        Assert.That(estimate.Folds, Is.EqualTo(2));
        Assert.That(estimate.HeldOutCount, Is.EqualTo(FineTuningRunTests.Examples.Length));
        Assert.That(estimate.FoldSummaries, Has.Count.EqualTo(2));

        // Stratified: each fold holds out two of each label's four and tunes on the other four examples.
        Assert.That(estimate.FoldSummaries, Has.All.Matches<FineTuningSummary>(s => s!.ExampleCount == 4 && s.LabelCount == 2 && s.Seed == 5));
        foreach (double accuracy in new[] { estimate.FrozenAccuracy, estimate.TunedAccuracy })
        {
            Assert.That(accuracy * 8, Is.EqualTo(Math.Round(accuracy * 8)).Within(1e-9), "a share of the eight examples");
        }

        Assert.That(estimate.Difference, Is.EqualTo(estimate.TunedAccuracy - estimate.FrozenAccuracy));
        Assert.That(estimate.DifferenceLow, Is.LessThanOrEqualTo(estimate.Difference));
        Assert.That(estimate.DifferenceHigh, Is.GreaterThanOrEqualTo(estimate.Difference));
        TestContext.Out.WriteLine($"frozen {estimate.FrozenAccuracy:F3}, tuned {estimate.TunedAccuracy:F3}, [{estimate.DifferenceLow:F3}, {estimate.DifferenceHigh:F3}]");

        FineTuningGainEstimate again = await FineTunedClassifier.EstimateGainAsync(FineTuningRunTests.Examples, ShortRun);
        Assert.That(again.TunedAccuracy, Is.EqualTo(estimate.TunedAccuracy), "same seed, same folds and runs");
        Assert.That(again.FoldSummaries.Select(s => s.FinalLoss), Is.EqualTo(estimate.FoldSummaries.Select(s => s.FinalLoss)));
    }

    [Test]
    public async Task EstimateGainAsync_ComparesAgainstTheGivenFrozenGenerator_AndLeavesItUndisposed()
    {
        // A generator that knows every label puts each example (and the label's name, which the classifier embeds too) on
        // its label's axis: the frozen side cannot miss.
        using var oracle = new LabelAxisGenerator(FineTuningRunTests.Examples);
        FineTuningGainEstimate estimate = await FineTunedClassifier.EstimateGainAsync(
            FineTuningRunTests.Examples, ShortRun, frozenGenerator: oracle, folds: 4);

        Assert.That(estimate.FrozenAccuracy, Is.EqualTo(1.0));
        Assert.That(estimate.Folds, Is.EqualTo(4));
        Assert.That(estimate.FoldSummaries, Has.All.Matches<FineTuningSummary>(s => s!.ExampleCount == 6));
        Assert.That(oracle.Calls, Is.GreaterThan(0));
        Assert.That(oracle.Disposed, Is.False);
    }

    [Test]
    public async Task EstimateGainAsync_RefusesInputItCannotSplit()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => FineTunedClassifier.EstimateGainAsync(null!));

        ArgumentOutOfRangeException? folds = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => FineTunedClassifier.EstimateGainAsync(FineTuningRunTests.Examples, folds: 1));
        Assert.That(folds!.ParamName, Is.EqualTo("folds"));

        ArgumentException? tooFew = await Assert.ThrowsAsync<ArgumentException>(
            () => FineTunedClassifier.EstimateGainAsync([.. FineTuningRunTests.Examples, new("A chess final went to a tie-break.", "games")]));
        Assert.That(tooFew!.ParamName, Is.EqualTo("examples"));
        Assert.That(tooFew.Message, Does.Contain("'games' has 1 example").And.Contain("2 folds"));

        ArgumentException? oneLabel = await Assert.ThrowsAsync<ArgumentException>(
            () => FineTunedClassifier.EstimateGainAsync(FineTuningRunTests.Examples.Where(e => e.Label == "sport")));
        Assert.That(oneLabel!.Message, Does.Contain("at least two labels"));

        await Assert.ThrowsAsync<ArgumentException>(
            () => FineTunedClassifier.EstimateGainAsync([.. FineTuningRunTests.Examples, new(" ", "sport")]));
        await Assert.ThrowsAsync<ArgumentException>(
            () => FineTunedClassifier.EstimateGainAsync(FineTuningRunTests.Examples, folds: 5), "four of each label cannot fill five folds");
    }

    [Test]
    public void EstimateGainAsync_StopsWhenCanceled()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        Assert.That(
            () => FineTunedClassifier.EstimateGainAsync(FineTuningRunTests.Examples, ShortRun, cancellationToken: cancellation.Token),
            Throws.InstanceOf<OperationCanceledException>());
    }

    private sealed class LabelAxisGenerator(IEnumerable<LabeledExample> examples) : IEmbeddingGenerator<string, Embedding<float>>
    {
        private readonly Dictionary<string, int> _axis = examples
            .GroupBy(e => e.Label)
            .SelectMany((g, axis) => g.Select(e => (e.Text, axis)).Append((g.Key, axis)))
            .ToDictionary(p => p.Item1, p => p.axis);

        public int Calls { get; private set; }

        public bool Disposed { get; private set; }

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
            IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            Calls++;
            var result = new GeneratedEmbeddings<Embedding<float>>();
            foreach (string text in values)
            {
                var vector = new float[8];
                vector[_axis[text]] = 1;
                vector[2 + (text.Length % 6)] = 0.1f;
                result.Add(new Embedding<float>(vector));
            }

            return Task.FromResult(result);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose() => Disposed = true;
    }
}
