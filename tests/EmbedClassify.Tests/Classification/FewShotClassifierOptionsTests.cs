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
