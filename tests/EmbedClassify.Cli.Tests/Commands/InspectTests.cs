using System.Text.RegularExpressions;
using EmbedClassify.Cli.Tests.TestDoubles;

namespace EmbedClassify.Cli.Tests.Commands;

/// <summary><c>inspect</c> on models whose classes rest, wholly or in part, on their descriptions alone.</summary>
[TestFixture]
public sealed class InspectTests
{
    private static readonly LabeledExample[] Examples =
    [
        new("my invoice shows a double charge", "billing"),
        new("please refund the payment", "billing"),
        new("the parcel delivery is late", "shipping"),
        new("courier lost my parcel", "shipping"),
        new("I want to send the shoes back", "returns"),
        new("how do I return this jacket", "returns"),
    ];

    private Workspace _workspace = null!;

    [OneTimeSetUp]
    public void CreateWorkspace() => _workspace = new Workspace();

    [OneTimeTearDown]
    public void Cleanup() => _workspace.Dispose();

    [Test]
    public async Task Inspect_ListsEveryClassWithItsDescription_OfAModelTrainedFromLabels()
    {
        // Arrange: one class described in a file, the others by their names.
        File.WriteAllText(_workspace.PathOf("describe.csv"), """
            text,label
            "questions about invoices, charges and refunds",billing
            """);
        ToolProcess.Result train = await _workspace.RunAsync(
            "train", "--labels", "billing,bug,feature request", "--describe", "describe.csv", "-o", "labels.ecm", "--cache", _workspace.CachePath);
        Assert.That(train.ExitCode, Is.Zero, train.StandardError);

        // Act
        ToolProcess.Result inspect = await _workspace.RunAsync("inspect", "labels.ecm");

        // Assert
        Assert.That(inspect.ExitCode, Is.Zero, inspect.StandardError);
        Assert.Multiple(() =>
        {
            Assert.That(
                Row(inspect.StandardOutput, "Described only"),
                Is.EqualTo("""3 (no examples yet): billing = "questions about invoices, charges and refunds", bug = "bug", feature request = "feature request" """.TrimEnd()));
            Assert.That(Row(inspect.StandardOutput, "Examples"), Is.EqualTo("3, of which 3 are descriptions standing in for described-only classes"));
        });
    }

    [Test]
    public async Task Inspect_ListsOnlyTheClassesStillWithoutExamples_OfAModelThatHasReceivedSome()
    {
        // Arrange: the tool cannot add examples to a saved model, so this one is made in process.
        var options = new FewShotClassifierOptions { LabelDescriptions = new Dictionary<string, string> { ["billing"] = "invoice payment refund charge" } };
        using var generator = new WordHashGenerator();
        FewShotClassifier zeroShot = await FewShotClassifier.CreateFromDescriptionsAsync(generator, ["billing", "shipping", "returns"], options);
        FewShotClassifier mixed = await zeroShot.AddExamplesAsync(Examples.Where(e => e.Label == "billing"));
        await mixed.SaveAsync(_workspace.PathOf("mixed.ecm"));

        // Act
        ToolProcess.Result inspect = await _workspace.RunAsync("inspect", "mixed.ecm");

        // Assert
        Assert.That(inspect.ExitCode, Is.Zero, inspect.StandardError);
        Assert.Multiple(() =>
        {
            Assert.That(Row(inspect.StandardOutput, "Described only"), Is.EqualTo("""2 (no examples yet): shipping = "shipping", returns = "returns" """.TrimEnd()));
            Assert.That(Row(inspect.StandardOutput, "Examples"), Is.EqualTo("4, of which 2 are descriptions standing in for described-only classes"));
        });
    }

    [Test]
    public async Task Inspect_ShowsNoDescribedOnlyRow_ForAModelFittedOnExamplesOfEveryClass()
    {
        // Arrange
        using var generator = new WordHashGenerator();
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(generator, Examples);
        await classifier.SaveAsync(_workspace.PathOf("examples.ecm"));

        // Act
        ToolProcess.Result inspect = await _workspace.RunAsync("inspect", "examples.ecm");

        // Assert
        Assert.That(inspect.ExitCode, Is.Zero, inspect.StandardError);
        Assert.Multiple(() =>
        {
            Assert.That(inspect.StandardOutput, Does.Not.Contain("Described only"));
            Assert.That(Row(inspect.StandardOutput, "Examples"), Is.EqualTo("6"));
        });
    }

    /// <summary>Returns the value of one row of inspect's table (the output is redirected, so no row wraps).</summary>
    private static string Row(string inspectOutput, string name)
    {
        Match match = Regex.Match(inspectOutput, $@"│\s*{Regex.Escape(name)}\s*│\s*(?<value>[^│]*?)\s*│");
        Assert.That(match.Success, Is.True, inspectOutput);
        return match.Groups["value"].Value;
    }
}
