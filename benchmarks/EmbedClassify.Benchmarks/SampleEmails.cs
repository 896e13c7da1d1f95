using System.Text.Json;

namespace EmbedClassify.Benchmarks;

/// <summary>The texts of the spam sample's e-mails (samples/SpamFilter/data/emails.jsonl), found from the repository root.</summary>
internal static class SampleEmails
{
    /// <summary>Reads the e-mails' texts lazily, in file order.</summary>
    public static IEnumerable<string> Load()
    {
        string path = Path.Combine(FindRepositoryRoot(), "samples", "SpamFilter", "data", "emails.jsonl");
        foreach (string line in File.ReadLines(path))
        {
            if (line.Length > 0)
            {
                using JsonDocument document = JsonDocument.Parse(line);
                yield return document.RootElement.GetProperty("text").GetString()!;
            }
        }
    }

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "EmbedClassify.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No EmbedClassify.sln above '{AppContext.BaseDirectory}'.");
    }
}
