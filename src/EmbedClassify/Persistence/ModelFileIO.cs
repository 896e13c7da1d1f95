namespace EmbedClassify;

/// <summary>File-system side of model files: atomic replacement on write, and no trailing bytes on read.</summary>
internal static class ModelFileIO
{
    public static void WriteAtomically(string path, byte[] file)
    {
        string target = Path.GetFullPath(path);
        string temporary = TemporaryPath(target);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(file);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    public static async Task WriteAtomicallyAsync(string path, byte[] file, CancellationToken cancellationToken)
    {
        string target = Path.GetFullPath(path);
        string temporary = TemporaryPath(target);
        try
        {
            var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 4096, useAsync: true);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(file, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    public static byte[] ReadWholeFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        byte[] file = ModelFile.ReadBytes(stream);
        CheckNothingFollows(stream, file.Length);
        return file;
    }

    public static async Task<byte[]> ReadWholeFileAsync(string path, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 4096, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            byte[] file = await ModelFile.ReadBytesAsync(stream, cancellationToken).ConfigureAwait(false);
            CheckNothingFollows(stream, file.Length);
            return file;
        }
    }

    // A file is one model; bytes after it mean it was appended to or overwritten in part.
    private static void CheckNothingFollows(FileStream stream, long modelLength)
    {
        if (stream.Length != modelLength)
        {
            throw new InvalidDataException($"The model file has {stream.Length - modelLength} bytes after the model's checksum.");
        }
    }

    // Same directory, so that the final move is a rename on one volume and thus atomic.
    private static string TemporaryPath(string target) =>
        Path.Combine(Path.GetDirectoryName(target) ?? ".", $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
}
