using EmbedClassify.Onnx;
using Microsoft.Extensions.AI;

namespace EmbedClassify.FineTuning.Tests.Tuning;

/// <summary>A short real run: the whole model, a few steps on a tiny set.</summary>
public sealed class FineTuningRunTests
{
    internal static readonly LabeledExample[] Examples =
    [
        new("The invoice is attached, payment due in thirty days.", "billing"),
        new("Please settle the outstanding balance on your account.", "billing"),
        new("Your card was charged twice for the same order.", "billing"),
        new("A refund of the overpayment was issued today.", "billing"),
        new("The striker scored twice in the second half.", "sport"),
        new("The home team won the championship final.", "sport"),
        new("She set a new record in the marathon.", "sport"),
        new("The coach was sacked after five straight defeats.", "sport"),
    ];

    private static readonly FineTuningOptions ShortRun = new() { PairIterations = 4, BatchSize = 4, MaxSequenceLength = 24, LearningRate = 1e-4f, Seed = 1 };

    private readonly List<FineTuningProgress> _reports = [];
    private FineTunedModel _model = null!;

    [OneTimeSetUp]
    public async Task TrainOnce() =>
        _model = await FineTunedModel.TrainAsync(Examples, ShortRun, new InlineProgress(_reports.Add));

    [Test]
    public void TrainAsync_ReportsEveryStepInOrder_AndTheLossFalls()
    {
        // 2 × 4 × 8 pairs in batches of 4.
        Assert.That(_model.Summary.Steps, Is.EqualTo(16));
        Assert.That(_reports.Select(r => r.Step), Is.EqualTo(Enumerable.Range(1, 16)));
        Assert.That(_reports, Has.All.Matches<FineTuningProgress>(r => r!.TotalSteps == 16 && float.IsFinite(r.Loss)));
        Assert.That(_model.Summary.FinalLoss, Is.LessThan(_model.Summary.InitialLoss));
        TestContext.Out.WriteLine($"loss {_model.Summary.InitialLoss:F4} -> {_model.Summary.FinalLoss:F4} in {_model.Summary.Duration.TotalSeconds:F1} s");
    }

    [Test]
    public async Task TheTunedModel_PullsALabelTogether_MoreThanTheBuiltInModelDoes()
    {
        using OnnxEmbeddingGenerator tuned = _model.CreateGenerator();
        using OnnxEmbeddingGenerator builtIn = OnnxEmbeddingGenerator.CreateDefault();

        Assert.That(Margin(await tuned.GenerateAsync(Examples.Select(e => e.Text))), Is.GreaterThan(Margin(await builtIn.GenerateAsync(Examples.Select(e => e.Text)))));
    }

    [Test]
    public async Task TheTunedModel_SavesLoadsAndEmbedsUnderItsOwnId()
    {
        string folder = Directory.CreateTempSubdirectory("embedclassify-run-").FullName;
        try
        {
            await _model.SaveAsync(folder);
            FineTunedModel loaded = await FineTunedModel.LoadAsync(folder);
            using OnnxEmbeddingGenerator generator = loaded.CreateGenerator();

            Assert.That(loaded.ModelId, Is.EqualTo(_model.ModelId));
            Assert.That(generator.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId, Is.EqualTo(_model.ModelId));
            Assert.That((await generator.GenerateAsync(["embeds"]))[0].Vector.Length, Is.EqualTo(384));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task TrainAsync_WithTheSameSeed_GivesTheSameWeights()
    {
        FineTunedModel again = await FineTunedModel.TrainAsync(Examples, ShortRun);

        Assert.That(again.Fingerprint, Is.EqualTo(_model.Fingerprint));
    }

    [Test]
    public async Task TrainAsync_WithMaxSteps_StopsThere()
    {
        FineTuningOptions options = ShortRun.Clone();
        options.MaxSteps = 3;
        var reports = new List<FineTuningProgress>();

        FineTunedModel capped = await FineTunedModel.TrainAsync(Examples, options, new InlineProgress(reports.Add));

        Assert.That(capped.Summary.Steps, Is.EqualTo(3));
        Assert.That(reports.Select(r => (r.Step, r.TotalSteps)), Is.EqualTo(new[] { (1, 3), (2, 3), (3, 3) }));
    }

    [Test]
    public async Task TrainAsync_FromEightThreadsAtOnce_GivesEachTheWeightsOfARunAlone()
    {
        // The matrix kernels, attention and optimizer split work across threads; none may share state between runs or
        // make the sums depend on scheduling.
        var options = new FineTuningOptions { PairIterations = 1, BatchSize = 8, MaxSequenceLength = 16, Seed = 5 };
        FineTunedModel alone = await FineTunedModel.TrainAsync(Examples, options);

        FineTunedModel[] together = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => FineTunedModel.TrainAsync(Examples, options))));

        Assert.That(together.Select(m => m.Fingerprint), Has.All.EqualTo(alone.Fingerprint));
    }

    [Test]
    public async Task TrainAsync_TopLayersOnly_LeavesTheLowerLayersAndEmbeddingsUnchanged()
    {
        FineTuningOptions options = ShortRun.Clone();
        options.TrainedLayers = 1;
        options.PairIterations = 1;
        FineTunedModel topOnly = await FineTunedModel.TrainAsync(Examples, options);

        BertWeights original = OnnxBertGraph.Parse(Model.OnnxBertGraphTests.BuiltInGraph()).ReadWeights();
        BertWeights tuned = topOnly.ReadWeights();
        Assert.That(tuned.WordEmbeddings, Is.EqualTo(original.WordEmbeddings));
        Assert.That(tuned.Layers[4].Output, Is.EqualTo(original.Layers[4].Output));
        Assert.That(tuned.Layers[5].Output, Is.Not.EqualTo(original.Layers[5].Output));
    }

    [Test]
    public async Task TrainAsync_Canceled_ThrowsOperationCanceled()
    {
        using var cancellation = new CancellationTokenSource();
        var progress = new InlineProgress(_ => cancellation.Cancel());

        await Assert.CatchAsync<OperationCanceledException>(() => FineTunedModel.TrainAsync(Examples, ShortRun, progress, cancellation.Token));
    }

    [Test]
    public async Task TrainAsync_BadExamples_ThrowNamingExamples()
    {
        Assert.That((await Assert.ThrowsAsync<ArgumentException>(() => FineTunedModel.TrainAsync(Examples.Where(e => e.Label == "sport"))))!.ParamName, Is.EqualTo("examples"));
        Assert.That((await Assert.ThrowsAsync<ArgumentException>(() => FineTunedModel.TrainAsync([.. Examples, new("  ", "sport")])))!.ParamName, Is.EqualTo("examples"));
        Assert.That((await Assert.ThrowsAsync<ArgumentException>(() => FineTunedModel.TrainAsync([.. Examples, default])))!.ParamName, Is.EqualTo("examples"));
        await Assert.ThrowsAsync<ArgumentNullException>(() => FineTunedModel.TrainAsync(null!));
    }

    /// <summary>Mean cosine within labels minus mean cosine across them.</summary>
    private static double Margin(GeneratedEmbeddings<Embedding<float>> vectors)
    {
        double within = 0, across = 0;
        int withinCount = 0, acrossCount = 0;
        for (int i = 0; i < Examples.Length; i++)
        {
            for (int j = i + 1; j < Examples.Length; j++)
            {
                double cosine = System.Numerics.Tensors.TensorPrimitives.Dot(vectors[i].Vector.Span, vectors[j].Vector.Span);
                if (Examples[i].Label == Examples[j].Label)
                {
                    within += cosine;
                    withinCount++;
                }
                else
                {
                    across += cosine;
                    acrossCount++;
                }
            }
        }

        return (within / withinCount) - (across / acrossCount);
    }

    internal sealed class InlineProgress(Action<FineTuningProgress> report) : IProgress<FineTuningProgress>
    {
        public void Report(FineTuningProgress value) => report(value);
    }
}
