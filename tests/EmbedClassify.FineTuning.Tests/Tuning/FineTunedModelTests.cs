using EmbedClassify.FineTuning.Tests.Model;
using EmbedClassify.Onnx;
using Microsoft.Extensions.AI;

namespace EmbedClassify.FineTuning.Tests.Tuning;

public sealed class FineTunedModelTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("embedclassify-tuned-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void ModelId_IsTheBaseIdPlusTheFingerprint_AndDiffersForOtherWeights()
    {
        FineTunedModel first = Perturbed(0.1f);
        FineTunedModel second = Perturbed(0.2f);

        Assert.That(first.ModelId, Is.EqualTo("all-MiniLM-L6-v2-tuned-" + first.Fingerprint[..16]));
        Assert.That(second.ModelId, Is.Not.EqualTo(first.ModelId));
        Assert.That(FineTunedModel.IsFineTunedModelId(first.ModelId), Is.True);
        Assert.That(FineTunedModel.IsFineTunedModelId(OnnxEmbeddingGenerator.DefaultModelId), Is.False);
        Assert.That(FineTunedModel.IsFineTunedModelId(null), Is.False);
    }

    [Test]
    public async Task CreateGenerator_ReportsTheTunedId_AndEmbedsUnlikeTheBuiltInModel()
    {
        FineTunedModel model = Perturbed(0.3f);
        using OnnxEmbeddingGenerator tuned = model.CreateGenerator();
        using OnnxEmbeddingGenerator builtIn = OnnxEmbeddingGenerator.CreateDefault();

        Assert.That(tuned.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId, Is.EqualTo(model.ModelId));
        float[] a = (await tuned.GenerateAsync(["a tuned model"]))[0].Vector.ToArray();
        float[] b = (await builtIn.GenerateAsync(["a tuned model"]))[0].Vector.ToArray();
        Assert.That(a, Is.Not.EqualTo(b));
    }

    [Test]
    public void CreateGenerator_WithAModelId_ThrowsNamingOptions()
    {
        FineTunedModel model = Perturbed(0.1f);

        Assert.That(Assert.Throws<ArgumentException>(() => model.CreateGenerator(new OnnxEmbeddingGeneratorOptions { ModelId = "mine" }))!.ParamName, Is.EqualTo("options"));
    }

    [Test]
    public async Task CreateGenerator_AtInt8_QuantizesTheTunedGraph_UnderItsOwnId()
    {
        FineTunedModel model = Perturbed(0.3f);
        using OnnxEmbeddingGenerator float32 = model.CreateGenerator();
        using OnnxEmbeddingGenerator int8 = model.CreateGenerator(new OnnxEmbeddingGeneratorOptions { Precision = OnnxModelPrecision.Int8 });
        using OnnxEmbeddingGenerator builtInInt8 = OnnxEmbeddingGenerator.CreateDefault(new OnnxEmbeddingGeneratorOptions { Precision = OnnxModelPrecision.Int8 });

        Assert.That(int8.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId, Is.EqualTo(model.ModelId + "-int8"));
        string text = "An int8 copy of a tuned model stays close to it.";
        float[] exact = (await float32.GenerateAsync([text]))[0].Vector.ToArray();
        float[] quantized = (await int8.GenerateAsync([text]))[0].Vector.ToArray();
        float[] otherModel = (await builtInInt8.GenerateAsync([text]))[0].Vector.ToArray();

        // Unit vectors: the dot product is the cosine. Close to the tuned float32 vector (the built-in int8 graph agrees
        // with float32 at cosine 0.96-0.99 on short texts, LOCAL-MODEL-NOTES.md), and not the built-in int8 model's vector.
        Assert.That(System.Numerics.Tensors.TensorPrimitives.Dot(exact, quantized), Is.GreaterThan(0.95f));
        Assert.That(quantized, Is.Not.EqualTo(otherModel));
    }

    [Test]
    public async Task SaveAsync_ThenLoadAsync_GivesTheSameModel_AndFromDirectoryEmbedsAlike()
    {
        FineTunedModel model = Perturbed(0.25f);

        await model.SaveAsync(_folder);
        FineTunedModel loaded = await FineTunedModel.LoadAsync(_folder);

        Assert.That(loaded.ModelId, Is.EqualTo(model.ModelId));
        Assert.That(loaded.Fingerprint, Is.EqualTo(model.Fingerprint));
        Assert.That(loaded.Summary, Is.EqualTo(model.Summary));
        Assert.That(Directory.GetFiles(_folder).Select(Path.GetFileName), Is.EquivalentTo(new[] { "model.onnx", "vocab.txt", FineTunedModel.DescriptionFileName }));

        using OnnxEmbeddingGenerator fromModel = model.CreateGenerator();
        using OnnxEmbeddingGenerator fromFolder = OnnxEmbeddingGenerator.FromDirectory(_folder, new OnnxEmbeddingGeneratorOptions { ModelId = model.ModelId });
        Assert.That((await fromFolder.GenerateAsync(["saved and loaded"]))[0].Vector.ToArray(),
            Is.EqualTo((await fromModel.GenerateAsync(["saved and loaded"]))[0].Vector.ToArray()));
    }

    [Test]
    public async Task LoadAsync_OfAModelFileChangedAfterSaving_ThrowsInvalidData()
    {
        await Perturbed(0.25f).SaveAsync(_folder);
        await Perturbed(0.5f).SaveAsync(Path.Combine(_folder, "other"));
        File.Copy(Path.Combine(_folder, "other", "model.onnx"), Path.Combine(_folder, "model.onnx"), overwrite: true);

        InvalidDataException? error = await Assert.ThrowsAsync<InvalidDataException>(() => FineTunedModel.LoadAsync(_folder));
        Assert.That(error!.Message, Does.Contain("changed or damaged"));
    }

    [Test]
    public async Task LoadAsync_OfAFolderWithoutItsDescription_ThrowsFileNotFound()
    {
        await Perturbed(0.25f).SaveAsync(_folder);
        File.Delete(Path.Combine(_folder, FineTunedModel.DescriptionFileName));

        await Assert.ThrowsAsync<FileNotFoundException>(() => FineTunedModel.LoadAsync(_folder));
        await Assert.ThrowsAsync<DirectoryNotFoundException>(() => FineTunedModel.LoadAsync(Path.Combine(_folder, "missing")));
        await Assert.ThrowsAsync<ArgumentException>(() => FineTunedModel.LoadAsync(" "));
    }

    [Test]
    public async Task SaveAsync_LeavesNoTemporaryFiles()
    {
        await Perturbed(0.25f).SaveAsync(_folder);
        await Perturbed(0.25f).SaveAsync(_folder);

        Assert.That(Directory.GetFiles(_folder).Where(f => f.Contains(".tmp-", StringComparison.Ordinal)), Is.Empty);
    }

    internal static FineTunedModel Perturbed(float amount)
    {
        OnnxBertGraph graph = OnnxBertGraph.Parse(OnnxBertGraphTests.BuiltInGraph());
        BertWeights weights = graph.ReadWeights();
        for (int i = 0; i < weights.Layers[5].OutputBias.Length; i++)
        {
            weights.Layers[5].OutputBias[i] += amount * MathF.Cos(i);
        }

        var summary = new FineTuningSummary
        {
            BaseModelId = OnnxEmbeddingGenerator.DefaultModelId,
            ExampleCount = 4,
            LabelCount = 2,
            Steps = 1,
            PairIterations = 1,
            LearningRate = 2e-5f,
            MaxSequenceLength = 128,
            Seed = 0,
            InitialLoss = 0.5f,
            FinalLoss = 0.25f,
            Duration = TimeSpan.FromSeconds(1.5),
        };
        return FineTunedModel.FromGraph(graph.WriteModel(weights), weights, summary);
    }
}
