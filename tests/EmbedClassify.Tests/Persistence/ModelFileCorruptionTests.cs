using System.Buffers.Binary;

namespace EmbedClassify.Tests.Persistence;

public class ModelFileCorruptionTests
{
    private static readonly byte[] Valid = ModelFiles.Save(ModelFiles.Fit(
        new FewShotClassifierOptions { Strategy = ClassificationStrategy.KMeans, CenterEmbeddings = true }, withUnlabeled: true));

    [Test]
    public void Load_RefusesATruncatedFile_AtEveryEighthOfItsLength([Range(0, 7)] int eighths)
    {
        byte[] truncated = Valid[..(Valid.Length * eighths / 8)];

        Assert.That(() => ModelFiles.Load(truncated), Throws.TypeOf<InvalidDataException>());
    }

    [Test]
    public void Load_RefusesAFileMissingItsLastByte()
    {
        Assert.That(() => ModelFiles.Load(Valid[..^1]), Throws.TypeOf<InvalidDataException>().With.Message.Contains("truncated"));
    }

    [Test]
    public void Load_RefusesAFlippedBit_Anywhere([Values(0.0, 0.05, 0.1, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95, 1.0)] double position, [Values(0, 3, 7)] int bit)
    {
        byte[] corrupted = [.. Valid];
        int index = Math.Min((int)(position * Valid.Length), Valid.Length - 1);
        corrupted[index] ^= (byte)(1 << bit);

        Assert.That(() => ModelFiles.Load(corrupted), Throws.TypeOf<InvalidDataException>());
    }

    [Test]
    public void Load_RefusesAFlippedBit_InEveryPreambleByte([Range(0, 23)] int index)
    {
        byte[] corrupted = [.. Valid];
        corrupted[index] ^= 0x10;

        Assert.That(() => ModelFiles.Load(corrupted), Throws.TypeOf<InvalidDataException>());
    }

    [Test]
    public void Load_ReportsAChecksumMismatch_ForAFlippedBitInTheVectors()
    {
        byte[] corrupted = [.. Valid];
        corrupted[Valid.Length - 100] ^= 1;

        Assert.That(() => ModelFiles.Load(corrupted), Throws.TypeOf<InvalidDataException>().With.Message.Contains("checksum"));
    }

    [Test]
    public void Load_RefusesWrongMagicBytes_AndOtherFiles()
    {
        byte[] wrongMagic = [.. Valid];
        wrongMagic[1] = (byte)'X';

        Assert.Multiple(() =>
        {
            Assert.That(() => ModelFiles.Load(wrongMagic), Throws.TypeOf<InvalidDataException>().With.Message.Contains("not an EmbedClassify model file"));
            Assert.That(() => ModelFiles.Load("{\"json\": true}"u8.ToArray()), Throws.TypeOf<InvalidDataException>().With.Message.Contains("magic"));
            Assert.That(() => ModelFiles.Load([]), Throws.TypeOf<InvalidDataException>().With.Message.Contains("empty"));
        });
    }

    [Test]
    public void Load_RefusesAFutureSchemaVersion_SayingWhichVersions()
    {
        byte[] future = [.. Valid];
        BinaryPrimitives.WriteUInt32LittleEndian(future.AsSpan(8), 3);

        Assert.That(
            () => ModelFiles.Load(future),
            Throws.TypeOf<InvalidDataException>().With.Message.Contains("schema version 3").And.Message.Contains("reads schema version 2"));
    }

    [Test]
    public void Load_RefusesAHeaderWhoseVersionDisagreesWithThePreamble()
    {
        byte[] forged = ModelFiles.WithHeader(Valid, h => h.Replace("\"schemaVersion\":1", "\"schemaVersion\":2", StringComparison.Ordinal));

        Assert.That(() => ModelFiles.Load(forged), Throws.TypeOf<InvalidDataException>().With.Message.Contains("schema version"));
    }

    [Test]
    public void Load_RefusesAPreambleClaimingATerabyte_WithoutAllocatingIt()
    {
        byte[] huge = [.. Valid];
        BinaryPrimitives.WriteUInt64LittleEndian(huge.AsSpan(16), 4_000_000_000_000);

        Assert.That(() => ModelFiles.Load(huge), Throws.TypeOf<InvalidDataException>().With.Message.Contains("claims"));
    }

    [Test]
    public void Load_RefusesAPreambleClaimingMoreThanTheStreamHolds_ReadingOnlyWhatArrives()
    {
        byte[] lying = [.. Valid];
        BinaryPrimitives.WriteUInt64LittleEndian(lying.AsSpan(16), 1_500_000_000);
        long before = GC.GetAllocatedBytesForCurrentThread();

        Assert.That(() => ModelFiles.Load(lying), Throws.TypeOf<InvalidDataException>().With.Message.Contains("truncated"));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(50_000_000), "the buffer grows with the bytes that arrive");
    }

    [Test]
    public void Load_RefusesAbsurdCounts_EvenWithAValidChecksum(
        [Values("\"examples\":15", "\"unlabeled\":30", "\"prototypes\":3", "\"noneExamples\":0", "\"dimensions\":16")] string field)
    {
        string absurd = field[..(field.IndexOf(':', StringComparison.Ordinal) + 1)] + "2000000000";
        byte[] forged = ModelFiles.WithHeader(Valid, h => h.Replace(field, absurd, StringComparison.Ordinal));
        Assume.That(ModelFiles.Header(forged), Does.Contain(absurd));

        Assert.That(() => ModelFiles.Load(forged), Throws.TypeOf<InvalidDataException>());
    }

    [Test]
    public void Load_RefusesInconsistentHeaders_EvenWithAValidChecksum(
        [Values(
            "\"strategy\":\"KMeans\"|\"strategy\":\"Auto\"",
            "\"strategy\":\"KMeans\"|\"strategy\":\"KNearestNeighbors\"",
            "\"strategy\":\"KMeans\"|\"strategy\":\"Nonsense\"",
            "\"neighbors\":3|\"neighbors\":0",
            "\"centerEmbeddings\":true|\"centerEmbeddings\":false",
            "\"labels\":[\"class-0\"|\"labels\":[\"class-1\"",
            "\"labels\":[\"class-0\",|\"labels\":[",
            "\"includesTexts\":false|\"includesTexts\":true",
            "\"examples\":15|\"examples\":14",
            "\"examples\":15|\"examples\":-1",
            "\"provider\":\"test-provider\"|\"provider\":\"\"",
            "{|[",
            "\"createdUtc\"|\"created\"")] string edit)
    {
        string[] parts = edit.Split('|');
        byte[] forged = ModelFiles.WithHeader(Valid, h => h.Replace(parts[0], parts[1], StringComparison.Ordinal));
        Assume.That(ModelFiles.Header(forged), Does.Contain(parts[1]));

        Assert.That(() => ModelFiles.Load(forged), Throws.TypeOf<InvalidDataException>().With.Message.StartsWith("The model file is invalid"));
    }

    [Test]
    public void Load_RefusesNonFiniteVectors_EvenWithAValidChecksum()
    {
        byte[] forged = ModelFiles.WithHeader(Valid, h => h);
        // The file ends with the prototypes, their three class indices and the checksum; this is the last prototype's last value.
        BinaryPrimitives.WriteSingleLittleEndian(forged.AsSpan(forged.Length - 32 - (3 * sizeof(int)) - sizeof(float)), float.NaN);
        System.Security.Cryptography.SHA256.HashData(forged.AsSpan(0, forged.Length - 32), forged.AsSpan(forged.Length - 32));

        Assert.That(() => ModelFiles.Load(forged), Throws.TypeOf<InvalidDataException>().With.Message.Contains("NaN"));
    }
}
