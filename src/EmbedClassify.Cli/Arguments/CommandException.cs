namespace EmbedClassify.Cli.Arguments;

/// <summary>A failure the tool explains itself (bad input data, a model that does not fit): one line, exit code 1.</summary>
internal sealed class CommandException(string message, Exception? innerException = null) : Exception(message, innerException)
{
}
