using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EmbedClassify.Tests.Classification;
using EmbedClassify.Tests.TestDoubles;

namespace EmbedClassify.Tests.Persistence;

/// <summary>
/// A damaged or forged schema-2 model file is an <see cref="InvalidDataException"/>, never another exception and never a
/// silently loaded model; a schema-1 file still loads.
/// </summary>
public class FewShotClassifierFileHardeningTests
{
    private const int PreambleLength = 24;
    private const int ChecksumLength = 32;

    private static readonly LabeledExample[] Examples =
    [
        new("my invoice shows a double charge", "billing"),
        new("i was billed twice this month", "billing"),
        new("refund the extra payment please", "billing"),
        new("the app crashes when i open settings", "bug"),
        new("the login button does nothing", "bug"),
        new("error 500 when saving a file", "bug"),
        new("please add a dark mode", "feature"),
        new("could you support exporting to pdf", "feature"),
        new("i would love a calendar integration", "feature"),
        new("lovely weather for sailing today", "other"),
        new("my cat sleeps all afternoon", "other"),
    ];

    private static readonly string[] Unlabeled = ["charged twice for one invoice", "the app crashes on start", "please add an export button", "login page freezes"];

    private static readonly Lazy<byte[]> SavedModel = new(() => Save(includeTexts: false).GetAwaiter().GetResult());

    private static readonly Lazy<byte[]> SavedModelWithTexts = new(() => Save(includeTexts: true).GetAwaiter().GetResult());

    public static IEnumerable<int> FlipOffsets()
    {
        // About 100 offsets: every preamble byte, then evenly over the rest (header, every section, checksum), then the last byte.
        int length = SavedModel.Value.Length;
        return Enumerable.Range(0, PreambleLength)
            .Concat(Enumerable.Range(0, 75).Select(i => PreambleLength + (int)((long)i * (length - PreambleLength) / 75)))
            .Append(length - 1)
            .Distinct();
    }

    public static IEnumerable<int> TruncatedLengths()
    {
        int length = SavedModel.Value.Length;
        return Enumerable.Range(0, 19).Select(i => (int)((long)i * length / 19)).Append(length - 1).Distinct();
    }

    [Test]
    public void SavedModel_HasEveryPart_TheHardeningTestsAreAbout()
    {
        // Arrange and act
        JsonNode header = Header(SavedModel.Value);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(SavedModel.Value.AsSpan(8)), Is.EqualTo(2));
            Assert.That(Sections(header).Select(s => (string)s!["name"]!), Is.EquivalentTo(new[] { "embedding", "calibration", "words" }));
            Assert.That((double)header["options"]!["unlabeledWeight"]!, Is.GreaterThan(0));
            Assert.That((string)header["options"]!["noneLabel"]!, Is.EqualTo("other"));
        });
    }

    [TestCaseSource(nameof(FlipOffsets))]
    public void LoadAsync_RefusesAFlippedByte(int offset)
    {
        // Arrange
        byte[] corrupted = [.. SavedModel.Value];
        corrupted[offset] ^= 0xFF;

        // Act and assert
        Assert.Multiple(() =>
        {
            Assert.That(() => LoadAsync(corrupted), Throws.TypeOf<InvalidDataException>());
            Assert.That(() => ModelInfo.ReadAsync(new MemoryStream(corrupted)), Throws.TypeOf<InvalidDataException>());
        });
    }

    [TestCaseSource(nameof(TruncatedLengths))]
    public void LoadAsync_RefusesATruncatedFile(int length)
    {
        // Arrange
        byte[] truncated = SavedModel.Value[..length];
        string directory = Directory.CreateTempSubdirectory("embedclassify-").FullName;
        try
        {
            string path = Path.Combine(directory, "truncated.ecm");
            File.WriteAllBytes(path, truncated);

            // Act and assert
            Assert.Multiple(() =>
            {
                Assert.That(() => LoadAsync(truncated), Throws.TypeOf<InvalidDataException>());
                Assert.That(() => FewShotClassifier.LoadAsync(FewShotClassifierConfigurationsTests.NewGenerator(), path), Throws.TypeOf<InvalidDataException>());
                Assert.That(() => ModelInfo.Read(path), Throws.TypeOf<InvalidDataException>());
            });
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public async Task LoadAsync_ReadsTheUnmodifiedFiles_SoTheRefusalsAreAboutTheDamage()
    {
        // Act
        FewShotClassifier loaded = await LoadAsync(SavedModel.Value);
        FewShotClassifier resigned = await LoadAsync(Resign(Header(SavedModel.Value), Data(SavedModel.Value)));
        FewShotClassifier withTexts = await LoadAsync(SavedModelWithTexts.Value);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(loaded.Views.Select(v => v.Name), Is.EqualTo(new[] { ClassifierView.EmbeddingName, ClassifierView.WordsName }));
            Assert.That(resigned.Labels, Is.EqualTo(loaded.Labels), "rebuilding a file as the forgeries below do keeps it loadable");
            Assert.That(withTexts.ExampleTexts, Has.Count.EqualTo(9));
        });
    }

    [Test]
    public void LoadAsync_RefusesBytesAfterTheWordViewsEnd_EvenWithAValidChecksum()
    {
        JsonNode header = Header(SavedModel.Value);
        JsonNode words = Sections(header).Single(s => (string)s!["name"]! == "words")!;
        Assert.That(Sections(header).Last(), Is.SameAs(words), "the forgery below appends to the last section");
        words["length"] = (int)words["length"]! + 4;
        byte[] forged = Resign(header, [.. Data(SavedModel.Value), 0, 0, 0, 0]);

        Assert.That(() => LoadAsync(forged), Throws.TypeOf<InvalidDataException>().With.Message.Contains("words section has bytes after its end"));
    }

    [TestCase("strategy", "\"KNearestNeighbors\"")]
    [TestCase("centerEmbeddings", "false")]
    [TestCase("seed", "7")]
    public void LoadAsync_RefusesHeaderOptionsThatContradictTheEmbeddingSection_EvenWithAValidChecksum(string option, string json)
    {
        JsonNode header = Header(SavedModel.Value);
        header["options"]![option] = JsonNode.Parse(json);
        byte[] forged = Resign(header, Data(SavedModel.Value));

        Assert.That(() => LoadAsync(forged), Throws.TypeOf<InvalidDataException>().With.Message.Contains("different embedding views"));
    }

    [Test]
    public void LoadAsync_RefusesAnUnknownSection_EvenWithAValidChecksum()
    {
        // Arrange: a fourth section, with data of its own, that this library does not know.
        JsonNode header = Header(SavedModel.Value);
        byte[] extra = [1, 2, 3, 4, 5, 6, 7, 8];
        Sections(header).Add(new JsonObject { ["name"] = "sentiment", ["version"] = 1, ["length"] = extra.Length });
        byte[] forged = Resign(header, [.. Data(SavedModel.Value), .. extra]);

        // Act and assert
        Assert.That(() => LoadAsync(forged), Throws.TypeOf<InvalidDataException>().With.Message.Contains("sentiment"));
    }

    [Test]
    public void LoadAsync_RefusesAnEmptyUnknownSection_EvenWithAValidChecksum()
    {
        // Arrange
        JsonNode header = Header(SavedModel.Value);
        Sections(header).Add(new JsonObject { ["name"] = "compression", ["version"] = 1, ["length"] = 0 });
        byte[] forged = Resign(header, Data(SavedModel.Value));

        // Act and assert
        Assert.That(() => LoadAsync(forged), Throws.TypeOf<InvalidDataException>().With.Message.Contains("compression"));
    }

    [TestCase("embedding")]
    [TestCase("calibration")]
    [TestCase("words")]
    public void LoadAsync_RefusesADuplicatedSection_EvenWithAValidChecksum(string name)
    {
        // Arrange: the section listed twice, its bytes stored twice, so that the lengths still add up.
        JsonNode header = Header(SavedModel.Value);
        byte[] data = Data(SavedModel.Value);
        JsonArray sections = Sections(header);
        int offset = 0;
        byte[] copy = [];
        foreach (JsonNode? section in sections)
        {
            int length = (int)section!["length"]!;
            if ((string)section["name"]! == name)
            {
                copy = data[offset..(offset + length)];
            }

            offset += length;
        }

        sections.Add(new JsonObject { ["name"] = name, ["version"] = 1, ["length"] = copy.Length });
        byte[] forged = Resign(header, [.. data, .. copy]);

        // Act and assert
        Assert.That(() => LoadAsync(forged), Throws.TypeOf<InvalidDataException>().With.Message.Contains("twice"));
    }

    [TestCase(0, 1)]
    [TestCase(0, 1_000_000)]
    [TestCase(1, 1)]
    [TestCase(2, 1)]
    [TestCase(2, int.MaxValue / 2)]
    public void LoadAsync_RefusesASectionLengthBeyondTheData_EvenWithAValidChecksum(int index, int extra)
    {
        // Arrange
        JsonNode header = Header(SavedModel.Value);
        JsonNode section = Sections(header)[index]!;
        section["length"] = (int)section["length"]! + extra;
        byte[] forged = Resign(header, Data(SavedModel.Value));

        // Act and assert
        Assert.That(() => LoadAsync(forged), Throws.TypeOf<InvalidDataException>());
    }

    [TestCase(-1)]
    [TestCase(-8)]
    public void LoadAsync_RefusesSectionsThatDoNotAccountForTheData_EvenWithAValidChecksum(int change)
    {
        // Arrange
        JsonNode header = Header(SavedModel.Value);
        JsonNode section = Sections(header)[^1]!;
        section["length"] = (int)section["length"]! + change;
        byte[] forged = Resign(header, Data(SavedModel.Value));

        // Act and assert
        Assert.That(() => LoadAsync(forged), Throws.TypeOf<InvalidDataException>());
    }

    [Test]
    public async Task LoadAsync_RefusesALabelDescriptionVectorTooLargeToCompare_EvenWithAValidChecksum()
    {
        // Arrange: a finite value whose square overflows in the first label description's vector. Such a file loaded,
        // and AddExamplesAsync then failed with an ArgumentException naming "embedding", a parameter of neither call.
        JsonNode header = Header(SavedModel.Value);
        byte[] data = Data(SavedModel.Value);
        int calibration = Sections(header).TakeWhile(s => (string)s!["name"]! != "calibration").Sum(s => (int)s!["length"]!);
        int at = calibration + (4 * sizeof(float)) + sizeof(int);
        at += 1 + data[at];
        at += 1 + data[at];
        at += sizeof(int);
        Assume.That(BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(calibration + (4 * sizeof(float)))), Is.GreaterThan(0), "the model has descriptions");
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(at), 3e38f);
        byte[] forged = Resign(header, data);

        // Act and assert
        Assert.That(() => LoadAsync(forged), Throws.TypeOf<InvalidDataException>());
        FewShotClassifier original = await LoadAsync(SavedModel.Value);
        Assert.That(() => original.AddExamplesAsync([new("the export fails", "bug")]), Throws.Nothing, "the unforged file refits");
    }

    [Test]
    public async Task LoadAsync_RefusesAWordCentroidLongerThanAUnitVector_EvenWithAValidChecksum()
    {
        // Arrange: the words section ends with the last class's last centroid weight, set here to a finite 3e38. Such a
        // file loaded and every prediction's probabilities came out NaN.
        JsonNode header = Header(SavedModel.Value);
        byte[] data = Data(SavedModel.Value);
        int end = 0;
        foreach (JsonNode? section in Sections(header))
        {
            end += (int)section!["length"]!;
            if ((string)section["name"]! == "words")
            {
                break;
            }
        }

        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(end - sizeof(float)), 3e38f);
        byte[] forged = Resign(header, data);

        // Act and assert
        Assert.That(() => LoadAsync(forged), Throws.TypeOf<InvalidDataException>());
        FewShotClassifier original = await LoadAsync(SavedModel.Value);
        Assert.That((await original.PredictAsync("charged twice")).Scores.Select(s => s.Score), Is.All.Matches<float>(float.IsFinite), "the unforged file predicts");
    }

    public static IEnumerable<TestCaseData> ResignedFlips()
    {
        // Inside the calibration and words sections, where only the sections' own readers can catch damage: the file's
        // checksum is recomputed after the flip.
        JsonNode header = Header(SavedModel.Value);
        int offset = 0;
        foreach (JsonNode? section in Sections(header))
        {
            int length = (int)section!["length"]!;
            string name = (string)section["name"]!;
            if (name != "embedding")
            {
                int step = Math.Max(1, length / 60);
                for (int i = 0; i < length; i += step)
                {
                    yield return new TestCaseData(offset + i).SetArgDisplayNames($"{name}+{i}");
                }

                yield return new TestCaseData(offset + length - 1).SetArgDisplayNames($"{name}+{length - 1}");
            }

            offset += length;
        }
    }

    [TestCaseSource(nameof(ResignedFlips))]
    public async Task LoadAsync_OfAResignedFlippedByte_RefusesWithInvalidData_OrLoadsAModelThatPredictsProbabilities(int dataOffset)
    {
        // Arrange
        byte[] data = Data(SavedModel.Value);
        data[dataOffset] ^= 0xFF;
        byte[] forged = Resign(Header(SavedModel.Value), data);

        // Act
        FewShotClassifier loaded;
        try
        {
            loaded = await LoadAsync(forged);
        }
        catch (InvalidDataException)
        {
            return;
        }

        // Assert
        IReadOnlyList<Prediction> predictions = await loaded.PredictBatchAsync(["charged twice", "the app crashes", "add a dark mode please", "zebra"]);
        Assert.That(
            predictions.Select(p => p.Scores.Sum(s => (double)s.Score)),
            Is.All.EqualTo(1).Within(1e-4),
            "a file the loader accepts must give probabilities");
    }

    [Test]
    public async Task SchemaOneFile_LoadsAsAnEmbeddingOnlyClassifier_WithProbabilities()
    {
        // Arrange: an embedding classifier saved in schema 1 under the generator's identity.
        var generator = FewShotClassifierConfigurationsTests.NewGenerator();
        LabeledExample[] real = [.. Examples.Where(e => e.Label != "other")];
        EmbeddingClassifier model = EmbeddingClassifier.Fit(real.Select(e => new LabeledEmbedding(e.Label, BagOfWords.Embed(e.Text))));
        string directory = Directory.CreateTempSubdirectory("embedclassify-").FullName;
        try
        {
            string path = Path.Combine(directory, "v1.ecm");
            model.Save(path, new ModelIdentity("bag-of-words", "fnv-64", BagOfWords.Dimensions));
            string[] queries = ["charged twice", "the app crashes", "add a dark mode please", "zebra"];

            // Act
            FewShotClassifier loaded = await FewShotClassifier.LoadAsync(generator, path);
            IReadOnlyList<Prediction> predictions = await loaded.PredictBatchAsync(queries);
            ModelInfo info = ModelInfo.Read(path);

            // Assert
            Assert.Multiple(() =>
            {
                Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(File.ReadAllBytes(path).AsSpan(8)), Is.EqualTo(1), "the file really is schema 1");
                Assert.That(loaded.Views.Select(v => v.Name), Is.EqualTo(new[] { ClassifierView.EmbeddingName }));
                Assert.That(loaded.Labels, Is.EqualTo(model.Labels));
                Assert.That(loaded.ExampleTexts, Is.Null);
                for (int i = 0; i < queries.Length; i++)
                {
                    Prediction prediction = predictions[i];
                    Assert.That(prediction.Scores.Sum(s => (double)s.Score), Is.EqualTo(1).Within(1e-5), queries[i]);
                    Assert.That(prediction.Scores.Select(s => s.Score), Is.All.InRange(0f, 1f));
                    Assert.That(prediction.Label, Is.EqualTo(model.Predict(BagOfWords.Embed(queries[i])).Label), "the embedding view decides alone");
                }

                Assert.That(predictions.Take(3).Select(p => p.Label), Is.EqualTo(new[] { "billing", "bug", "feature" }));
                Assert.That(info.SchemaVersion, Is.EqualTo(1));
                Assert.That(info.Views, Is.EqualTo(new[] { ClassifierView.EmbeddingName }));
                Assert.That(info.ExampleCount, Is.EqualTo(real.Length));
            });
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<byte[]> Save(bool includeTexts)
    {
        var options = new FewShotClassifierOptions { NoneLabel = "other", DetectUnknown = true };
        options.LabelDescriptions["billing"] = "invoices, charges and refunds";
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(FewShotClassifierConfigurationsTests.NewGenerator(), Examples, Unlabeled, options);
        using var stream = new MemoryStream();
        await classifier.SaveAsync(stream, includeTexts);
        return stream.ToArray();
    }

    private static Task<FewShotClassifier> LoadAsync(byte[] file) =>
        FewShotClassifier.LoadAsync(FewShotClassifierConfigurationsTests.NewGenerator(), new MemoryStream(file));

    private static JsonNode Header(byte[] file) =>
        JsonNode.Parse(Encoding.UTF8.GetString(file, PreambleLength, (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(12))))!;

    private static JsonArray Sections(JsonNode header) => header["sections"]!.AsArray();

    private static byte[] Data(byte[] file)
    {
        int headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(12));
        return file[(PreambleLength + headerLength)..^ChecksumLength];
    }

    /// <summary>Builds a file from a header and data with consistent preamble lengths and a valid SHA-256, as a forger would.</summary>
    private static byte[] Resign(JsonNode header, byte[] data)
    {
        byte[] json = Encoding.UTF8.GetBytes(header.ToJsonString());
        byte[] file = [.. SavedModel.Value.AsSpan(0, PreambleLength), .. json, .. data, .. new byte[ChecksumLength]];
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(12), (uint)json.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(16), (ulong)data.Length);
        SHA256.HashData(file.AsSpan(0, file.Length - ChecksumLength), file.AsSpan(file.Length - ChecksumLength));
        return file;
    }
}
