using EmbedClassify.Tests.TestDoubles;

namespace EmbedClassify.Tests.Persistence;

public class EmbeddingClassifierPersistenceTests
{
    public static IEnumerable<TestCaseData> Strategies()
    {
        yield return new TestCaseData(new FewShotClassifierOptions(), false, false).SetName("NearestCentroid");
        yield return new TestCaseData(new FewShotClassifierOptions { CenterEmbeddings = true }, false, false).SetName("NearestCentroid_Centered");
        yield return new TestCaseData(
            new FewShotClassifierOptions { Strategy = ClassificationStrategy.KMeans, Clusters = 5, Seed = 3 }, true, false).SetName("KMeans_PlusPlus_WithUnlabeled");
        yield return new TestCaseData(
            new FewShotClassifierOptions { Strategy = ClassificationStrategy.KMeans, Initialization = KMeansInitialization.ClassCentroids, CenterEmbeddings = true },
            true,
            false).SetName("KMeans_ClassCentroids_Centered_WithUnlabeled");
        yield return new TestCaseData(
            new FewShotClassifierOptions { Strategy = ClassificationStrategy.KNearestNeighbors, Neighbors = 3 }, false, false).SetName("KNearestNeighbors");
        yield return new TestCaseData(new FewShotClassifierOptions { Strategy = ClassificationStrategy.Auto }, true, false).SetName("Auto_WithUnlabeled");
        yield return new TestCaseData(new FewShotClassifierOptions { DetectUnknown = true, NoneLabel = "none" }, false, true).SetName("DetectUnknown_WithNoneLabel");
    }

    [TestCaseSource(nameof(Strategies))]
    public void Load_PredictsExactlyAsTheSavedClassifier(FewShotClassifierOptions options, bool withUnlabeled, bool withNone)
    {
        EmbeddingClassifier original = ModelFiles.Fit(options, withUnlabeled, withNone);

        EmbeddingClassifier loaded = ModelFiles.Load(ModelFiles.Save(original), ModelFiles.Identity);

        AssertIdentical(original, loaded);
    }

    [TestCaseSource(nameof(Strategies))]
    public void WithExamples_AfterLoad_GivesTheSameClassifierAsBeforeSaving(FewShotClassifierOptions options, bool withUnlabeled, bool withNone)
    {
        EmbeddingClassifier original = ModelFiles.Fit(options, withUnlabeled, withNone);
        EmbeddingClassifier loaded = ModelFiles.Load(ModelFiles.Save(original));
        var random = new Random(5);
        LabeledEmbedding[] added =
        [
            new("class-0", Vectors.RandomDirection(ModelFiles.Dimensions, random)),
            new("new-class", Vectors.RandomDirection(ModelFiles.Dimensions, random)),
            new("new-class", Vectors.RandomDirection(ModelFiles.Dimensions, random)),
        ];

        AssertIdentical(original.WithExamples(added), loaded.WithExamples(added));
    }

    [Test]
    public void Load_RefusesAnotherEmbeddingModel_NamingBothModels()
    {
        byte[] file = ModelFiles.Save(ModelFiles.Fit(new FewShotClassifierOptions()));

        var otherModel = Assert.Throws<EmbeddingModelMismatchException>(() => ModelFiles.Load(file, new ModelIdentity("test-provider", "other-model", ModelFiles.Dimensions)));
        var otherProvider = Assert.Throws<EmbeddingModelMismatchException>(() => ModelFiles.Load(file, new ModelIdentity("other-provider", "test-model", ModelFiles.Dimensions)));
        var otherDimensions = Assert.Throws<EmbeddingModelMismatchException>(() => ModelFiles.Load(file, new ModelIdentity("test-provider", "test-model", 32)));

        Assert.Multiple(() =>
        {
            Assert.That(otherModel!.Message, Does.Contain("test-provider/test-model (16 dimensions)").And.Contain("test-provider/other-model (16 dimensions)"));
            Assert.That(otherModel.Saved, Is.EqualTo(ModelFiles.Identity));
            Assert.That(otherProvider!.Message, Does.Contain("other-provider/test-model"));
            Assert.That(otherDimensions!.Message, Does.Contain("32 dimensions").And.Contain("16 dimensions"));
            Assert.That(otherDimensions.Expected!.Dimensions, Is.EqualTo(32));
        });
    }

    [Test]
    public void Load_AcceptsTheSameModel_NamedInAnotherCase()
    {
        byte[] file = ModelFiles.Save(ModelFiles.Fit(new FewShotClassifierOptions()));

        EmbeddingClassifier loaded = ModelFiles.Load(file, new ModelIdentity("TEST-Provider", "Test-Model", ModelFiles.Dimensions));

        Assert.That(loaded.Dimensions, Is.EqualTo(ModelFiles.Dimensions));
    }

    [Test]
    public void Save_RefusesAnIdentityOfAnotherDimension()
    {
        EmbeddingClassifier classifier = ModelFiles.Fit(new FewShotClassifierOptions());

        Assert.That(
            () => classifier.Save(new MemoryStream(), new ModelIdentity("p", "m", 8)),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("identity").And.Message.Contains("16-dimensional"));
    }

    [Test]
    public void PathOverloads_RoundTrip_AndReplaceAnExistingFile()
    {
        string directory = Directory.CreateTempSubdirectory("embedclassify-").FullName;
        try
        {
            string path = Path.Combine(directory, "model.ecm");
            File.WriteAllText(path, "an older file");
            EmbeddingClassifier original = ModelFiles.Fit(new FewShotClassifierOptions { Strategy = ClassificationStrategy.KNearestNeighbors });

            original.Save(path, ModelFiles.Identity);
            EmbeddingClassifier loaded = EmbeddingClassifier.Load(path, ModelFiles.Identity);

            AssertIdentical(original, loaded);
            Assert.That(Directory.GetFiles(directory), Is.EqualTo(new[] { path }), "no temporary file is left behind");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void LoadFromPath_RefusesBytesAfterTheModel()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, [.. ModelFiles.Save(ModelFiles.Fit(new FewShotClassifierOptions())), 0]);

            Assert.That(() => EmbeddingClassifier.Load(path), Throws.TypeOf<InvalidDataException>().With.Message.Contains("after the model"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public async Task AsyncOverloads_RoundTrip_AndReadExactlyOneModel()
    {
        EmbeddingClassifier first = ModelFiles.Fit(new FewShotClassifierOptions());
        EmbeddingClassifier second = ModelFiles.Fit(new FewShotClassifierOptions { Strategy = ClassificationStrategy.KNearestNeighbors });
        using var stream = new MemoryStream();
        await first.SaveAsync(stream, ModelFiles.Identity);
        await second.SaveAsync(stream, ModelFiles.Identity);
        stream.Position = 0;

        EmbeddingClassifier loadedFirst = await EmbeddingClassifier.LoadAsync(stream, ModelFiles.Identity);
        EmbeddingClassifier loadedSecond = EmbeddingClassifier.Load(stream, ModelFiles.Identity);

        AssertIdentical(first, loadedFirst);
        AssertIdentical(second, loadedSecond);
        Assert.That(stream.Position, Is.EqualTo(stream.Length));
    }

    [Test]
    public void AsyncOverloads_HonourCancellation()
    {
        EmbeddingClassifier classifier = ModelFiles.Fit(new FewShotClassifierOptions());
        using var source = new CancellationTokenSource();
        source.Cancel();

        Assert.Multiple(() =>
        {
            Assert.That(() => classifier.SaveAsync(new MemoryStream(), ModelFiles.Identity, source.Token), Throws.InstanceOf<OperationCanceledException>());
            Assert.That(
                () => EmbeddingClassifier.LoadAsync(new MemoryStream(ModelFiles.Save(classifier)), cancellationToken: source.Token),
                Throws.InstanceOf<OperationCanceledException>());
        });
    }

    [Test]
    public void Header_IsReadableJson_WithTheDocumentedFields()
    {
        DateTime before = DateTime.UtcNow;
        byte[] file = ModelFiles.Save(ModelFiles.Fit(new FewShotClassifierOptions { Strategy = ClassificationStrategy.Auto }));

        string header = ModelFiles.Header(file);

        using var json = System.Text.Json.JsonDocument.Parse(header);
        System.Text.Json.JsonElement root = json.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(file.AsSpan(0, 8).ToArray(), Is.EqualTo(new byte[] { 0x89, (byte)'E', (byte)'C', (byte)'M', 0x0D, 0x0A, 0x1A, 0x0A }));
            Assert.That(root.GetProperty("schemaVersion").GetInt32(), Is.EqualTo(1));
            Assert.That(root.GetProperty("embedding").GetProperty("provider").GetString(), Is.EqualTo("test-provider"));
            Assert.That(root.GetProperty("embedding").GetProperty("model").GetString(), Is.EqualTo("test-model"));
            Assert.That(root.GetProperty("embedding").GetProperty("dimensions").GetInt32(), Is.EqualTo(16));
            Assert.That(root.GetProperty("options").GetProperty("strategy").GetString(), Is.Not.EqualTo("Auto"), "Auto resolves to the rule it picked");
            Assert.That(root.GetProperty("labels").GetArrayLength(), Is.EqualTo(3));
            Assert.That(root.GetProperty("counts").GetProperty("examples").GetInt32(), Is.EqualTo(15));
            Assert.That(root.GetProperty("includesTexts").GetBoolean(), Is.False);
            Assert.That(root.GetProperty("createdUtc").GetString(), Does.EndWith("Z"));
            Assert.That(root.GetProperty("createdUtc").GetDateTime(), Is.InRange(before.AddSeconds(-1), DateTime.UtcNow.AddSeconds(1)));
        });
    }

    [Test]
    public void Methods_CheckTheirArguments_WithParameterNames()
    {
        EmbeddingClassifier classifier = ModelFiles.Fit(new FewShotClassifierOptions());
        using var readOnly = new MemoryStream([1, 2, 3], writable: false);
        using var writeOnly = new WriteOnlyStream();

        Assert.Multiple(() =>
        {
            Assert.That(() => classifier.Save((Stream)null!, ModelFiles.Identity), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("stream"));
            Assert.That(() => classifier.Save(new MemoryStream(), null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("identity"));
            Assert.That(() => classifier.Save(readOnly, ModelFiles.Identity), Throws.ArgumentException.With.Property("ParamName").EqualTo("stream"));
            Assert.That(() => classifier.Save((string)null!, ModelFiles.Identity), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("path"));
            Assert.That(() => classifier.Save(" ", ModelFiles.Identity), Throws.ArgumentException.With.Property("ParamName").EqualTo("path"));
            Assert.That(() => classifier.SaveAsync(null!, ModelFiles.Identity), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("stream"));
            Assert.That(() => EmbeddingClassifier.Load((Stream)null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("stream"));
            Assert.That(() => EmbeddingClassifier.Load(writeOnly), Throws.ArgumentException.With.Property("ParamName").EqualTo("stream"));
            Assert.That(() => EmbeddingClassifier.Load((string)null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("path"));
            Assert.That(() => EmbeddingClassifier.Load(""), Throws.ArgumentException.With.Property("ParamName").EqualTo("path"));
            Assert.That(() => EmbeddingClassifier.LoadAsync(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("stream"));
            Assert.That(() => new ModelIdentity(null!, "m", 1), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("providerName"));
            Assert.That(() => new ModelIdentity("p", " ", 1), Throws.ArgumentException.With.Property("ParamName").EqualTo("modelId"));
            Assert.That(() => new ModelIdentity("p", "m", 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("dimensions"));
            Assert.That(() => ModelIdentity.FromMetadata(null!, 1), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("metadata"));
            Assert.That(
                () => ModelIdentity.FromMetadata(new Microsoft.Extensions.AI.EmbeddingGeneratorMetadata("p", null, null, null), 1),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("metadata"));
            Assert.That(
                () => ModelIdentity.FromMetadata(new Microsoft.Extensions.AI.EmbeddingGeneratorMetadata("p", null, "m", 8), 16),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("metadata").And.Message.Contains("8-dimensional"));
        });
    }

    [Test]
    public void FromMetadata_TakesProviderModelAndDimensions_AndNoUri()
    {
        var metadata = new Microsoft.Extensions.AI.EmbeddingGeneratorMetadata("openai", new Uri(MetadataEmbeddingGenerator.SecretUri), "text-embedding-3-small", 1536);

        ModelIdentity identity = ModelIdentity.FromMetadata(metadata, 1536);

        Assert.That(identity, Is.EqualTo(new ModelIdentity("openai", "text-embedding-3-small", 1536)));
    }

    internal static void AssertIdentical(EmbeddingClassifier expected, EmbeddingClassifier actual)
    {
        Assert.Multiple(() =>
        {
            Assert.That(actual.Labels, Is.EqualTo(expected.Labels));
            Assert.That(actual.Dimensions, Is.EqualTo(expected.Dimensions));
            Assert.That(actual.ExampleCount, Is.EqualTo(expected.ExampleCount));
            Assert.That(actual.UnlabeledCount, Is.EqualTo(expected.UnlabeledCount));
            Assert.That(actual.Strategy, Is.EqualTo(expected.Strategy));
            Assert.That(actual.Options, Is.EqualTo(expected.Options).Using<FewShotClassifierOptions>(SameOptions));

            // Exact equality, not a tolerance: a loaded model must be the same model.
            Assert.That(actual.Temperature, Is.EqualTo(expected.Temperature));
            Assert.That(actual.UnknownThreshold, Is.EqualTo(expected.UnknownThreshold));
            foreach (float[] query in ModelFiles.Queries(expected.Dimensions))
            {
                Prediction e = expected.Predict(query), a = actual.Predict(query);
                Assert.That(a.Label, Is.EqualTo(e.Label));
                Assert.That(a.Score, Is.EqualTo(e.Score));
                Assert.That(a.IsUnknown, Is.EqualTo(e.IsUnknown));
                Assert.That(a.Scores, Is.EqualTo(e.Scores));
                Assert.That(actual.PredictProbabilities(query), Is.EqualTo(expected.PredictProbabilities(query)));
                Assert.That(actual.NearestExamples(query, 4), Is.EqualTo(expected.NearestExamples(query, 4)));
            }
        });
    }

    private static bool SameOptions(FewShotClassifierOptions x, FewShotClassifierOptions y) =>
        x.Strategy == y.Strategy && x.Neighbors == y.Neighbors && x.Clusters == y.Clusters && x.Initialization == y.Initialization
        && x.MaxIterations == y.MaxIterations && x.CenterEmbeddings == y.CenterEmbeddings && x.DetectUnknown == y.DetectUnknown
        && x.NoneLabel == y.NoneLabel && x.Seed == y.Seed;

    private sealed class WriteOnlyStream : MemoryStream
    {
        public override bool CanRead => false;
    }
}
