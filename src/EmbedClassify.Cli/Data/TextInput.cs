using System.Text.Json;
using EmbedClassify.Cli.Arguments;

namespace EmbedClassify.Cli.Data;

/// <summary>
/// Reads texts to classify: one per line, or JSON lines with a <c>"text"</c> member. The first non-blank line decides
/// which, so a plain text that happens to start with a brace is still read whole when the input is plain text.
/// </summary>
internal static class TextInput
{
    public static string[] Read(TextReader reader, string name)
    {
        var texts = new List<string>();
        bool? json = null;
        int number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            json ??= TryText(line) is not null;
            if (json == true)
            {
                texts.Add(TryText(line) ?? throw new CommandException($"{name}:{number}: not a JSON object with a \"text\" string."));
            }
            else
            {
                texts.Add(line);
            }
        }

        return [.. texts];
    }

    public static string? TryText(string line)
    {
        if (!line.TrimStart().StartsWith('{'))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("text", out JsonElement text)
                && text.ValueKind == JsonValueKind.String
                ? text.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
