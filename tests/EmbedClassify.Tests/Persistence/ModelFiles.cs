using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using EmbedClassify.Tests.TestDoubles;

namespace EmbedClassify.Tests.Persistence;

/// <summary>Builds seeded classifiers and raw model files for the persistence tests.</summary>
public static class ModelFiles
{
    public const int Dimensions = 16;

    public static readonly ModelIdentity Identity = new("test-provider", "test-model", Dimensions);

    /// <summary>Three classes of five examples around seeded directions, plus two "none" examples.</summary>
    public static (List<LabeledEmbedding> Examples, List<ReadOnlyMemory<float>> Unlabeled) Data(int seed = 7)
    {
        var random = new Random(seed);
        float[][] centers = [.. Enumerable.Range(0, 3).Select(_ => Vectors.RandomDirection(Dimensions, random))];
        var examples = new List<LabeledEmbedding>();
        for (int i = 0; i < 15; i++)
        {
            examples.Add(new LabeledEmbedding($"class-{i % 3}", Vectors.Near(centers[i % 3], 0.4, random)));
        }

        var unlabeled = new List<ReadOnlyMemory<float>>();
        for (int i = 0; i < 30; i++)
        {
            unlabeled.Add(Vectors.Near(centers[i % 3], 0.5, random));
        }

        return (examples, unlabeled);
    }

    public static EmbeddingClassifier Fit(FewShotClassifierOptions options, bool withUnlabeled = false, bool withNone = false)
    {
        (List<LabeledEmbedding> examples, List<ReadOnlyMemory<float>> unlabeled) = Data();
        if (withNone)
        {
            var random = new Random(11);
            examples.Add(new LabeledEmbedding("none", Vectors.RandomDirection(Dimensions, random)));
            examples.Add(new LabeledEmbedding("none", Vectors.RandomDirection(Dimensions, random)));
        }

        return EmbeddingClassifier.Fit(examples, withUnlabeled ? unlabeled : [], options);
    }

    public static byte[] Save(EmbeddingClassifier classifier, ModelIdentity? identity = null)
    {
        using var stream = new MemoryStream();
        classifier.Save(stream, identity ?? Identity);
        return stream.ToArray();
    }

    public static EmbeddingClassifier Load(byte[] file, ModelIdentity? expected = null)
    {
        using var stream = new MemoryStream(file);
        return EmbeddingClassifier.Load(stream, expected);
    }

    public static string Header(byte[] file) =>
        Encoding.UTF8.GetString(file, 24, (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(12)));

    /// <summary>Returns the file with its JSON header edited and its lengths and checksum made consistent again, as a forger would.</summary>
    public static byte[] WithHeader(byte[] file, Func<string, string> edit, long? dataLengthOverride = null)
    {
        int headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(12));
        byte[] data = file[(24 + headerLength)..^32];
        byte[] header = Encoding.UTF8.GetBytes(edit(Header(file)));
        byte[] result = [.. file.AsSpan(0, 24), .. header, .. data, .. new byte[32]];
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(12), (uint)header.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(result.AsSpan(16), (ulong)(dataLengthOverride ?? data.Length));
        SHA256.HashData(result.AsSpan(0, result.Length - 32), result.AsSpan(result.Length - 32));
        return result;
    }

    /// <summary>Seeded random directions to classify.</summary>
    public static float[][] Queries(int dimensions, int count = 40)
    {
        var random = new Random(99);
        return [.. Enumerable.Range(0, count).Select(_ => Vectors.RandomDirection(dimensions, random))];
    }
}
