using EmbedClassify.Tests.TestDoubles;

namespace EmbedClassify.Tests.Classification;

public class FewShotClassifierOptionsTests
{
    [Test]
    public void Defaults_AreNearestCentroidWithThreeNeighbors()
    {
        var options = new FewShotClassifierOptions();

        Assert.Multiple(() =>
        {
            Assert.That(options.Strategy, Is.EqualTo(ClassificationStrategy.NearestCentroid));
            Assert.That(options.Neighbors, Is.EqualTo(3));
            Assert.That(options.Clusters, Is.Null);
            Assert.That(options.Initialization, Is.EqualTo(KMeansInitialization.KMeansPlusPlus));
        });
    }

    [Test]
    public void Validator_NamesEveryBadSetting_WithItsValue()
    {
        var options = new FewShotClassifierOptions
        {
            Neighbors = 0,
            Clusters = 0,
            MaxIterations = 0,
            Strategy = (ClassificationStrategy)42,
            Initialization = (KMeansInitialization)42,
            NoneLabel = " ",
            WordWeight = double.NaN,
            UnlabeledWeight = -1,
            LabelDescriptionWeight = double.PositiveInfinity,
            LabelDescriptions = { ["a"] = "" },
        };

        Microsoft.Extensions.Options.ValidateOptionsResult result = new FewShotClassifierOptionsValidator("Section").Validate(null, options);

        Assert.That(result.Failures, Is.EquivalentTo(new[]
        {
            "Section:Strategy is 42; it must be one of NearestCentroid, KMeans, KNearestNeighbors, Auto.",
            "Section:Initialization is 42; it must be one of KMeansPlusPlus, ClassCentroids.",
            "Section:Neighbors is 0; it must be at least 1.",
            "Section:MaxIterations is 0; it must be at least 1.",
            "Section:Clusters is 0; it must be at least 1.",
            "Section:NoneLabel is blank; leave it out for no none-of-these label, or give the label.",
            "Section:WordWeight is NaN; it must be a finite number of at least 0.",
            "Section:UnlabeledWeight is -1; it must be a finite number of at least 0.",
            "Section:LabelDescriptionWeight is Infinity; it must be a finite number of at least 0.",
            "Section:LabelDescriptions:a is blank; there is nothing to embed.",
        }));
    }

    [TestCase(nameof(FewShotClassifierOptions.WordWeight), 1e308)]
    [TestCase(nameof(FewShotClassifierOptions.WordWeight), 1e37)]
    [TestCase(nameof(FewShotClassifierOptions.LabelDescriptionWeight), 1e39)]
    public void CreateAsync_RejectsAViewWeightTooLargeToComputeWith(string setting, double weight)
    {
        // Finite as a double, but past float range (or close enough that a temperature divides it past it): the
        // probabilities came out NaN, every text got the first label, and the saved file was refused on load.
        FewShotClassifierOptions options = With(setting, weight);

        Assert.Multiple(() =>
        {
            Assert.That(
                () => FewShotClassifier.CreateAsync(BagOfWords.Generator(), Examples, options),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("options").And.Message.Contains(FormattableString.Invariant($"{setting} is {weight:R}; it must be at most 1000000.")));
            Assert.That(new FewShotClassifierOptionsValidator().Validate(null, options).Failed, Is.True);
        });
    }

    [TestCase(nameof(FewShotClassifierOptions.WordWeight))]
    [TestCase(nameof(FewShotClassifierOptions.LabelDescriptionWeight))]
    public async Task CreateAsync_GivesProbabilities_AtTheLargestViewWeight(string setting)
    {
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(BagOfWords.Generator(), Examples, With(setting, 1e6));

        Prediction prediction = await classifier.PredictAsync("free prize offer");

        Assert.Multiple(() =>
        {
            Assert.That(prediction.Scores.Select(s => s.Score), Is.All.Matches<float>(float.IsFinite));
            Assert.That(prediction.Scores.Sum(s => s.Score), Is.EqualTo(1).Within(1e-5));
            Assert.That(prediction.Label, Is.EqualTo("spam"));
        });
    }

    private static readonly LabeledExample[] Examples =
    [
        new("win a free prize now", "spam"),
        new("cheap pills free offer", "spam"),
        new("meeting notes for monday", "ham"),
        new("lunch with the team on monday", "ham"),
    ];

    private static FewShotClassifierOptions With(string setting, double weight) => setting == nameof(FewShotClassifierOptions.WordWeight)
        ? new FewShotClassifierOptions { WordWeight = weight }
        : new FewShotClassifierOptions { LabelDescriptionWeight = weight };

    [Test]
    public void Validator_AcceptsTheDefaults_AndRejectsANullDictionaryOrADescribedNoneLabel()
    {
        var validator = new FewShotClassifierOptionsValidator();

        Assert.Multiple(() =>
        {
            Assert.That(validator.Validate(null, new FewShotClassifierOptions()).Succeeded, Is.True);
            Assert.That(validator.Validate(null, new FewShotClassifierOptions { LabelDescriptions = null! }).FailureMessage, Does.Contain("LabelDescriptions is null"));
            Assert.That(
                validator.Validate(null, new FewShotClassifierOptions { NoneLabel = "other", LabelDescriptions = { ["other"] = "off topic" } }).FailureMessage,
                Does.Contain("describes the none label"));
            Assert.That(() => validator.Validate(null, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("options"));
        });
    }

    [Test]
    public void Defaults_AreTheMeasuredBestInductiveConfiguration()
    {
        var options = new FewShotClassifierOptions();

        Assert.Multiple(() =>
        {
            Assert.That(options.CenterEmbeddings, Is.True);
            Assert.That(options.WordWeight, Is.EqualTo(1));
            Assert.That(options.UnlabeledWeight, Is.EqualTo(30));
            Assert.That(options.LabelDescriptionWeight, Is.EqualTo(1));
            Assert.That(options.LabelNamesAsDescriptions, Is.True);
            Assert.That(options.LabelDescriptions, Is.Empty);
        });
    }

    [Test]
    public void Clone_IsIndependentOfTheOriginal()
    {
        var options = new FewShotClassifierOptions { Strategy = ClassificationStrategy.KMeans, Clusters = 4, Seed = 9, Neighbors = 5, MaxIterations = 7, LabelDescriptions = { ["a"] = "x" } };

        FewShotClassifierOptions clone = options.Clone();
        options.Clusters = 8;
        options.LabelDescriptions["a"] = "changed";

        Assert.Multiple(() =>
        {
            Assert.That(clone.Strategy, Is.EqualTo(ClassificationStrategy.KMeans));
            Assert.That(clone.Clusters, Is.EqualTo(4));
            Assert.That(clone.Seed, Is.EqualTo(9));
            Assert.That(clone.Neighbors, Is.EqualTo(5));
            Assert.That(clone.MaxIterations, Is.EqualTo(7));
            Assert.That(clone.LabelDescriptions["a"], Is.EqualTo("x"), "the descriptions are copied, not shared");
        });
    }
}
