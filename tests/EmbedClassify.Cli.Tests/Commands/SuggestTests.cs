using System.Text.Json;
using EmbedClassify.Cli.Tests.TestDoubles;

namespace EmbedClassify.Cli.Tests.Commands;

/// <summary>train --labels (a start from label names) → suggest → train on the labelled suggestions, each as its own process.</summary>
[TestFixture]
public sealed class SuggestTests
{
    private static readonly string[] Pool =
    [
        "I was charged twice for my subscription",
        "Please refund the duplicate payment",
        "The invoice shows the wrong amount",
        "The app crashes when I open settings",
        "Login fails with an error after the update",
        "The page freezes when I upload a photo",
        "Could you add a dark mode?",
        "Please support exporting reports to Excel",
        "It would be great to have keyboard shortcuts",
        "I was charged twice for my subscription",
    ];

    private Workspace _workspace = null!;
    private ToolProcess.Result _train = null!;

    [OneTimeSetUp]
    public async Task TrainFromLabelNamesOnce()
    {
        _workspace = new Workspace();
        File.WriteAllLines(_workspace.PathOf("pool.txt"), Pool);
        _train = await _workspace.RunAsync("train", "--labels", "billing,bug,feature request", "-o", "names.ecm", "--cache", _workspace.CachePath);
    }

    [OneTimeTearDown]
    public void Cleanup() => _workspace.Dispose();

    [Test]
    public void TrainWithLabels_SavesAModelFromTheLabelNamesAlone()
    {
        Assert.That(_train.ExitCode, Is.Zero, _train.StandardError);
        Assert.That(_train.ErrorLines, Has.Length.EqualTo(1).And.One.Contains("3 classes from their descriptions alone"));
    }

    [Test]
    public async Task Suggest_WritesDistinctPoolTextsWithTheirReasons()
    {
        ToolProcess.Result result = await _workspace.RunAsync("suggest", "names.ecm", "pool.txt", "--count", "3", "--cache", _workspace.CachePath);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        JsonElement[] lines = [.. result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)];
        Assert.That(lines, Has.Length.EqualTo(3));
        Assert.Multiple(() =>
        {
            Assert.That(lines.Select(l => l.GetProperty("text").GetString()).Distinct().Count(), Is.EqualTo(3));
            foreach (JsonElement line in lines)
            {
                int index = line.GetProperty("index").GetInt32();
                Assert.That(line.GetProperty("text").GetString(), Is.EqualTo(Pool[index]));
                Assert.That(line.GetProperty("reason").GetString(), Is.AnyOf("uncertain", "uncovered"));
                Assert.That(line.GetProperty("why").GetString(), Is.Not.Empty);
                Assert.That(new[] { "billing", "bug", "feature request" }, Does.Contain(line.GetProperty("label").GetString()));
                Assert.That(line.GetProperty("margin").GetDouble(), Is.InRange(0, 1));
            }
        });
    }

    [Test]
    public async Task Suggest_ReadsTheTextColumnOfACsv()
    {
        File.WriteAllText(_workspace.PathOf("pool.csv"), "id,text\n1,\"Refund my payment, please\"\n2,The app crashes on start\n");

        ToolProcess.Result result = await _workspace.RunAsync("suggest", "names.ecm", "pool.csv", "--count", "5", "--cache", _workspace.CachePath);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.That(result.StandardOutput, Does.Contain("Refund my payment, please").And.Contain("The app crashes on start"));
    }

    [TestCase("--count", "0", TestName = "Suggest_RefusesACountBelowOne")]
    [TestCase("--count", "x", TestName = "Suggest_RefusesACountThatIsNotANumber")]
    public async Task Suggest_RefusesABadCount(string option, string value)
    {
        ToolProcess.Result result = await _workspace.RunAsync("suggest", "names.ecm", "pool.txt", option, value, "--cache", _workspace.CachePath);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.StandardError, Does.Contain("--count"));
    }

    [Test]
    public async Task Suggest_ReportsAnEmptyPool()
    {
        File.WriteAllText(_workspace.PathOf("empty.txt"), "\n\n");

        ToolProcess.Result result = await _workspace.RunAsync("suggest", "names.ecm", "empty.txt", "--cache", _workspace.CachePath);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.StandardError, Does.Contain("no texts"));
    }

    [Test]
    public async Task Suggest_ShowsProgress_OnALogForAPoolOfManyChunks()
    {
        File.WriteAllLines(_workspace.PathOf("big.txt"), Enumerable.Range(0, 300).Select(i => $"ticket {i}: {Pool[i % Pool.Length]}"));

        ToolProcess.Result result = await _workspace.RunAsync("suggest", "names.ecm", "big.txt", "--count", "2", "--cache", _workspace.CachePath);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.That(result.ErrorLines, Has.Some.Contains("embedded 300/300 texts"), "standard error is redirected: plain progress lines");
    }

    [Test]
    public async Task TrainWithLabels_RefusesADataFileToo()
    {
        ToolProcess.Result result = await _workspace.RunAsync("train", "data.csv", "--labels", "a,b", "-o", "x.ecm", "--cache", _workspace.CachePath);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.StandardError, Does.Contain("--labels"));
    }

    [Test]
    public async Task TrainWithLabels_ReportsALabelThatCannotBeDescribed()
    {
        ToolProcess.Result result = await _workspace.RunAsync("train", "--labels", "billing,7", "-o", "x.ecm", "--cache", _workspace.CachePath);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.StandardError, Does.Contain("no description"));
    }
}
