using EmbedClassify.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EmbedClassify.Tests.Classification;

public class FewShotClassifierZeroShotTests
{
    private static readonly string[] Labels = ["billing", "shipping"];

    private static FewShotClassifierOptions Described() => new()
    {
        LabelDescriptions = new Dictionary<string, string>
        {
            ["billing"] = "invoice payment refund charge",
            ["shipping"] = "delivery parcel courier late",
        },
    };

    private static readonly LabeledExample[] Examples =
    [
        new("my invoice shows a double charge", "billing"),
        new("please refund the payment", "billing"),
        new("the parcel delivery is late", "shipping"),
        new("courier lost my parcel", "shipping"),
    ];

    [Test]
    public async Task Predict_ReturnsTheClassWhoseDescriptionTheTextMatches_WithNoExamples()
    {
        var classifier = await FewShotClassifier.CreateFromDescriptionsAsync(BagOfWords.Generator(), Labels, Described());

        Prediction billing = await classifier.PredictAsync("where is my refund for the double charge");
        Prediction shipping = await classifier.PredictAsync("the courier says the parcel is late");

        Assert.Multiple(() =>
        {
            Assert.That(billing.Label, Is.EqualTo("billing"));
            Assert.That(shipping.Label, Is.EqualTo("shipping"));
            Assert.That(classifier.DescribedOnlyLabels, Is.EqualTo(Labels));
            Assert.That(classifier.Model.ExampleCount, Is.EqualTo(2), "one stand-in per class");
        });
    }

    [Test]
    public async Task Probabilities_AreTheRawSimilaritiesOnTheMeasuredZeroShotScales()
    {
        var classifier = await FewShotClassifier.CreateFromDescriptionsAsync(BagOfWords.Generator(), Labels, Described());

        PredictionExplanation explained = await classifier.ExplainAsync("a refund for the late parcel");

        // The probabilities are the softmax of the raw similarities weighed by the zero-shot scales, nothing fitted.
        float[] logits = [.. Enumerable.Range(0, 2).Select(c =>
            (explained.Views[0].Similarities[c].Score * FewShotClassifier.ZeroShotEmbeddingScale(2)) + (explained.Views[1].Similarities[c].Score * FewShotClassifier.ZeroShotWordScale))];
        double expected = 1 / (1 + Math.Exp(logits[1] - logits[0]));
        Assert.Multiple(() =>
        {
            Assert.That(classifier.Views[0].Scale, Is.EqualTo(4.5f * MathF.Log(2)).Within(1e-5f));
            Assert.That(classifier.Views[1].Scale, Is.EqualTo(FewShotClassifier.ZeroShotWordScale));
            Assert.That(classifier.Temperature, Is.EqualTo(1f));
            Assert.That(explained.Prediction.Scores[0].Score, Is.EqualTo(expected).Within(1e-5));
            Assert.That(explained.Prediction.Scores.Sum(s => s.Score), Is.EqualTo(1f).Within(1e-5));
        });
    }

    [Test]
    public async Task AddExamplesAsync_ToEveryClass_GivesTheClassifierFittedOnThoseExamples()
    {
        var zeroShot = await FewShotClassifier.CreateFromDescriptionsAsync(BagOfWords.Generator(), Labels, Described());

        FewShotClassifier grown = await zeroShot.AddExamplesAsync(Examples);
        FewShotClassifier direct = await FewShotClassifier.CreateAsync(BagOfWords.Generator(), Examples, Described());

        Prediction fromGrown = await grown.PredictAsync("the parcel has no invoice");
        Prediction fromDirect = await direct.PredictAsync("the parcel has no invoice");
        Assert.Multiple(() =>
        {
            Assert.That(grown.DescribedOnlyLabels, Is.Empty);
            Assert.That(grown.Model.ExampleCount, Is.EqualTo(Examples.Length), "the stand-ins are gone");
            Assert.That(grown.Temperature, Is.EqualTo(direct.Temperature));
            Assert.That(fromGrown.Scores.Select(s => s.Score), Is.EqualTo(fromDirect.Scores.Select(s => s.Score)));
        });
    }

    [Test]
    public async Task AddExamplesAsync_ToOneClass_KeepsTheOtherOnItsDescription()
    {
        var zeroShot = await FewShotClassifier.CreateFromDescriptionsAsync(BagOfWords.Generator(), Labels, Described());

        FewShotClassifier grown = await zeroShot.AddExamplesAsync(Examples.Where(e => e.Label == "billing"));

        Assert.Multiple(() =>
        {
            Assert.That(grown.DescribedOnlyLabels, Is.EqualTo(new[] { "shipping" }));
            Assert.That(grown.Model.ExampleCount, Is.EqualTo(3), "two billing examples and the shipping stand-in");
        });
        Assert.That((await grown.PredictAsync("courier parcel")).Label, Is.EqualTo("shipping"));
    }

    [Test]
    public async Task SaveAndLoad_KeepTheStartFromDescriptions_AndItsRefit()
    {
        var zeroShot = await FewShotClassifier.CreateFromDescriptionsAsync(FewShotClassifierConfigurationsTests.NewGenerator(), Labels, Described());
        using var stream = new MemoryStream();
        await zeroShot.SaveAsync(stream);
        stream.Position = 0;

        FewShotClassifier loaded = await FewShotClassifier.LoadAsync(FewShotClassifierConfigurationsTests.NewGenerator(), stream);

        Prediction before = await zeroShot.PredictAsync("refund the courier");
        Prediction after = await loaded.PredictAsync("refund the courier");
        Prediction grownBefore = await (await zeroShot.AddExamplesAsync(Examples)).PredictAsync("refund the courier");
        Prediction grownAfter = await (await loaded.AddExamplesAsync(Examples)).PredictAsync("refund the courier");
        Assert.Multiple(() =>
        {
            Assert.That(loaded.DescribedOnlyLabels, Is.EqualTo(Labels));
            Assert.That(after.Scores.Select(s => s.Score), Is.EqualTo(before.Scores.Select(s => s.Score)));
            Assert.That(grownAfter.Scores.Select(s => s.Score), Is.EqualTo(grownBefore.Scores.Select(s => s.Score)));
        });
    }

    [Test]
    public async Task SaveAndLoad_KeepEveryStandIn_OfAHundredTimesAsManyClasses()
    {
        string[] labels = [.. Enumerable.Range(0, 200).Select(i => $"topic {i}")];
        var zeroShot = await FewShotClassifier.CreateFromDescriptionsAsync(FewShotClassifierConfigurationsTests.NewGenerator(), labels);
        using var stream = new MemoryStream();
        await zeroShot.SaveAsync(stream);
        stream.Position = 0;

        FewShotClassifier loaded = await FewShotClassifier.LoadAsync(FewShotClassifierConfigurationsTests.NewGenerator(), stream);
        FewShotClassifier grown = await loaded.AddExamplesAsync([new("all about topic 7", "topic 7")]);

        Assert.Multiple(() =>
        {
            Assert.That(loaded.DescribedOnlyLabels, Is.EqualTo(labels));
            Assert.That(grown.DescribedOnlyLabels, Has.Count.EqualTo(199).And.No.Member("topic 7"));
            Assert.That(grown.Model.ExampleCount, Is.EqualTo(200), "199 stand-ins and the one example");
        });
    }

    [Test]
    public async Task AddExamplesAsync_KeepsTheStandIns_OfAMixedClassifierLoadedWithoutTexts()
    {
        var zeroShot = await FewShotClassifier.CreateFromDescriptionsAsync(FewShotClassifierConfigurationsTests.NewGenerator(), Labels, Described());
        FewShotClassifier mixed = await zeroShot.AddExamplesAsync(Examples.Where(e => e.Label == "billing"));
        using var stream = new MemoryStream();
        await mixed.SaveAsync(stream);
        stream.Position = 0;
        FewShotClassifier loaded = await FewShotClassifier.LoadAsync(FewShotClassifierConfigurationsTests.NewGenerator(), stream);

        FewShotClassifier grown = await loaded.AddExamplesAsync(Examples.Where(e => e.Label == "shipping"));

        // Its word view cannot be refitted without the stand-in's words, so the stand-in stays one example of its class.
        Assert.Multiple(() =>
        {
            Assert.That(loaded.DescribedOnlyLabels, Is.EqualTo(new[] { "shipping" }));
            Assert.That(grown.DescribedOnlyLabels, Is.Empty);
            Assert.That(grown.Model.ExampleCount, Is.EqualTo(5), "two billing, the shipping stand-in and two shipping");
        });
        Assert.That((await grown.PredictAsync("the courier lost the parcel")).Label, Is.EqualTo("shipping"));
    }

    [Test]
    public async Task Create_UsesLabelNames_WhenNoDescriptionIsGiven()
    {
        var generator = BagOfWords.Generator();

        await FewShotClassifier.CreateFromDescriptionsAsync(generator, ["late_delivery", "refund"]);

        Assert.That(generator.TextsSent, Is.EquivalentTo(new[] { "late delivery", "refund" }));
    }

    [Test]
    public async Task Create_RefinesOnUnlabeledTexts_SentInTheSameCall()
    {
        var generator = BagOfWords.Generator();
        string[] pool = ["double charge on my invoice", "courier never came"];

        var classifier = await FewShotClassifier.CreateFromDescriptionsAsync(generator, Labels, pool, Described());

        Assert.Multiple(() =>
        {
            Assert.That(generator.Calls, Has.Count.EqualTo(1));
            Assert.That(classifier.UnlabeledCount, Is.EqualTo(2));
        });
    }

    [TestCase("billing", TestName = "Create_Throws_WhenOneLabel")]
    [TestCase("billing|billing", TestName = "Create_Throws_WhenOneDistinctLabel")]
    [TestCase("billing| ", TestName = "Create_Throws_WhenBlankLabel")]
    [TestCase("billing|7", TestName = "Create_Throws_WhenALabelHasNoDescription")]
    public void Create_ThrowsNamingLabels_WhenLabelsCannotMakeAClassifier(string joined)
    {
        string[] labels = joined.Split('|');
        var generator = BagOfWords.Generator();

        Assert.That(() => FewShotClassifier.CreateFromDescriptionsAsync(generator, labels), Throws.ArgumentException.With.Property("ParamName").EqualTo("labels"));
        Assert.That(generator.Calls, Is.Empty, "checked before anything is embedded");
    }

    [Test]
    public void Create_ThrowsNamingLabels_WhenALabelIsTheNoneLabel()
    {
        Assert.That(
            () => FewShotClassifier.CreateFromDescriptionsAsync(BagOfWords.Generator(), ["billing", "other"], new FewShotClassifierOptions { NoneLabel = "other" }),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("labels"));
    }

    [Test]
    public void Create_ThrowsNamingArguments_WhenNull()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => FewShotClassifier.CreateFromDescriptionsAsync(null!, Labels), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("generator"));
            Assert.That(() => FewShotClassifier.CreateFromDescriptionsAsync(BagOfWords.Generator(), null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("labels"));
            Assert.That(() => FewShotClassifier.CreateFromDescriptionsAsync(BagOfWords.Generator(), Labels, null!, null), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("unlabeledTexts"));
        });
    }

    [TestCase(ClassificationStrategy.KMeans)]
    [TestCase(ClassificationStrategy.KNearestNeighbors)]
    public void Create_ThrowsNamingOptions_WhenTheStrategyNeedsExamples(ClassificationStrategy strategy)
    {
        Assert.That(
            () => FewShotClassifier.CreateFromDescriptionsAsync(BagOfWords.Generator(), Labels, new FewShotClassifierOptions { Strategy = strategy }),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("options"));
    }

    [Test]
    public void Create_ThrowsNamingOptions_WhenADescriptionNamesAnotherLabel()
    {
        FewShotClassifierOptions options = Described();
        options.LabelDescriptions["returns"] = "send it back";

        Assert.That(() => FewShotClassifier.CreateFromDescriptionsAsync(BagOfWords.Generator(), Labels, options), Throws.ArgumentException.With.Property("ParamName").EqualTo("options"));
    }

    [Test]
    public async Task Create_WorksWithTheGeneratorAndOptionsOfAHost()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(BagOfWords.Generator());
        services.AddEmbedClassify(options => options.LabelDescriptions["billing"] = "invoice payment refund charge");
        using ServiceProvider provider = services.BuildServiceProvider();

        var classifier = await FewShotClassifier.CreateFromDescriptionsAsync(
            provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(),
            Labels,
            provider.GetRequiredService<IOptions<FewShotClassifierOptions>>().Value);

        Assert.That((await classifier.PredictAsync("a refund of the charge")).Label, Is.EqualTo("billing"));
    }
}
