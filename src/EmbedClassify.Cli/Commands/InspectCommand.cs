using System.Globalization;
using System.Text.Json;
using EmbedClassify.Cli.Arguments;
using EmbedClassify.Cli.Data;
using Spectre.Console;

namespace EmbedClassify.Cli.Commands;

/// <summary><c>embedclassify inspect</c>: describes a saved model without embedding anything.</summary>
internal static class InspectCommand
{
    public const string Usage = "embedclassify inspect <model.ecm>";

    public static readonly string Help = $"""
        Describes a saved model: format version, embedding model, creation time, strategy, options, classes and counts.
        The whole file is verified first, so a damaged file is reported rather than described.

        Usage: {Usage}

        """;

    public static int Run(IReadOnlyList<string> arguments)
    {
        ParsedArguments args = ParsedArguments.Parse("inspect", arguments, [], []);
        if (args.Help)
        {
            Console.Out.Write(Help);
            return 0;
        }

        string path = args.RequiredPositional(0, 1, Usage, "the model file");
        InputFiles.RequireExists(path);
        EmbeddingClassifier model = ModelLoader.Load(path);
        using JsonDocument header = ModelHeaderReader.Read(path);
        JsonElement root = header.RootElement;

        var table = new Table().HideHeaders().Border(TableBorder.Rounded).AddColumn("Property").AddColumn("Value");
        Add(table, "File", path);
        Add(table, "Format version", Member(root, "schemaVersion"));
        Add(table, "Created (UTC)", Member(root, "createdUtc"));
        if (root.TryGetProperty("embedding", out JsonElement embedding))
        {
            Add(table, "Embedding model", $"{Member(embedding, "provider")}/{Member(embedding, "model")}");
        }

        Add(table, "Dimensions", model.Dimensions.ToString(CultureInfo.InvariantCulture));
        Add(table, "Strategy", model.Strategy.ToString());
        FewShotClassifierOptions options = model.Options;
        Add(table, "Options", string.Create(
            CultureInfo.InvariantCulture,
            $"neighbors={options.Neighbors}, clusters={options.Clusters?.ToString(CultureInfo.InvariantCulture) ?? "auto"}, center={options.CenterEmbeddings}, detectUnknown={options.DetectUnknown}, seed={options.Seed}"));
        Add(table, "Classes", $"{model.Labels.Count}: {string.Join(", ", model.Labels)}");
        Add(table, "Examples", model.ExampleCount.ToString(CultureInfo.InvariantCulture));
        Add(table, "Unlabeled vectors", model.UnlabeledCount.ToString(CultureInfo.InvariantCulture));
        Add(table, "Includes texts", root.TryGetProperty("includesTexts", out JsonElement texts) && texts.ValueKind == JsonValueKind.True ? "yes" : "no");
        AnsiConsole.Write(table);
        return 0;
    }

    private static void Add(Table table, string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));

    private static string Member(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) ? value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : value.GetRawText() : "?";
}
