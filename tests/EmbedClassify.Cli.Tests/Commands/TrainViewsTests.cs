using System.Text.Json;
using System.Text.RegularExpressions;
using EmbedClassify.Cli.Tests.TestDoubles;

namespace EmbedClassify.Cli.Tests.Commands;

/// <summary><c>train</c> with the classifier's views: unlabelled texts, the word view's weight and label descriptions.</summary>
[TestFixture]
public sealed class TrainViewsTests
{
    private const string UnlabeledTexts = """
        I was charged two times for one order
        Where is the refund for my payment
        The screen goes blank when I tap save
        Settings page throws an error
        Please support a light theme
        An export to spreadsheet would help
        """;

    private Workspace _workspace = null!;
    private ToolProcess.Result _train = null!;

    [OneTimeSetUp]
    public async Task TrainOnce()
    {
        _workspace = new Workspace();
        File.WriteAllText(_workspace.PathOf("unlabeled.txt"), UnlabeledTexts);
        _train = await _workspace.RunAsync("train", "data.csv", "-o", "refined.ecm", "--unlabeled", "unlabeled.txt", "--cache", _workspace.CachePath);
    }

    [OneTimeTearDown]
    public void Cleanup() => _workspace.Dispose();

    [Test]
    public async Task Train_WithUnlabeled_SavesAModelWhoseInspectListsBothViewsAndATemperature()
    {
        // Arrange
        Assert.That(_train.ExitCode, Is.Zero, _train.StandardError);

        // Act
        ToolProcess.Result inspect = await _workspace.RunAsync("inspect", "refined.ecm");

        // Assert
        Assert.That(inspect.ExitCode, Is.Zero, inspect.StandardError);
        Assert.Multiple(() =>
        {
            Assert.That(_train.ErrorLines, Has.One.Contains("views embedding + words").And.One.Contains("6 unlabelled texts"));
            Assert.That(inspect.StandardOutput, Does.Match(@"Views\s*│\s*embedding \(x[-+0-9.Ee]+\), words \(x[-+0-9.Ee]+\)"));
            Assert.That(inspect.StandardOutput, Does.Match(@"Temperature\s*│\s*[0-9]"));
            Assert.That(inspect.StandardOutput, Does.Match(@"Unlabeled texts\s*│\s*6"));
            Assert.That(inspect.StandardOutput, Does.Match(@"Format version\s*│\s*2"));
        });
    }

    [Test]
    public async Task Predict_WithARefinedModel_WritesScoresThatSumToOne()
    {
        // Arrange
        Assert.That(_train.ExitCode, Is.Zero, _train.StandardError);

        // Act
        ToolProcess.Result result = await _workspace.RunWithInputAsync(
            "I was charged twice on my card\nThe app keeps crashing on start\nPlease add a dark theme\n", "predict", "refined.ecm", "--cache", _workspace.CachePath);

        // Assert
        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        JsonElement[] lines = ParseLines(result.StandardOutput);
        Assert.That(lines.Select(l => l.GetProperty("label").GetString()), Is.EqualTo(new[] { "billing", "bug", "feature" }));
        foreach (JsonElement line in lines)
        {
            double[] scores = [.. line.GetProperty("scores").EnumerateObject().Select(p => p.Value.GetDouble())];
            Assert.That(scores, Has.Length.EqualTo(3).And.All.InRange(0.0, 1.0));
            Assert.That(scores.Sum(), Is.EqualTo(1).Within(1e-5), "six-decimal probabilities sum to 1");
            Assert.That(line.GetProperty("score").GetDouble(), Is.EqualTo(scores.Max()));
        }
    }

    [Test]
    public async Task Train_WithWordWeightZero_SavesAModelWithTheEmbeddingViewOnly()
    {
        // Act
        ToolProcess.Result train = await _workspace.RunAsync("train", "data.csv", "-o", "embedding-only.ecm", "--word-weight", "0", "--cache", _workspace.CachePath);
        ToolProcess.Result inspect = await _workspace.RunAsync("inspect", "embedding-only.ecm");

        // Assert
        Assert.That(train.ExitCode, Is.Zero, train.StandardError);
        Assert.That(inspect.ExitCode, Is.Zero, inspect.StandardError);
        Assert.Multiple(() =>
        {
            Assert.That(train.ErrorLines, Has.One.Contains("views embedding,").Or.One.Contains("views embedding "));
            Assert.That(ViewsRow(inspect.StandardOutput), Does.Match(@"^embedding \(x[-+0-9.Ee]+\)$"));
            Assert.That(inspect.StandardOutput, Does.Contain("wordWeight=0"));
        });
    }

    [Test]
    public async Task Train_WithDescribe_UsesTheDescriptions()
    {
        // Arrange
        File.WriteAllText(_workspace.PathOf("describe.csv"), """
            text,label
            "questions about invoices, charges and refunds",billing
            "the app crashes, freezes or shows an error",bug
            """);

        // Act
        ToolProcess.Result train = await _workspace.RunAsync("train", "data.csv", "-o", "described.ecm", "--describe", "describe.csv", "--cache", _workspace.CachePath);
        ToolProcess.Result inspect = await _workspace.RunAsync("inspect", "described.ecm");
        ToolProcess.Result predict = await _workspace.RunWithInputAsync("I was billed twice\n", "predict", "described.ecm", "--cache", _workspace.CachePath);

        // Assert
        Assert.That(train.ExitCode, Is.Zero, train.StandardError);
        Assert.That(inspect.ExitCode, Is.Zero, inspect.StandardError);
        Assert.That(predict.ExitCode, Is.Zero, predict.StandardError);
        Assert.Multiple(() =>
        {
            Assert.That(inspect.StandardOutput, Does.Contain("descriptions=2"));
            Assert.That(ParseLines(predict.StandardOutput).Single().GetProperty("label").GetString(), Is.EqualTo("billing"));
        });
    }

    [Test]
    public async Task Train_WithDescribeOfAnUnknownLabel_Fails()
    {
        // Arrange
        File.WriteAllText(_workspace.PathOf("describe-unknown.csv"), "text,label\n\"parcels and deliveries\",shipping\n");

        // Act
        ToolProcess.Result train = await _workspace.RunAsync("train", "data.csv", "-o", "unknown-label.ecm", "--describe", "describe-unknown.csv", "--cache", _workspace.CachePath);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(train.ExitCode, Is.Not.Zero);
            Assert.That(train.ErrorLines, Has.Length.EqualTo(1), train.StandardError);
            Assert.That(train.StandardError, Does.Contain("shipping"));
            Assert.That(File.Exists(_workspace.PathOf("unknown-label.ecm")), Is.False);
        });
    }

    [TestCase("-1")]
    [TestCase("NaN")]
    [TestCase("heavy")]
    public async Task Train_WithABadWordWeight_IsAUsageError(string weight)
    {
        // Act
        ToolProcess.Result result = await _workspace.RunAsync("train", "data.csv", "-o", "bad.ecm", "--word-weight", weight, "--cache", _workspace.CachePath);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2), result.StandardError);
            Assert.That(result.ErrorLines, Has.Length.EqualTo(1), result.StandardError);
            Assert.That(result.ErrorLines[0], Does.StartWith("embedclassify: error: ").And.Contain("--word-weight"));
            Assert.That(File.Exists(_workspace.PathOf("bad.ecm")), Is.False);
        });
    }

    private static string ViewsRow(string inspectOutput)
    {
        Match match = Regex.Match(inspectOutput, @"Views\s*│\s*(?<value>[^│]*?)\s*│");
        Assert.That(match.Success, Is.True, inspectOutput);
        return match.Groups["value"].Value;
    }

    private static JsonElement[] ParseLines(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
}
