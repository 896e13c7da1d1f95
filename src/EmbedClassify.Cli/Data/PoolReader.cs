using EmbedClassify.Cli.Arguments;
using Microsoft.VisualBasic.FileIO;

namespace EmbedClassify.Cli.Data;

/// <summary>
/// Reads a pool of unlabelled texts: a CSV with a <c>text</c> column (other columns, a label too, are ignored), or one
/// text per line / JSON lines with a <c>"text"</c> member.
/// </summary>
internal static class PoolReader
{
    public static string[] Read(string path)
    {
        InputFiles.RequireExists(path);
        string[] texts;
        if (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            texts = ReadCsv(path);
        }
        else
        {
            using var reader = new StreamReader(path);
            texts = TextInput.Read(reader, path);
        }

        return texts.Length > 0 ? texts : throw new CommandException($"{path}: no texts to choose from.");
    }

    private static string[] ReadCsv(string path)
    {
        // TextFieldParser ships with .NET and handles quoted fields with commas and line breaks.
        using var parser = new TextFieldParser(path) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true };
        parser.SetDelimiters(",");
        var texts = new List<string>();
        try
        {
            string[] header = parser.ReadFields() ?? [];
            int column = Array.FindIndex(header, h => h.Trim().Equals("text", StringComparison.OrdinalIgnoreCase));
            if (column < 0)
            {
                throw new CommandException($"{path}: the header needs a 'text' column; it has '{string.Join(",", header)}'.");
            }

            while (parser.ReadFields() is { } fields)
            {
                if (fields.Length > column && !string.IsNullOrWhiteSpace(fields[column]))
                {
                    texts.Add(fields[column]);
                }
            }
        }
        catch (MalformedLineException e)
        {
            throw new CommandException($"{path}:{e.LineNumber}: malformed CSV line.", e);
        }

        return [.. texts];
    }
}
