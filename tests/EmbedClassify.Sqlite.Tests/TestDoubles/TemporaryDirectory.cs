using Microsoft.Data.Sqlite;

namespace EmbedClassify.Sqlite.Tests.TestDoubles;

/// <summary>A fresh directory under the system temp directory, deleted (with its databases' pooled handles) on dispose.</summary>
public sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "embedclassify-tests", Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A killed child may still be releasing its handles; the OS temp cleaner gets the rest.
        }
    }
}
