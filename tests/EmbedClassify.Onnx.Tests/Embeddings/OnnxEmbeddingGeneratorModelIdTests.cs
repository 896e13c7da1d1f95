using EmbedClassify.Onnx.ArcticXs;
using Microsoft.Extensions.AI;

namespace EmbedClassify.Onnx.Tests;

/// <summary>
/// Settings that change the vectors (token window, lowercasing, precision) change the model id, so a cache or a saved
/// classifier never mixes vectors made under different settings; the default settings keep the plain id, so existing
/// caches and saved classifiers still match.
/// </summary>
public class OnnxEmbeddingGeneratorModelIdTests
{
    [TestCase(256, true, OnnxModelPrecision.Float32, "all-MiniLM-L6-v2")]
    [TestCase(256, true, OnnxModelPrecision.Int8, "all-MiniLM-L6-v2-int8")]
    [TestCase(512, true, OnnxModelPrecision.Float32, "all-MiniLM-L6-v2-512tokens")]
    [TestCase(128, true, OnnxModelPrecision.Int8, "all-MiniLM-L6-v2-128tokens-int8")]
    [TestCase(256, false, OnnxModelPrecision.Float32, "all-MiniLM-L6-v2-cased")]
    public void CreateDefault_ReportsTheSettingsThatChangeVectors_InItsModelId(int maxSequenceLength, bool lowerCase, OnnxModelPrecision precision, string expected)
    {
        using OnnxEmbeddingGenerator generator = OnnxEmbeddingGenerator.CreateDefault(
            new() { MaxSequenceLength = maxSequenceLength, LowerCase = lowerCase, Precision = precision });

        Assert.That(generator.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId, Is.EqualTo(expected));
    }

    [Test]
    public async Task ArcticXs_At512Tokens_HasItsOwnModelId_OnEveryVector()
    {
        using OnnxEmbeddingGenerator generator = ArcticXsEmbeddingGenerator.Create(new() { MaxSequenceLength = 512 });

        GeneratedEmbeddings<Embedding<float>> embedded = await generator.GenerateAsync(["a short text"]);

        Assert.That(embedded[0].ModelId, Is.EqualTo(ArcticXsEmbeddingGenerator.ModelId + "-512tokens"));
    }

    [Test]
    public void ModelIdFor_AppliesToAnExplicitModelId()
    {
        Assert.That(OnnxEmbeddingGenerator.ModelIdFor("my-model", new() { MaxSequenceLength = 384 }), Is.EqualTo("my-model-384tokens"));
    }

    [Test]
    public void ModelIdFor_RejectsBadArguments_NamingThem()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => OnnxEmbeddingGenerator.ModelIdFor(" ", new()), Throws.ArgumentException.With.Property("ParamName").EqualTo("modelId"));
            Assert.That(() => OnnxEmbeddingGenerator.ModelIdFor("m", null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("options"));
        });
    }

    [Test]
    public async Task SharedCache_DoesNotServeA256TokenVector_ToA512TokenGenerator()
    {
        // Before the window was part of the id, the second generator read the first one's vector of the cut text.
        string longText = LongTexts.WithEnding("The last paragraph, past token 256, says the opposite of the first.");
        var store = new InMemoryEmbeddingCacheStore();
        using var at256 = new CachingEmbeddingGenerator(OnnxEmbeddingGenerator.CreateDefault(), store);
        using var at512 = new CachingEmbeddingGenerator(OnnxEmbeddingGenerator.CreateDefault(new() { MaxSequenceLength = 512 }), store);

        Embedding<float> cut = (await at256.GenerateAsync([longText]))[0];
        Embedding<float> whole = (await at512.GenerateAsync([longText]))[0];

        Assert.Multiple(() =>
        {
            Assert.That(at512.Statistics.Misses, Is.EqualTo(1), "the 512-token generator must compute its own vector");
            Assert.That(whole.Vector.ToArray(), Is.Not.EqualTo(cut.Vector.ToArray()));
        });
    }

    [Test]
    public async Task LoadAsync_RefusesAClassifierSavedAt512Tokens_WithAGeneratorAt256()
    {
        using OnnxEmbeddingGenerator at512 = OnnxEmbeddingGenerator.CreateDefault(new() { MaxSequenceLength = 512 });
        using OnnxEmbeddingGenerator at256 = OnnxEmbeddingGenerator.CreateDefault();
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(at512,
        [
            new("Do you ship to Canada?", "question"),
            new("What sizes does this jacket come in?", "question"),
            new("My order arrived broken", "complaint"),
            new("The delivery was three weeks late", "complaint"),
        ]);
        using var saved = new MemoryStream();
        await classifier.SaveAsync(saved);

        saved.Position = 0;
        Assert.That(async () => await FewShotClassifier.LoadAsync(at256, saved), Throws.TypeOf<EmbeddingModelMismatchException>());
    }
}
