using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using EmbedClassify.Tests.Classification;

namespace EmbedClassify.Tests.Persistence;

/// <summary>
/// The calibration section's versions: 2 keeps the none and unlabelled texts as term hashes and counts (so that a
/// classifier loaded without texts refits exactly), and files of version 1 (their word vectors) still load and refit as
/// they did.
/// </summary>
public class FewShotClassifierCalibrationVersionsTests
{
    private static readonly string[] NoneAndUnlabeledWords = ["sailing", "weather", "football", "afternoon", "charged", "theme", "shortcuts", "export"];

    [Test]
    public async Task SaveAsync_WritesCalibrationVersion2_WithoutAnyWordOfTheNoneOrUnlabelledTexts()
    {
        // Arrange
        FewShotClassifier classifier = await RefinedNoneLabel().CreateAsync(FewShotClassifierConfigurationsTests.NewGenerator());
        using var stream = new MemoryStream();

        // Act
        await classifier.SaveAsync(stream);

        // Assert
        byte[] file = stream.ToArray();
        string utf8 = Encoding.UTF8.GetString(file);
        string utf16 = Encoding.Unicode.GetString(file) + Encoding.Unicode.GetString(file.AsSpan(1));
        Assert.Multiple(() =>
        {
            Assert.That(CalibrationVersion(file), Is.EqualTo(2));
            foreach (string word in NoneAndUnlabeledWords)
            {
                Assert.That(utf8, Does.Not.Contain(word));
                Assert.That(utf16, Does.Not.Contain(word));
            }
        });
    }

    [Test]
    public async Task LoadAsync_OfACalibrationVersion1File_PredictsAsTheClassifierThatWroteIt()
    {
        // Arrange
        byte[] file = CalibrationVersionOneFile.Bytes;

        // Act
        FewShotClassifier loaded = await FewShotClassifier.LoadAsync(FewShotClassifierConfigurationsTests.NewGenerator(), new MemoryStream(file));

        // Assert
        // The predictions were recorded on a machine whose widest vectors were 256 bits; with 512-bit vectors the sums run
        // in another order and the scores differ in their last bits (1-5 units in the last place seen), so the recorded
        // ones are matched to within 1e-6. Save and load on one machine stay bit-identical (FewShotClassifierConfigurationsTests).
        string[] actual = FewShotClassifierConfigurationsTests.Bits(await loaded.PredictBatchAsync(FewShotClassifierConfigurationsTests.FixtureQueries));
        Assert.Multiple(() =>
        {
            Assert.That(CalibrationVersion(file), Is.EqualTo(1), "the fixture really is version 1");
            Assert.That(actual, Has.Length.EqualTo(CalibrationVersionOneFile.Predictions.Length));
            for (int i = 0; i < Math.Min(actual.Length, CalibrationVersionOneFile.Predictions.Length); i++)
            {
                (string label, bool unknown, (string Label, float Score)[] scores) = Parse(actual[i]);
                (string expectedLabel, bool expectedUnknown, (string Label, float Score)[] expectedScores) = Parse(CalibrationVersionOneFile.Predictions[i]);
                Assert.That((label, unknown), Is.EqualTo((expectedLabel, expectedUnknown)), $"query {i}");
                Assert.That(scores.Select(s => s.Label), Is.EqualTo(expectedScores.Select(s => s.Label)), $"query {i}");
                Assert.That(scores.Select(s => s.Score), Is.EqualTo(expectedScores.Select(s => s.Score)).Within(1e-6f), $"query {i}");
            }
        });
    }

    [Test]
    public void Parse_ReadsBackWhatBitsWrites()
    {
        Prediction prediction = new("b", 0.75f, [new ClassScore("a", 0.25f), new ClassScore("b", 0.75f)]) { IsUnknown = true };

        (string label, bool unknown, (string Label, float Score)[] scores) = Parse(FewShotClassifierConfigurationsTests.Bits([prediction])[0]);

        Assert.Multiple(() =>
        {
            Assert.That((label, unknown), Is.EqualTo(("b", true)));
            Assert.That(scores, Is.EqualTo(new[] { ("a", 0.25f), ("b", 0.75f) }));
        });
    }

    /// <summary>Reads a line of <see cref="FewShotClassifierConfigurationsTests.Bits"/> back: label, unknown flag, and every class's score.</summary>
    private static (string Label, bool Unknown, (string Label, float Score)[] Scores) Parse(string line)
    {
        string[] parts = line.Split('|');
        (string, float)[] scores = [.. parts[3].Split(',').Select(pair => pair.Split('=')).Select(kv => (kv[0], BitConverter.Int32BitsToSingle(int.Parse(kv[1], System.Globalization.CultureInfo.InvariantCulture))))];
        return (parts[0], bool.Parse(parts[2]), scores);
    }

    [Test]
    public async Task AddExamplesAsync_OnACalibrationVersion1File_RefitsFromItsStoredWordVectors_AsBefore()
    {
        // Arrange
        FewShotClassifier loaded = await FewShotClassifier.LoadAsync(
            FewShotClassifierConfigurationsTests.NewGenerator(), new MemoryStream(CalibrationVersionOneFile.Bytes));
        FewShotClassifier original = await RefinedNoneLabel().CreateAsync(FewShotClassifierConfigurationsTests.NewGenerator());

        // Act
        FewShotClassifier extended = await loaded.AddExamplesAsync(FewShotClassifierConfigurationsTests.FixtureAdded);
        FewShotClassifier exact = await original.AddExamplesAsync(FewShotClassifierConfigurationsTests.FixtureAdded);

        // Assert: the stored word vectors are used as they are (the first fit's weights), the new none example is
        // weighed by the new view; an exact refit, which a version-1 file cannot give, weighs the old texts differently.
        Assert.Multiple(async () =>
        {
            Assert.That(loaded.Memory.NoneHashes, Is.Null);
            Assert.That(loaded.Memory.UnlabeledHashes, Is.Null);
            Assert.That(extended.Memory.NoneHashes, Is.Null);
            Assert.That(extended.Memory.UnlabeledHashes, Is.Null);
            Assert.That(
                FewShotClassifierConfigurationsTests.TermBits(extended.Memory.UnlabeledTerms),
                Is.EqualTo(FewShotClassifierConfigurationsTests.TermBits(loaded.Memory.UnlabeledTerms)).And.Not.Empty);
            Assert.That(
                FewShotClassifierConfigurationsTests.TermBits(extended.Memory.NoneTerms.Take(loaded.Memory.NoneTerms.Length)),
                Is.EqualTo(FewShotClassifierConfigurationsTests.TermBits(loaded.Memory.NoneTerms)).And.Not.Empty);
            Assert.That(extended.Memory.NoneTerms, Has.Length.EqualTo(loaded.Memory.NoneTerms.Length + 1));
            Assert.That(
                FewShotClassifierConfigurationsTests.TermBits(extended.Memory.UnlabeledTerms),
                Is.Not.EqualTo(FewShotClassifierConfigurationsTests.TermBits(exact.Memory.UnlabeledTerms)));
            Prediction prediction = await extended.PredictAsync("my parcel shipment is late");
            Assert.That(prediction.Label, Is.EqualTo("shipping"));
            Assert.That(prediction.Scores.Sum(s => (double)s.Score), Is.EqualTo(1).Within(1e-5));
        });
    }

    [Test]
    public async Task SaveAsync_OfAClassifierFromACalibrationVersion1File_StaysVersion1_AndRoundTripsBitForBit()
    {
        // Arrange: the loaded classifier knows its none and unlabelled texts only as word vectors, also after adding examples.
        FewShotClassifier loaded = await FewShotClassifier.LoadAsync(
            FewShotClassifierConfigurationsTests.NewGenerator(), new MemoryStream(CalibrationVersionOneFile.Bytes));
        FewShotClassifier extended = await loaded.AddExamplesAsync(FewShotClassifierConfigurationsTests.FixtureAdded);
        string[] queries = FewShotClassifierConfigurationsTests.FixtureQueries;

        foreach (FewShotClassifier classifier in new[] { loaded, extended })
        {
            // Act
            using var stream = new MemoryStream();
            await classifier.SaveAsync(stream);
            FewShotClassifier reloaded = await FewShotClassifier.LoadAsync(FewShotClassifierConfigurationsTests.NewGenerator(), new MemoryStream(stream.ToArray()));

            // Assert
            Assert.Multiple(async () =>
            {
                Assert.That(CalibrationVersion(stream.ToArray()), Is.EqualTo(1));
                Assert.That(
                    FewShotClassifierConfigurationsTests.Bits(await reloaded.PredictBatchAsync(queries)),
                    Is.EqualTo(FewShotClassifierConfigurationsTests.Bits(await classifier.PredictBatchAsync(queries))));
                Assert.That(reloaded.UnknownThreshold, Is.EqualTo(classifier.UnknownThreshold));
            });
        }
    }

    [Test]
    public async Task AddExamplesAsync_AfterTwoRoundTripsWithoutTexts_EqualsTheOriginal_AndItsResultRoundTrips()
    {
        // Arrange: saved, loaded, saved again and loaded again, all without texts.
        FewShotClassifier original = await RefinedNoneLabel().CreateAsync(FewShotClassifierConfigurationsTests.NewGenerator());
        FewShotClassifier twice = await RoundTrip(await RoundTrip(original));
        string[] queries = FewShotClassifierConfigurationsTests.FixtureQueries;

        // Act
        FewShotClassifier fromOriginal = await original.AddExamplesAsync(FewShotClassifierConfigurationsTests.FixtureAdded);
        FewShotClassifier fromTwice = await twice.AddExamplesAsync(FewShotClassifierConfigurationsTests.FixtureAdded);
        FewShotClassifier extendedReloaded = await RoundTrip(fromTwice);
        FewShotClassifier extendedTwice = await extendedReloaded.AddExamplesAsync([new("a storm delayed every parcel", "shipping")]);
        FewShotClassifier extendedOriginal = await fromOriginal.AddExamplesAsync([new("a storm delayed every parcel", "shipping")]);

        // Assert
        string[] expected = FewShotClassifierConfigurationsTests.Bits(await fromOriginal.PredictBatchAsync(queries));
        Assert.Multiple(async () =>
        {
            Assert.That(FewShotClassifierConfigurationsTests.Bits(await fromTwice.PredictBatchAsync(queries)), Is.EqualTo(expected));
            Assert.That(FewShotClassifierConfigurationsTests.Bits(await extendedReloaded.PredictBatchAsync(queries)), Is.EqualTo(expected));
            Assert.That(
                FewShotClassifierConfigurationsTests.Bits(await extendedTwice.PredictBatchAsync(queries)),
                Is.EqualTo(FewShotClassifierConfigurationsTests.Bits(await extendedOriginal.PredictBatchAsync(queries))));
            Assert.That(extendedTwice.UnknownThreshold, Is.EqualTo(extendedOriginal.UnknownThreshold));
        });
    }

    [Test]
    public async Task ACalibrationVersion1FileWithTexts_IsSavedAgainAsVersion2_ThatRefitsExactlyWithoutTexts()
    {
        // Arrange: the version-1 fixture with the texts it was fitted on put in its header, as includeTexts: true wrote them.
        FewShotClassifierConfigurationsTests.Configuration configuration = RefinedNoneLabel();
        FewShotClassifier original = await configuration.CreateAsync(FewShotClassifierConfigurationsTests.NewGenerator());
        byte[] withTexts = ModelFiles.WithHeader(CalibrationVersionOneFile.Bytes, json =>
        {
            JsonNode header = JsonNode.Parse(json)!;
            header["includesTexts"] = true;
            header["exampleTexts"] = new JsonArray([.. configuration.AllExamples.Where(e => e.Label != "other").Select(e => JsonValue.Create(e.Text))]);
            header["noneTexts"] = new JsonArray([.. configuration.AllExamples.Where(e => e.Label == "other").Select(e => JsonValue.Create(e.Text))]);
            header["unlabeledTexts"] = new JsonArray([.. configuration.UnlabeledTexts.Select(t => JsonValue.Create(t))]);
            return header.ToJsonString();
        });
        FewShotClassifier loaded = await FewShotClassifier.LoadAsync(FewShotClassifierConfigurationsTests.NewGenerator(), new MemoryStream(withTexts));
        using var resaved = new MemoryStream();
        await loaded.SaveAsync(resaved);
        string[] queries = FewShotClassifierConfigurationsTests.FixtureQueries;

        // Act
        FewShotClassifier reloaded = await FewShotClassifier.LoadAsync(FewShotClassifierConfigurationsTests.NewGenerator(), new MemoryStream(resaved.ToArray()));
        FewShotClassifier extended = await reloaded.AddExamplesAsync(FewShotClassifierConfigurationsTests.FixtureAdded);

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That(loaded.ExampleTexts, Is.EqualTo(original.ExampleTexts), "the header's texts were read");
            Assert.That(CalibrationVersion(resaved.ToArray()), Is.EqualTo(2));
            Assert.That(
                FewShotClassifierConfigurationsTests.Bits(await extended.PredictBatchAsync(queries)),
                Is.EqualTo(FewShotClassifierConfigurationsTests.Bits(await (await original.AddExamplesAsync(FewShotClassifierConfigurationsTests.FixtureAdded)).PredictBatchAsync(queries))));
        });
    }

    [Test]
    public async Task LoadAsync_RefusesACalibrationVersionItDoesNotRead()
    {
        // Arrange: the header's calibration version changed to 3, the file re-signed.
        FewShotClassifier classifier = await RefinedNoneLabel().CreateAsync(FewShotClassifierConfigurationsTests.NewGenerator());
        using var stream = new MemoryStream();
        await classifier.SaveAsync(stream);
        byte[] forged = ModelFiles.WithHeader(stream.ToArray(), h => h.Replace("\"name\":\"calibration\",\"version\":2", "\"name\":\"calibration\",\"version\":3", StringComparison.Ordinal));

        // Act and assert
        Assert.That(CalibrationVersion(forged), Is.EqualTo(3), "the forgery took");
        Assert.That(
            () => FewShotClassifier.LoadAsync(FewShotClassifierConfigurationsTests.NewGenerator(), new MemoryStream(forged)),
            Throws.TypeOf<InvalidDataException>().With.Message.Contains("calibration section has version 3"));
    }

    private static FewShotClassifierConfigurationsTests.Configuration RefinedNoneLabel() =>
        (FewShotClassifierConfigurationsTests.Configuration)FewShotClassifierConfigurationsTests.Configurations()
            .Single(c => ((FewShotClassifierConfigurationsTests.Configuration)c.Arguments[0]!).Name == "RefinedNoneLabel")
            .Arguments[0]!;

    private static async Task<FewShotClassifier> RoundTrip(FewShotClassifier classifier)
    {
        using var stream = new MemoryStream();
        await classifier.SaveAsync(stream);
        stream.Position = 0;
        return await FewShotClassifier.LoadAsync(FewShotClassifierConfigurationsTests.NewGenerator(), stream);
    }

    private static int CalibrationVersion(byte[] file)
    {
        int headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(12));
        JsonNode header = JsonNode.Parse(Encoding.UTF8.GetString(file, 24, headerLength))!;
        return (int)header["sections"]!.AsArray().Single(s => (string)s!["name"]! == "calibration")!["version"]!;
    }
}
