using System.Text.Json;

namespace EmbedClassify.Onnx.Tests;

/// <summary>The 400 emails of the SpamFilter sample (<c>samples/SpamFilter/data/emails.jsonl</c>).</summary>
internal static class SampleEmails
{
    public static string[] Load()
    {
        string path = Path.Combine(FindRepositoryRoot(), "samples", "SpamFilter", "data", "emails.jsonl");
        return
        [
            .. File.ReadLines(path)
                .Where(line => line.Length > 0)
                .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()!),
        ];
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
