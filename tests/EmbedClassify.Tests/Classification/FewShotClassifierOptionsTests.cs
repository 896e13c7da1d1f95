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
    public void Setters_RejectOutOfRangeValues_NamingTheValue()
    {
        var options = new FewShotClassifierOptions();

        Assert.Multiple(() =>
        {
            Assert.That(() => options.Neighbors = 0, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("value"));
            Assert.That(() => options.Clusters = 0, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("value"));
            Assert.That(() => options.MaxIterations = 0, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("value"));
            Assert.That(() => options.Strategy = (ClassificationStrategy)42, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("value"));
            Assert.That(() => options.Initialization = (KMeansInitialization)42, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("value"));
        });
    }

    [Test]
    public void Clone_IsIndependentOfTheOriginal()
    {
        var options = new FewShotClassifierOptions { Strategy = ClassificationStrategy.KMeans, Clusters = 4, Seed = 9, Neighbors = 5, MaxIterations = 7 };

        FewShotClassifierOptions clone = options.Clone();
        options.Clusters = 8;

        Assert.Multiple(() =>
        {
            Assert.That(clone.Strategy, Is.EqualTo(ClassificationStrategy.KMeans));
            Assert.That(clone.Clusters, Is.EqualTo(4));
            Assert.That(clone.Seed, Is.EqualTo(9));
            Assert.That(clone.Neighbors, Is.EqualTo(5));
            Assert.That(clone.MaxIterations, Is.EqualTo(7));
        });
    }
}
