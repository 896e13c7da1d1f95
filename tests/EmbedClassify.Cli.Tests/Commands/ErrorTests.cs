using EmbedClassify.Cli.Tests.TestDoubles;

namespace EmbedClassify.Cli.Tests.Commands;

/// <summary>Every failure is one line on standard error with a non-zero exit code: 2 for usage, 1 for anything else.</summary>
[TestFixture]
public sealed class ErrorTests
{
    private Workspace _workspace = null!;

    [OneTimeSetUp]
    public void CreateWorkspace() => _workspace = new Workspace();

    [OneTimeTearDown]
    public void Cleanup() => _workspace.Dispose();

    [TestCase(new[] { "frobnicate" }, "unknown command 'frobnicate'")]
    [TestCase(new[] { "train", "data.csv" }, "missing -o")]
    [TestCase(new[] { "train", "data.csv", "-o", "m.ecm", "--bogus" }, "unknown option '--bogus'")]
    [TestCase(new[] { "train", "data.csv", "-o", "m.ecm", "--strategy", "magic" }, "unknown --strategy 'magic'")]
    [TestCase(new[] { "eval", "data.csv", "--n", "1,x" }, "--n must be")]
    [TestCase(new[] { "inspect" }, "missing the model file")]
    public async Task UsageError_PrintsOneLine_AndExitsWithTwo(string[] arguments, string message)
    {
        ToolProcess.Result result = await _workspace.RunAsync(arguments);

        AssertOneErrorLine(result, 2, message);
    }

    [Test]
    public async Task Train_MissingFile_Fails()
    {
        AssertOneErrorLine(await _workspace.RunAsync("train", "missing.csv", "-o", "m.ecm"), 1, "missing.csv: no such file");
    }

    [Test]
    public async Task Train_CsvWithoutLabelColumn_Fails()
    {
        File.WriteAllText(_workspace.PathOf("header.csv"), "text,category\nhello,a\nbye,b\n");

        AssertOneErrorLine(await _workspace.RunAsync("train", "header.csv", "-o", "m.ecm"), 1, "needs 'text' and 'label' columns");
    }

    [Test]
    public async Task Train_OneClassOnly_Fails()
    {
        File.WriteAllText(_workspace.PathOf("one.jsonl"), "{\"text\":\"a\",\"label\":\"x\"}\n{\"text\":\"b\",\"label\":\"x\"}\n");

        AssertOneErrorLine(await _workspace.RunAsync("train", "one.jsonl", "-o", "m.ecm"), 1, "at least two classes");
    }

    [Test]
    public async Task Inspect_CorruptModel_Fails()
    {
        File.WriteAllText(_workspace.PathOf("corrupt.ecm"), "this is not a model\n");

        AssertOneErrorLine(await _workspace.RunAsync("inspect", "corrupt.ecm"), 1, "corrupt.ecm:");
    }

    [Test]
    public async Task Predict_TruncatedModel_Fails()
    {
        string path = _workspace.PathOf("truncated.ecm");
        SaveModel(path, new ModelIdentity("onnx", "all-MiniLM-L6-v2", 3));
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 10)]);

        AssertOneErrorLine(
            await _workspace.RunWithInputAsync("hello\n", "predict", "truncated.ecm", "--cache", _workspace.CachePath), 1, "truncated.ecm:");
    }

    [Test]
    public async Task Predict_ModelOfAnotherEmbeddingModel_Fails()
    {
        SaveModel(_workspace.PathOf("other.ecm"), new ModelIdentity("openai", "text-embedding-3-small", 3));

        ToolProcess.Result result = await _workspace.RunWithInputAsync("hello\n", "predict", "other.ecm", "--cache", _workspace.CachePath);

        AssertOneErrorLine(result, 1, "text-embedding-3-small");
        Assert.That(result.StandardOutput, Is.Empty);
    }

    [Test]
    public async Task Help_ListsCommands_AndExitsWithZero()
    {
        ToolProcess.Result result = await _workspace.RunAsync("--help");

        Assert.That(result.ExitCode, Is.Zero);
        Assert.That(result.StandardOutput, Does.Contain("train").And.Contain("predict").And.Contain("eval").And.Contain("inspect"));
    }

    [TestCase("train", "--include-texts")]
    [TestCase("train", "--model <name>")]
    [TestCase("train", "minilm+arctic-xs")]
    [TestCase("eval", "--model <name>")]
    [TestCase("predict", "the model(s) the model file names")]
    [TestCase("suggest", "the model(s) the model file names")]
    [TestCase("predict", "standard input")]
    [TestCase("eval", "--plot")]
    [TestCase("inspect", "saved model")]
    public async Task CommandHelp_DescribesOptions(string command, string expected)
    {
        ToolProcess.Result result = await _workspace.RunAsync(command, "--help");

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.That(result.StandardOutput, Does.Contain(expected));
    }

    private static void SaveModel(string path, ModelIdentity identity)
    {
        EmbeddingClassifier model = EmbeddingClassifier.Fit(
        [
            new LabeledEmbedding("a", new float[] { 1, 0, 0 }),
            new LabeledEmbedding("b", new float[] { 0, 1, 0 }),
        ]);
        model.Save(path, identity);
    }

    private static void AssertOneErrorLine(ToolProcess.Result result, int exitCode, string message)
    {
        Assert.That(result.ExitCode, Is.EqualTo(exitCode), result.StandardError);
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1), result.StandardError);
        Assert.That(result.ErrorLines[0], Does.StartWith("embedclassify: error: ").And.Contain(message));
    }
}
