using System.Globalization;
using EmbedClassify.Cli.Arguments;
using EmbedClassify.Cli.Data;
using EmbedClassify.Cli.Output;
using Spectre.Console;

namespace EmbedClassify.Cli.Commands;

/// <summary><c>embedclassify inspect</c>: describes a saved model without embedding anything.</summary>
internal static class InspectCommand
{
    public const string Usage = "embedclassify inspect <model.ecm>";

    public static readonly string Help = $"""
        Describes a saved model: format version, embedding model (each of them, one a line, for a model trained with
        several: train --model minilm+arctic-xs), creation time, views and their weights, options, classes and counts,
        and the classes that still rest on their description alone (a model from train --labels) with those
        descriptions. The whole file is verified first, so a damaged file is reported rather than described.

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
        ModelInfo info = ModelLoader.ReadInfo(path);
        FewShotClassifierOptions options = info.Options;

        var table = new Table().HideHeaders().Border(TableBorder.Rounded).AddColumn("Property").AddColumn("Value");
        Add(table, "File", path);
        Add(table, "Format version", info.SchemaVersion.ToString(CultureInfo.InvariantCulture));
        Add(table, "Created (UTC)", info.CreatedUtc.ToString("u", CultureInfo.InvariantCulture));
        if (info.Models.Count == 1)
        {
            Add(table, "Embedding model", $"{info.Identity.ProviderName}/{info.Identity.ModelId}");
        }
        else
        {
            // Every model is needed to load the classifier, in this order; each line names the view it feeds (the
            // embedding views come first in Views, one per model in the same order).
            Add(table, "Embedding models", string.Join('\n', info.Models.Select((m, i) => string.Create(
                CultureInfo.InvariantCulture,
                $"{m.ProviderName}/{m.ModelId} ({m.Dimensions} dimensions, view {info.Views[i]})"))));
        }

        if (EmbedClassify.FineTuning.FineTunedModel.IsFineTunedModelId(info.Identity.ModelId))
        {
            string folder = EmbedClassify.FineTuning.FineTunedClassifier.ModelFolder(path);
            Add(table, "Fine-tuned model", Directory.Exists(folder) ? folder : $"{folder} (missing: predict needs it)");
        }

        Add(table, "Dimensions", info.Identity.Dimensions.ToString(CultureInfo.InvariantCulture));
        Add(table, "Views", string.Join(", ", info.Views.Select(v => info.ViewScales.TryGetValue(v, out float scale)
            ? string.Create(CultureInfo.InvariantCulture, $"{v} (x{scale:G4})")
            : v)));
        Add(table, "Temperature", info.Temperature.ToString("G4", CultureInfo.InvariantCulture));

        Add(table, "Strategy", options.Strategy.ToString());
        Add(table, "Options", string.Create(
            CultureInfo.InvariantCulture,
            $"neighbors={options.Neighbors}, clusters={options.Clusters?.ToString(CultureInfo.InvariantCulture) ?? "auto"}, center={options.CenterEmbeddings}, detectUnknown={options.DetectUnknown}, seed={options.Seed}, wordWeight={options.WordWeight}, labelNames={options.LabelNamesAsDescriptions}, descriptions={options.LabelDescriptions.Count}"));
        Add(table, "Classes", $"{info.Labels.Count}: {string.Join(", ", info.Labels)}");
        if (info.DescribedOnlyLabels.Count > 0)
        {
            Add(table, "Described only", string.Create(
                CultureInfo.InvariantCulture,
                $"{info.DescribedOnlyLabels.Count} (no examples yet): {string.Join(", ", info.DescribedOnlyLabels.Select(l => $"{l} = \"{info.Descriptions[l]}\""))}"));
        }

        // A described-only class's description is its one example, so the count alone would overstate what was labelled.
        Add(table, "Examples", info.DescribedOnlyLabels.Count > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{info.ExampleCount}, of which {info.DescribedOnlyLabels.Count} are descriptions standing in for described-only classes")
            : info.ExampleCount.ToString(CultureInfo.InvariantCulture));
        if (info.NoneExampleCount > 0)
        {
            Add(table, "None examples", info.NoneExampleCount.ToString(CultureInfo.InvariantCulture));
        }

        Add(table, "Unlabeled texts", info.UnlabeledCount.ToString(CultureInfo.InvariantCulture));
        Add(table, "Includes texts", info.IncludesTexts ? "yes" : "no");
        ReportConsole.Out.Write(table);
        return 0;
    }

    private static void Add(Table table, string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));
}
