using System.Text.Json;
using EmbedClassify.Cli.Tests.TestDoubles;

namespace EmbedClassify.Cli.Tests.Commands;

/// <summary>train --fine-tune → inspect → predict, each as its own process, on one short run.</summary>
[TestFixture]
public sealed class FineTuneTests
{
    private Workspace _workspace = null!;
    private ToolProcess.Result _train = null!;

    [OneTimeSetUp]
    public async Task TrainOnce()
    {
        _workspace = new Workspace();

        // One pair iteration: 24 pairs, 2 steps; enough to tune and save a model of its own.
        _train = await _workspace.RunAsync("train", "data.csv", "-o", "model.ecm", "--fine-tune", "--pair-iterations", "1", "--cache", _workspace.CachePath);
    }

    [OneTimeTearDown]
    public void Cleanup() => _workspace.Dispose();

    [Test]
    public void Train_SavesTheTunedModelBesideTheModelFile()
    {
        Assert.That(_train.ExitCode, Is.Zero, _train.StandardError);
        Assert.That(File.Exists(_workspace.PathOf("model.ecm")), Is.True);
        Assert.That(File.Exists(_workspace.PathOf("model.ecm.tuned/model.onnx")), Is.True);
        Assert.That(_train.StandardError, Does.Contain("fine-tuning step 2/2").And.Contain("fine-tuned model all-MiniLM-L6-v2-tuned-"));
    }

    [Test]
    public async Task Inspect_NamesTheTunedModelAndItsFolder()
    {
        ToolProcess.Result result = await _workspace.RunAsync("inspect", "model.ecm");

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.That(result.StandardOutput, Does.Contain("onnx/all-MiniLM-L6-v2-tuned-").And.Contain("Fine-tuned model").And.Contain("model.ecm.tuned"));
    }

    [Test]
    public async Task Predict_LoadsTheTunedModel()
    {
        ToolProcess.Result result = await _workspace.RunWithInputAsync("I was charged twice on my card\n", "predict", "model.ecm", "--cache", _workspace.CachePath);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        JsonElement line = JsonDocument.Parse(result.StandardOutput.Trim()).RootElement;
        Assert.That(line.GetProperty("scores").EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "billing", "bug", "feature" }));
    }

    [Test]
    public async Task Predict_WithoutTheTunedModelFolder_FailsNamingIt()
    {
        using var workspace = new Workspace();
        File.Copy(_workspace.PathOf("model.ecm"), workspace.PathOf("moved.ecm"));

        ToolProcess.Result result = await workspace.RunWithInputAsync("hello\n", "predict", "moved.ecm", "--no-cache");

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.StandardError, Does.Contain("moved.ecm.tuned").And.Contain("fine-tuned model"));
    }

    [Test]
    public async Task EvalFineTune_EstimatesTheGainByFolds_WithoutSavingAnything()
    {
        using var workspace = new Workspace();
        ToolProcess.Result result = await workspace.RunAsync("eval", "data.csv", "--fine-tune", "--pair-iterations", "1", "--folds", "2", "--cache", workspace.CachePath);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.That(result.StandardOutput, Does.Contain("2-fold estimate over 12 examples").And.Contain("frozen").And.Contain("tuned").And.Contain("95% interval"));
        Assert.That(result.StandardError, Does.Contain("fold 1/2: fine-tuning step").And.Contain("fold 2/2: fine-tuning step"));
        Assert.That(Directory.GetDirectories(workspace.PathOf(".")).Where(d => d.EndsWith(".tuned", StringComparison.Ordinal)), Is.Empty);
    }

    [TestCase("--folds", "2")]
    [TestCase("--fine-tune", "--folds", "1")]
    [TestCase("--fine-tune", "--loo")]
    [TestCase("--fine-tune", "--n", "2")]
    [TestCase("--max-steps", "2")]
    public async Task Eval_BadFineTuneArguments_AreUsageErrors(params string[] extra)
    {
        ToolProcess.Result result = await _workspace.RunAsync(["eval", "data.csv", "--no-cache", .. extra]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.StandardError);
    }

    [Test]
    public async Task EvalFineTune_WithALabelOfOneExample_FailsNamingIt()
    {
        using var workspace = new Workspace();
        File.AppendAllText(workspace.PathOf("data.csv"), "\na lonely example,lonely\n");
        ToolProcess.Result result = await workspace.RunAsync("eval", "data.csv", "--fine-tune", "--no-cache");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.StandardError);
        Assert.That(result.StandardError, Does.Contain("'lonely' has 1 example"));
    }

    [TestCase("--fine-tune", "--fine-tune-layers", "7")]
    [TestCase("--pair-iterations", "2")]
    [TestCase("--fine-tune-layers", "2")]
    [TestCase("--max-steps", "2")]
    [TestCase("--fine-tune", "--max-steps", "0")]
    public async Task Train_BadFineTuneArguments_AreUsageErrors(params string[] extra)
    {
        ToolProcess.Result result = await _workspace.RunAsync(["train", "data.csv", "-o", "bad.ecm", "--no-cache", .. extra]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.StandardError);
        Assert.That(File.Exists(_workspace.PathOf("bad.ecm")), Is.False);
    }
}
