namespace EmbedClassify.Tests.Caching;

public class CachingEmbeddingGeneratorOptionsTests
{
    [Test]
    public void Defaults_AreBatchesOf256WithFourConcurrentCalls()
    {
        var options = new CachingEmbeddingGeneratorOptions();

        Assert.Multiple(() =>
        {
            Assert.That(options.BatchSize, Is.EqualTo(256));
            Assert.That(options.MaxConcurrency, Is.EqualTo(4));
            Assert.That(options.ModelIdentity, Is.Null);
        });
    }

    [Test]
    public void Setters_RejectValuesBelowOne_NamingTheValue()
    {
        var options = new CachingEmbeddingGeneratorOptions();

        Assert.Multiple(() =>
        {
            Assert.That(() => options.BatchSize = 0, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("value"));
            Assert.That(() => options.MaxConcurrency = 0, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("value"));
        });
    }

    [Test]
    public void Clone_IsIndependentOfTheOriginal()
    {
        var options = new CachingEmbeddingGeneratorOptions { BatchSize = 7, MaxConcurrency = 2, ModelIdentity = "m" };

        CachingEmbeddingGeneratorOptions clone = options.Clone();
        options.BatchSize = 9;

        Assert.Multiple(() =>
        {
            Assert.That(clone.BatchSize, Is.EqualTo(7));
            Assert.That(clone.MaxConcurrency, Is.EqualTo(2));
            Assert.That(clone.ModelIdentity, Is.EqualTo("m"));
        });
    }
}
