using System.Text.RegularExpressions;
using EmbedClassify.Cli.Tests.Output;
using EmbedClassify.Cli.Tests.TestDoubles;

namespace EmbedClassify.Cli.Tests.Commands;

/// <summary>What the commands print when their output goes to a file, and their help.</summary>
[TestFixture]
public sealed partial class OutputTests
{
    private Workspace _workspace = null!;

    [OneTimeSetUp]
    public void CreateWorkspace() => _workspace = new Workspace();

    [OneTimeTearDown]
    public void Cleanup() => _workspace.Dispose();

    [Test]
    public async Task Eval_RedirectedWithFourteenClasses_PrintsEveryTableWithoutWrapping()
    {
        string[] rows = [.. ConfusionReportTests.FourteenLabels.SelectMany(label => new[] { "first", "second", "third" }.Select(n => $"\"the {n} example about {label}\",{label}"))];
        File.WriteAllLines(_workspace.PathOf("fourteen.csv"), ["text,label", .. rows]);

        ToolProcess.Result result = await _workspace.RunAsync("eval", "fourteen.csv", "--n", "1,2", "--repetitions", "2", "--cache", _workspace.CachePath);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        string output = result.StandardOutput;
        Assert.That(output, Does.Contain("Learning curve (").And.Contain("95% intervals)\n"), "the title on one line");
        string matrix = output[output.IndexOf("Confusion matrix", StringComparison.Ordinal)..];
        string[][] cells = ConfusionReportTests.Rows(matrix);
        Assert.That(cells[0], Is.EqualTo(new[] { "actual \\ predicted" }.Concat(ConfusionReportTests.FourteenLabels)));
        Assert.That(cells, Has.Length.EqualTo(15), "a header and one line per class");
        for (int i = 1; i < cells.Length; i++)
        {
            Assert.That(cells[i][0], Is.EqualTo(ConfusionReportTests.FourteenLabels[i - 1]));
            Assert.That(cells[i].Skip(1), Has.All.Matches(@"^\d+$"), "every count whole, in one cell");
            Assert.That(cells[i].Skip(1).Sum(int.Parse), Is.EqualTo(2), "2 draws x 1 test text per class (3 texts, n = 2)");
        }

        string perClass = output[output.IndexOf("Per class", StringComparison.Ordinal)..output.IndexOf("Confusion matrix", StringComparison.Ordinal)];
        Assert.That(ConfusionReportTests.Rows(perClass).Skip(1).Select(r => r[0]), Is.EqualTo(ConfusionReportTests.FourteenLabels));
    }

    [TestCase("train")]
    [TestCase("predict")]
    [TestCase("eval")]
    [TestCase("inspect")]
    public async Task Help_PutsEachOptionOnItsOwnLine_AndEndsWithANewLine(string command)
    {
        ToolProcess.Result result = await _workspace.RunAsync(command, "--help");

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.That(result.StandardOutput, Does.EndWith("\n"));
        foreach (string line in result.StandardOutput.Split('\n'))
        {
            Assert.That(OptionStart().Matches(line), Has.Count.LessThanOrEqualTo(1), $"two options run together: '{line}'");
        }
    }

    // An option at the start of a help line, or after two spaces later in it (where a line would run into the next).
    [GeneratedRegex(@"(^|\S\s{2,})--[a-z]")]
    private static partial Regex OptionStart();
}
