using EmbedClassify.Onnx;

namespace EmbedClassify.FineTuning.Tests.Tuning;

public sealed class FineTunedClassifierTests
{
    private static readonly FineTuningOptions ShortRun = new() { PairIterations = 2, BatchSize = 8, MaxSequenceLength = 24, Seed = 3 };

    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("embedclassify-tunedclassifier-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public async Task CreateAsync_SaveAsync_LoadAsync_GiveTheSamePredictions_OnTheTunedModel()
    {
        using FineTunedClassifier created = await FineTunedClassifier.CreateAsync(FineTuningRunTests.Examples, ShortRun);
        string path = Path.Combine(_folder, "topics.ecm");
        await created.SaveAsync(path);
        using FineTunedClassifier loaded = await FineTunedClassifier.LoadAsync(path);

        Assert.That(loaded.Model.ModelId, Is.EqualTo(created.Model.ModelId));
        Assert.That(ModelInfo.Read(path).Identity.ModelId, Is.EqualTo(created.Model.ModelId), "the classifier file names the tuned model");
        string[] texts = ["The refund has not reached my account.", "A late goal decided the derby."];
        foreach (string text in texts)
        {
            Prediction before = await created.Classifier.PredictAsync(text);
            Prediction after = await loaded.Classifier.PredictAsync(text);
            Assert.That(after.Label, Is.EqualTo(before.Label));
            Assert.That(after.Score, Is.EqualTo(before.Score));
        }
    }

    [Test]
    public async Task ASavedClassifier_IsRefusedByTheBuiltInModel_AndNeedsItsModelFolder()
    {
        using FineTunedClassifier created = await FineTunedClassifier.CreateAsync(FineTuningRunTests.Examples, ShortRun);
        string path = Path.Combine(_folder, "topics.ecm");
        await created.SaveAsync(path);

        using (OnnxEmbeddingGenerator builtIn = OnnxEmbeddingGenerator.CreateDefault())
        {
            await Assert.ThrowsAsync<EmbeddingModelMismatchException>(() => FewShotClassifier.LoadAsync(builtIn, path));
        }

        Directory.Delete(FineTunedClassifier.ModelFolder(path), recursive: true);
        await Assert.ThrowsAsync<DirectoryNotFoundException>(() => FineTunedClassifier.LoadAsync(path));
        await Assert.ThrowsAsync<FileNotFoundException>(() => FineTunedClassifier.LoadAsync(Path.Combine(_folder, "none.ecm")));
    }

    [Test]
    public async Task LoadAsync_OfAClassifierFittedOnTheBuiltInModel_ThrowsNamingPath()
    {
        string path = Path.Combine(_folder, "plain.ecm");
        using (OnnxEmbeddingGenerator builtIn = OnnxEmbeddingGenerator.CreateDefault())
        {
            FewShotClassifier plain = await FewShotClassifier.CreateAsync(builtIn, FineTuningRunTests.Examples);
            await plain.SaveAsync(path);
        }

        ArgumentException? error = await Assert.ThrowsAsync<ArgumentException>(() => FineTunedClassifier.LoadAsync(path));
        Assert.That(error!.ParamName, Is.EqualTo("path"));
        Assert.That(error.Message, Does.Contain("all-MiniLM-L6-v2").And.Contain("not on a fine-tuned model"));
    }

    [Test]
    public async Task LoadAsync_OfAPlainClassifier_WithATunedFolderBesideIt_ThrowsNamingPath()
    {
        using FineTunedClassifier tuned = await FineTunedClassifier.CreateAsync(FineTuningRunTests.Examples, ShortRun);
        await tuned.SaveAsync(Path.Combine(_folder, "tuned.ecm"));
        string path = Path.Combine(_folder, "plain.ecm");
        using (OnnxEmbeddingGenerator builtIn = OnnxEmbeddingGenerator.CreateDefault())
        {
            FewShotClassifier plain = await FewShotClassifier.CreateAsync(builtIn, FineTuningRunTests.Examples);
            await plain.SaveAsync(path);
        }

        // A copied or stale folder: the model in it loads, the classifier file does not belong to it.
        Directory.Move(FineTunedClassifier.ModelFolder(Path.Combine(_folder, "tuned.ecm")), FineTunedClassifier.ModelFolder(path));

        ArgumentException? error = await Assert.ThrowsAsync<ArgumentException>(() => FineTunedClassifier.LoadAsync(path));
        Assert.That(error!.ParamName, Is.EqualTo("path"));
        Assert.That(error.Message, Does.Contain("all-MiniLM-L6-v2").And.Contain("not on a fine-tuned model"));
        Assert.That(error.InnerException, Is.InstanceOf<EmbeddingModelMismatchException>());
    }

    [Test]
    public void ModelFolder_IsBesideTheClassifierFile()
    {
        Assert.That(FineTunedClassifier.ModelFolder(Path.Combine(_folder, "a.ecm")), Is.EqualTo(Path.Combine(_folder, "a.ecm.tuned")));
        Assert.Throws<ArgumentException>(() => FineTunedClassifier.ModelFolder(""));
    }
}
