using System.Text.Json;
using EmbedClassify.Cli.Tests.TestDoubles;

namespace EmbedClassify.Cli.Tests.Commands;

/// <summary>train → inspect → predict → eval, each as its own process, on one model trained once.</summary>
[TestFixture]
public sealed class RoundTripTests
{
    private Workspace _workspace = null!;
    private ToolProcess.Result _train = null!;

    [OneTimeSetUp]
    public async Task TrainOnce()
    {
        _workspace = new Workspace();
        _train = await _workspace.RunAsync("train", "data.csv", "-o", "model.ecm", "--strategy", "centroid", "--include-texts", "--cache", _workspace.CachePath);
    }

    [OneTimeTearDown]
    public void Cleanup() => _workspace.Dispose();

    [Test]
    public void Train_WritesModelAndOneSummaryLine()
    {
        Assert.That(_train.ExitCode, Is.Zero, _train.StandardError);
        Assert.That(File.Exists(_workspace.PathOf("model.ecm")), Is.True);
        Assert.That(File.Exists(_workspace.CachePath), Is.True, "embeddings go to the --cache database");
        Assert.That(_train.ErrorLines, Has.Length.EqualTo(1).And.One.Contains("3 classes, 12 examples"));
    }

    [Test]
    public async Task Inspect_ShowsFormatStrategyLabelsCountsAndIdentity()
    {
        ToolProcess.Result result = await _workspace.RunAsync("inspect", "model.ecm");

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.That(result.StandardOutput, Does.Contain("Format version").And.Contain("NearestCentroid").And.Contain("billing, bug, feature")
            .And.Contain("onnx/all-MiniLM-L6-v2").And.Contain("384").And.Contain("12").And.Contain("Created (UTC)"));
        Assert.That(result.StandardOutput, Does.Match(@"Includes texts\s*│\s*yes"));
    }

    [Test]
    public async Task Predict_ReadsStandardInput_AndWritesOneJsonLinePerText()
    {
        ToolProcess.Result result = await _workspace.RunWithInputAsync(
            "I was charged twice on my card\n\nThe app keeps crashing on start\n", "predict", "model.ecm", "--cache", _workspace.CachePath);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        JsonElement[] lines = ParseLines(result.StandardOutput);
        Assert.That(lines, Has.Length.EqualTo(2));
        Assert.That(lines[0].GetProperty("text").GetString(), Is.EqualTo("I was charged twice on my card"));
        Assert.That(lines[0].GetProperty("label").GetString(), Is.EqualTo("billing"));
        Assert.That(lines[1].GetProperty("label").GetString(), Is.EqualTo("bug"));
        Assert.That(lines[0].GetProperty("score").GetDouble(), Is.EqualTo(lines[0].GetProperty("scores").GetProperty("billing").GetDouble()));
        Assert.That(lines[0].GetProperty("scores").EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "billing", "bug", "feature" }));
        Assert.That(lines[0].TryGetProperty("unknown", out _), Is.False);
        Assert.That(result.StandardError, Is.Empty);
    }

    [Test]
    public async Task Predict_ReadsJsonLinesFile_WithTextMember()
    {
        File.WriteAllText(_workspace.PathOf("input.jsonl"), "{\"id\":1,\"text\":\"Please add a \\\"dark\\\" theme\"}\n{\"text\":\"Refund my payment\"}\n");

        ToolProcess.Result result = await _workspace.RunAsync("predict", "model.ecm", "input.jsonl", "--cache", _workspace.CachePath);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        JsonElement[] lines = ParseLines(result.StandardOutput);
        Assert.That(lines.Select(l => l.GetProperty("text").GetString()), Is.EqualTo(new[] { "Please add a \"dark\" theme", "Refund my payment" }));
        Assert.That(lines.Select(l => l.GetProperty("label").GetString()), Is.EqualTo(new[] { "feature", "billing" }));
    }

    [Test]
    public async Task Predict_WithDetectUnknownModel_WritesOnlyKnownMembersOrUnknownTrue()
    {
        ToolProcess.Result train = await _workspace.RunAsync(
            "train", "data.csv", "-o", "unknown.ecm", "--detect-unknown", "--cache", _workspace.CachePath);
        Assert.That(train.ExitCode, Is.Zero, train.StandardError);

        ToolProcess.Result result = await _workspace.RunWithInputAsync("Bananas are yellow\nBilled twice\n", "predict", "unknown.ecm", "-", "--cache", _workspace.CachePath);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        foreach (JsonElement line in ParseLines(result.StandardOutput))
        {
            Assert.That(line.EnumerateObject().Select(p => p.Name), Is.SubsetOf(new[] { "text", "label", "score", "scores", "unknown" }));
            if (line.TryGetProperty("unknown", out JsonElement unknown))
            {
                Assert.That(unknown.GetBoolean(), Is.True);
            }
        }
    }

    [Test]
    public async Task Eval_PrintsLearningCurvePerClassAndConfusionTables()
    {
        ToolProcess.Result result = await _workspace.RunAsync("eval", "data.csv", "--n", "1,2,10", "--repetitions", "5", "--cache", _workspace.CachePath);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.That(result.StandardOutput, Does.Contain("Learning curve").And.Contain("Per class at n = 2").And.Contain("Confusion matrix")
            .And.Contain("Precision").And.Contain("Recall").And.Contain("billing"));
    }

    [Test]
    public async Task Eval_LeaveOneOut_PrintsAccuracy()
    {
        ToolProcess.Result result = await _workspace.RunAsync("eval", "data.csv", "--loo", "--cache", _workspace.CachePath);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.That(result.StandardOutput, Does.Contain("Leave-one-out over 12 examples").And.Contain("Confusion matrix"));
    }

    [Test]
    public async Task Eval_WithPlot_WritesPng()
    {
        ToolProcess.Result result = await _workspace.RunAsync(
            "eval", "data.csv", "--n", "2", "--repetitions", "2", "--plot", "eval.png", "--cache", _workspace.CachePath);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        byte[] png = File.ReadAllBytes(_workspace.PathOf("eval.png"));
        Assert.That(png[..4], Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }));
    }

    [Test]
    public async Task Train_OverManyTexts_WithRedirectedError_ReportsPlainProgressLines()
    {
        string[] rows = [.. Enumerable.Range(0, 70).Select(i => i % 2 == 0 ? $"\"invoice number {i} was charged twice\",billing" : $"\"screen {i} crashes on start\",bug")];
        File.WriteAllLines(_workspace.PathOf("many.csv"), ["text,label", .. rows]);

        ToolProcess.Result result = await _workspace.RunAsync("train", "many.csv", "-o", "many.ecm", "--cache", _workspace.CachePath);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.That(result.StandardError, Does.Contain("embedded 64/70 texts").And.Contain("embedded 70/70 texts").And.Contain("texts/s, ETA"));
        // An ordinal check: culture-aware substring search (which Does.Contain uses) ignores control characters like ESC.
        Assert.That(result.StandardError.Contains('\u001b', StringComparison.Ordinal), Is.False, "no ANSI animation when standard error is redirected");
    }

    private static JsonElement[] ParseLines(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
}
