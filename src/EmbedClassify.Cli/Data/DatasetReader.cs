using System.Text.Json;
using EmbedClassify.Cli.Arguments;
using Microsoft.VisualBasic.FileIO;

namespace EmbedClassify.Cli.Data;

/// <summary>Reads labelled texts from a CSV with <c>text</c> and <c>label</c> columns, or from JSON lines.</summary>
internal static class DatasetReader
{
    public static LabeledExample[] Read(string path)
    {
        InputFiles.RequireExists(path);
        LabeledExample[] examples = path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? ReadCsv(path) : ReadJsonLines(path);
        if (examples.Length == 0)
        {
            throw new CommandException($"{path}: no examples.");
        }

        string[] labels = [.. examples.Select(e => e.Label).Distinct(StringComparer.Ordinal)];
        if (labels.Length < 2)
        {
            throw new CommandException($"{path}: every example has the label '{labels[0]}'; a classifier needs at least two classes.");
        }

        return examples;
    }

    /// <summary>
    /// Reads label descriptions from a file in the data format, where each row's text describes its label; a label
    /// described twice is an error.
    /// </summary>
    public static IReadOnlyList<(string Label, string Description)> ReadDescriptions(string path)
    {
        LabeledExample[] rows = path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? ReadCsv(path) : ReadJsonLines(path);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (LabeledExample row in rows)
        {
            if (!seen.Add(row.Label))
            {
                throw new CommandException($"{path}: the label '{row.Label}' is described twice.");
            }
        }

        return [.. rows.Select(r => (r.Label, r.Text))];
    }

    private static LabeledExample[] ReadCsv(string path)
    {
        // TextFieldParser ships with .NET and handles quoted fields with commas and line breaks.
        using var parser = new TextFieldParser(path) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true };
        parser.SetDelimiters(",");
        string[] header;
        try
        {
            header = parser.ReadFields() ?? throw new CommandException($"{path}: the file is empty; it needs a header with 'text' and 'label' columns.");
        }
        catch (MalformedLineException e)
        {
            throw new CommandException($"{path}:{e.LineNumber}: malformed CSV line.", e);
        }

        int text = Array.FindIndex(header, h => h.Trim().Equals("text", StringComparison.OrdinalIgnoreCase));
        int label = Array.FindIndex(header, h => h.Trim().Equals("label", StringComparison.OrdinalIgnoreCase));
        if (text < 0 || label < 0)
        {
            throw new CommandException($"{path}: the header needs 'text' and 'label' columns; it has '{string.Join(",", header)}'.");
        }

        var rows = new List<LabeledExample>();
        while (true)
        {
            long line = parser.LineNumber;
            string[]? fields;
            try
            {
                fields = parser.ReadFields();
            }
            catch (MalformedLineException e)
            {
                throw new CommandException($"{path}:{e.LineNumber}: malformed CSV line.", e);
            }

            if (fields is null)
            {
                break;
            }

            if (fields.Length == 1 && string.IsNullOrWhiteSpace(fields[0]))
            {
                continue;
            }

            if (fields.Length <= Math.Max(text, label))
            {
                throw new CommandException($"{path}:{line}: expected at least {Math.Max(text, label) + 1} fields, found {fields.Length}.");
            }

            rows.Add(Example(path, line, fields[text], fields[label]));
        }

        return [.. rows];
    }

    private static LabeledExample[] ReadJsonLines(string path)
    {
        var rows = new List<LabeledExample>();
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(line);
                JsonElement root = document.RootElement;
                rows.Add(Example(path, number, StringMember(root, "text"), StringMember(root, "label")));
            }
            catch (JsonException)
            {
                throw new CommandException($"{path}:{number}: not a JSON object with \"text\" and \"label\" strings (a data file is .csv or JSON lines).");
            }
        }

        return [.. rows];
    }

    private static string? StringMember(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static LabeledExample Example(string path, long line, string? text, string? label)
    {
        if (string.IsNullOrWhiteSpace(text) || string.IsNullOrWhiteSpace(label))
        {
            throw new CommandException($"{path}:{line}: the example needs a non-empty text and label.");
        }

        return new LabeledExample(text, label.Trim());
    }
}
