namespace EmbedClassify.Cli.Arguments;

/// <summary>A command line the tool cannot run: reported in one line with exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message)
{
}
