namespace EmbedClassify.Cli.Arguments;

/// <summary>Turns library messages into one-line tool messages.</summary>
internal static class CommandText
{
    // ArgumentException appends " (Parameter '...')", which names our variable, not anything the user wrote.
    public static string FirstSentence(string message)
    {
        int parameter = message.IndexOf(" (Parameter", StringComparison.Ordinal);
        return parameter > 0 ? message[..parameter] : message;
    }
}
