using EmbedClassify.Cli.Arguments;

namespace EmbedClassify.Cli.Data;

/// <summary>Checks and reads the files a command is given.</summary>
internal static class InputFiles
{
    public static void RequireExists(string path)
    {
        if (!File.Exists(path))
        {
            throw new CommandException(Directory.Exists(path) ? $"{path}: is a directory, not a file." : $"{path}: no such file.");
        }
    }
}
