namespace EmbedClassify;

/// <summary>File-system side of model files: atomic replacement on write, and no trailing bytes on read.</summary>
internal static class ModelFileIO
{
    /// <exception cref="UnauthorizedAccessException">The target file is read-only, or the folder cannot be written.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="IOException">Another I/O error; every message names <paramref name="path"/>, never the temporary file.</exception>
    public static void WriteAtomically(string path, byte[] file)
    {
        string target = Path.GetFullPath(path);
        ThrowIfReadOnly(path, target);
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
        catch (Exception ex)
        {
            TryDelete(temporary);
            if (Describe(ex, path, temporary, target) is { } described)
            {
                throw described;
            }

            throw;
        }
    }

    /// <exception cref="UnauthorizedAccessException">The target file is read-only, or the folder cannot be written.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="IOException">Another I/O error; every message names <paramref name="path"/>, never the temporary file.</exception>
    public static async Task WriteAtomicallyAsync(string path, byte[] file, CancellationToken cancellationToken)
    {
        string target = Path.GetFullPath(path);
        ThrowIfReadOnly(path, target);
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
        catch (Exception ex)
        {
            TryDelete(temporary);
            if (Describe(ex, path, temporary, target) is { } described)
            {
                throw described;
            }

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

    // A rename replaces a file whatever its mode (and root may write anything), so a read-only target is refused here:
    // the caller marked it so, and the documented answer is UnauthorizedAccessException.
    private static void ThrowIfReadOnly(string path, string target)
    {
        FileAttributes attributes;
        try
        {
            attributes = File.GetAttributes(target);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return;
        }

        if ((attributes & FileAttributes.Directory) != 0)
        {
            throw new UnauthorizedAccessException($"Cannot save the model to '{path}': it is a folder.");
        }

        if ((attributes & FileAttributes.ReadOnly) != 0)
        {
            throw new UnauthorizedAccessException($"Cannot save the model to '{path}': the file is read-only.");
        }
    }

    // The temporary file is an implementation detail: an exception must name the path the caller gave, and keep its type.
    private static Exception? Describe(Exception error, string path, string temporary, string target)
    {
        if (error is not (IOException or UnauthorizedAccessException))
        {
            return null;
        }

        string detail = error.Message.Replace(temporary, target, StringComparison.Ordinal);
        string? folder = Path.GetDirectoryName(target);
        string message = error is DirectoryNotFoundException
            ? $"Cannot save the model to '{path}': the folder '{folder}' does not exist."
            : $"Cannot save the model to '{path}': {detail}";
        return error switch
        {
            UnauthorizedAccessException => new UnauthorizedAccessException(message, error),
            DirectoryNotFoundException => new DirectoryNotFoundException(message, error),
            PathTooLongException => new PathTooLongException(message, error),
            FileNotFoundException => new FileNotFoundException(message, path, error),
            _ => new IOException(message, error),
        };
    }

    private static void TryDelete(string temporary)
    {
        try
        {
            File.Delete(temporary);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Nothing was created, or it cannot be removed; the original error is the one to report.
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
