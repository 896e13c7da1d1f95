namespace EmbedClassify.Tests.Persistence;

public class ModelFileIOTests
{
    private string _folder = null!;

    [SetUp]
    public void SetUp()
    {
        _folder = Path.Combine(Path.GetTempPath(), "embedclassify-modelfileio-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void TearDown()
    {
        foreach (string file in Directory.EnumerateFiles(_folder))
        {
            File.SetAttributes(file, FileAttributes.Normal);
        }

        Directory.Delete(_folder, recursive: true);
    }

    [Test]
    public void Save_ThrowsUnauthorizedAccess_AndKeepsTheFile_WhenTheTargetIsReadOnly()
    {
        // Row 8 of issue 12: the rename replaced a 0444 model file silently.
        string path = Path.Combine(_folder, "model.ecm");
        File.WriteAllBytes(path, [1, 2, 3]);
        MakeReadOnly(path);
        EmbeddingClassifier classifier = ModelFiles.Fit(new FewShotClassifierOptions());

        var ex = Assert.Throws<UnauthorizedAccessException>(() => classifier.Save(path, ModelFiles.Identity));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain(path));
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(new byte[] { 1, 2, 3 }));
            Assert.That(Directory.GetFiles(_folder), Has.Length.EqualTo(1), "no temporary file is left behind");
        });
    }

    [Test]
    public async Task WriteAtomicallyAsync_ThrowsUnauthorizedAccess_WhenTheTargetIsReadOnly()
    {
        string path = Path.Combine(_folder, "model.ecm");
        File.WriteAllBytes(path, [1, 2, 3]);
        MakeReadOnly(path);

        var ex = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => ModelFileIO.WriteAtomicallyAsync(path, [9, 9], default));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain(path));
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(new byte[] { 1, 2, 3 }));
        });
    }

    [Test]
    public void Save_NamesTheCallersPath_NotTheTemporaryFile_WhenTheFolderDoesNotExist()
    {
        // Row 9 of issue 12: the DirectoryNotFoundException named ".model.ecm.<guid>.tmp".
        string path = Path.Combine(_folder, "missing", "model.ecm");
        EmbeddingClassifier classifier = ModelFiles.Fit(new FewShotClassifierOptions());

        var ex = Assert.Throws<DirectoryNotFoundException>(() => classifier.Save(path, ModelFiles.Identity));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain(path));
            Assert.That(ex.Message, Does.Not.Contain(".tmp"));
        });
    }

    [Test]
    public async Task WriteAtomicallyAsync_NamesTheCallersPath_WhenTheFolderDoesNotExist()
    {
        string path = Path.Combine(_folder, "missing", "model.ecm");

        var ex = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => ModelFileIO.WriteAtomicallyAsync(path, [1], default));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain(path));
            Assert.That(ex.Message, Does.Not.Contain(".tmp"));
        });
    }

    [Test]
    public void WriteAtomically_ReplacesAWritableFile()
    {
        string path = Path.Combine(_folder, "model.ecm");
        File.WriteAllBytes(path, [1, 2, 3]);

        ModelFileIO.WriteAtomically(path, [4, 5]);

        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(new byte[] { 4, 5 }));
            Assert.That(Directory.GetFiles(_folder), Has.Length.EqualTo(1));
        });
    }

    private static void MakeReadOnly(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            File.SetAttributes(path, FileAttributes.ReadOnly);
        }
        else
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
    }
}
