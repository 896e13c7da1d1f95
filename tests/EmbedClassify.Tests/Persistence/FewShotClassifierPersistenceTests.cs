using System.Text;
using EmbedClassify.Tests.TestDoubles;

namespace EmbedClassify.Tests.Persistence;

public class FewShotClassifierPersistenceTests
{
    private static readonly LabeledExample[] Examples =
    [
        new("win a free prize now", "spam"),
        new("cheap pills free offer", "spam"),
        new("meeting notes for monday", "ham"),
        new("lunch with the team on monday", "ham"),
    ];

    private static MetadataEmbeddingGenerator Generator() => new("bag-of-words", "fnv-64", BagOfWords.Dimensions);

    [Test]
    public async Task SaveAsync_StoresNoTrainingTextAndNoKey_ByDefault()
    {
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(Generator(), Examples);
        using var stream = new MemoryStream();

        await classifier.SaveAsync(stream);

        string bytes = Encoding.UTF8.GetString(stream.ToArray());
        Assert.Multiple(() =>
        {
            foreach (LabeledExample example in Examples)
            {
                Assert.That(bytes, Does.Not.Contain(example.Text));
            }

            Assert.That(bytes, Does.Not.Contain("monday"));
            Assert.That(bytes, Does.Not.Contain("secret"));
            Assert.That(bytes, Does.Not.Contain("example.test"));
            Assert.That(bytes, Does.Contain("bag-of-words").And.Contain("fnv-64"));
        });
    }

    [Test]
    public async Task LoadAsync_RoundTripsPredictions_AndTexts_OnlyWhenIncluded()
    {
        FewShotClassifier original = await FewShotClassifier.CreateAsync(Generator(), Examples);
        using var withoutTexts = new MemoryStream();
        using var withTexts = new MemoryStream();
        await original.SaveAsync(withoutTexts);
        await original.SaveAsync(withTexts, includeTexts: true);
        withoutTexts.Position = 0;
        withTexts.Position = 0;

        FewShotClassifier loaded = await FewShotClassifier.LoadAsync(Generator(), withoutTexts);
        FewShotClassifier loadedWithTexts = await FewShotClassifier.LoadAsync(Generator(), withTexts);

        Prediction expected = await original.PredictAsync("free prize offer");
        Assert.Multiple(async () =>
        {
            Assert.That(Encoding.UTF8.GetString(withTexts.ToArray()), Does.Contain("win a free prize now"));
            Assert.That(loaded.ExampleTexts, Is.Null);
            Assert.That(loadedWithTexts.ExampleTexts, Is.EqualTo(original.ExampleTexts));
            Assert.That(await loaded.PredictAsync("free prize offer"), Is.EqualTo(expected).Using<Prediction>(SamePrediction));
            Assert.That(await loadedWithTexts.NearestExamplesAsync("free prize offer", 2), Is.EqualTo(await original.NearestExamplesAsync("free prize offer", 2)));
            Assert.That((await loaded.NearestExamplesAsync("free prize offer", 2)).Select(n => n.Text), Is.All.Null);
        });
        EmbeddingClassifierPersistenceTests.AssertIdentical(original.Model, loaded.Model);
    }

    [Test]
    public async Task LoadAsync_RefusesAGeneratorOfAnotherModel_NamingBoth()
    {
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(Generator(), Examples);
        using var stream = new MemoryStream();
        await classifier.SaveAsync(stream);

        stream.Position = 0;
        var otherModel = await Assert.ThrowsAsync<EmbeddingModelMismatchException>(
            () => FewShotClassifier.LoadAsync(new MetadataEmbeddingGenerator("bag-of-words", "other-model", null), stream));
        stream.Position = 0;
        var otherDimensions = await Assert.ThrowsAsync<EmbeddingModelMismatchException>(
            () => FewShotClassifier.LoadAsync(new MetadataEmbeddingGenerator("bag-of-words", "fnv-64", 128), stream));

        Assert.Multiple(() =>
        {
            Assert.That(otherModel!.Message, Does.Contain("bag-of-words/fnv-64 (64 dimensions)").And.Contain("bag-of-words/other-model"));
            Assert.That(otherDimensions!.Message, Does.Contain("128 dimensions"));
        });
    }

    [Test]
    public async Task SaveAndLoad_RequireAGeneratorThatNamesItsModel()
    {
        FewShotClassifier anonymous = await FewShotClassifier.CreateAsync(BagOfWords.Generator(), Examples);
        FewShotClassifier named = await FewShotClassifier.CreateAsync(Generator(), Examples);
        using var stream = new MemoryStream();
        await named.SaveAsync(stream);
        stream.Position = 0;

        Assert.Multiple(() =>
        {
            Assert.That(() => anonymous.SaveAsync(new MemoryStream()), Throws.InvalidOperationException.With.Message.Contains("EmbeddingGeneratorMetadata"));
            Assert.That(() => FewShotClassifier.LoadAsync(BagOfWords.Generator(), stream), Throws.InvalidOperationException.With.Message.Contains("EmbeddingGeneratorMetadata"));
            Assert.That(
                () => FewShotClassifier.LoadAsync(new MetadataEmbeddingGenerator("bag-of-words", null, null), stream),
                Throws.InvalidOperationException);
        });
    }

    [Test]
    public async Task SaveAsync_WithTexts_RefusesAClassifierThatKeepsNone()
    {
        FewShotClassifier created = await FewShotClassifier.CreateAsync(Generator(), Examples);
        var textless = new FewShotClassifier(created.Generator, created.Model);

        Assert.That(() => textless.SaveAsync(new MemoryStream(), includeTexts: true), Throws.InvalidOperationException.With.Message.Contains("texts"));
    }

    [Test]
    public async Task PathOverloads_RoundTrip()
    {
        FewShotClassifier original = await FewShotClassifier.CreateAsync(Generator(), Examples);
        string directory = Directory.CreateTempSubdirectory("embedclassify-").FullName;
        try
        {
            string path = Path.Combine(directory, "spam.ecm");

            await original.SaveAsync(path, includeTexts: true);
            FewShotClassifier loaded = await FewShotClassifier.LoadAsync(Generator(), path);

            Assert.That(loaded.ExampleTexts, Is.EqualTo(original.ExampleTexts));
            EmbeddingClassifierPersistenceTests.AssertIdentical(original.Model, loaded.Model);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public async Task Methods_CheckTheirArguments_WithParameterNames()
    {
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(Generator(), Examples);

        Assert.Multiple(() =>
        {
            Assert.That(() => classifier.SaveAsync((Stream)null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("stream"));
            Assert.That(() => classifier.SaveAsync((string)null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("path"));
            Assert.That(() => ((FewShotClassifier)null!).SaveAsync(new MemoryStream()), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("classifier"));
            Assert.That(() => FewShotClassifier.LoadAsync(null!, new MemoryStream()), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("generator"));
            Assert.That(() => FewShotClassifier.LoadAsync(Generator(), (Stream)null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("stream"));
            Assert.That(() => FewShotClassifier.LoadAsync(Generator(), " "), Throws.ArgumentException.With.Property("ParamName").EqualTo("path"));
        });
    }

    private static bool SamePrediction(Prediction x, Prediction y) =>
        x.Label == y.Label && x.Score == y.Score && x.IsUnknown == y.IsUnknown && x.Scores.SequenceEqual(y.Scores);
}
