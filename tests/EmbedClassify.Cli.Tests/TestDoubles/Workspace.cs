namespace EmbedClassify.Cli.Tests.TestDoubles;

/// <summary>A temporary folder with a small labelled data set (three classes, four texts each) and an embedding cache path.</summary>
internal sealed class Workspace : IDisposable
{
    public const string Csv = """
        text,label
        "My invoice shows a double charge",billing
        "I was billed twice this month",billing
        "Refund the extra payment, please",billing
        "How do I update my credit card",billing
        "The app crashes when I open settings",bug
        "The login button does nothing",bug
        "Error 500 when saving a file",bug
        "The page freezes after an upload",bug
        "Please add a dark mode",feature
        "Could you support exporting to PDF",feature
        "I would love a calendar integration",feature
        "Add keyboard shortcuts, please",feature
        """;

    public Workspace()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("embedclassify-cli-tests-").FullName;
        File.WriteAllText(Path.Combine(Directory, "data.csv"), Csv);
    }

    public string Directory { get; }

    public string CachePath => Path.Combine(Directory, "cache.db");

    public string PathOf(string name) => Path.Combine(Directory, name);

    public Task<ToolProcess.Result> RunAsync(params string[] arguments) => ToolProcess.RunAsync(Directory, null, arguments);

    public Task<ToolProcess.Result> RunWithInputAsync(string standardInput, params string[] arguments) =>
        ToolProcess.RunAsync(Directory, standardInput, arguments);

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
