namespace EmbedClassify.Onnx.Tests;

public class OnnxEmbeddingGeneratorOptionsTests
{
    [Test]
    public void Constructor_SetsDocumentedDefaults()
    {
        var options = new OnnxEmbeddingGeneratorOptions();

        Assert.Multiple(() =>
        {
            Assert.That(options.MaxSequenceLength, Is.EqualTo(256));
            Assert.That(options.MaxBatchSize, Is.EqualTo(32));
            Assert.That(options.MaxBatchTokens, Is.EqualTo(OnnxEmbeddingGeneratorOptions.DefaultMaxBatchTokens));
            Assert.That(options.MaxDegreeOfParallelism, Is.EqualTo(Environment.ProcessorCount));
            Assert.That(options.ModelId, Is.Null);
            Assert.That(options.LowerCase, Is.True);
            Assert.That(options.Precision, Is.EqualTo(OnnxModelPrecision.Float32));
        });
    }

    [TestCase(-1)]
    [TestCase(2)]
    public void Precision_Throws_WhenNotADefinedValue(int value)
    {
        var options = new OnnxEmbeddingGeneratorOptions();

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => options.Precision = (OnnxModelPrecision)value);

        Assert.Multiple(() =>
        {
            Assert.That(ex.ParamName, Is.EqualTo("value"));
            Assert.That(ex.Message, Does.Contain("Float32 or Int8"));
            Assert.That(options.Precision, Is.EqualTo(OnnxModelPrecision.Float32));
        });
    }

    [Test]
    public void Clone_CopiesPrecision()
    {
        var options = new OnnxEmbeddingGeneratorOptions { Precision = OnnxModelPrecision.Int8 };

        Assert.That(options.Clone().Precision, Is.EqualTo(OnnxModelPrecision.Int8));
    }

    [TestCase(2)]
    [TestCase(0)]
    [TestCase(-1)]
    [TestCase(513)]
    [TestCase(int.MaxValue)]
    public void MaxSequenceLength_Throws_WhenBelowThreeOrBeyond512(int value)
    {
        var options = new OnnxEmbeddingGeneratorOptions();

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxSequenceLength = value);

        Assert.That(ex.ParamName, Is.EqualTo("value"));
    }

    [TestCase(3)]
    [TestCase(512)]
    public void MaxSequenceLength_Accepts_FromThreeTo512(int value)
    {
        var options = new OnnxEmbeddingGeneratorOptions { MaxSequenceLength = value };

        Assert.That(options.MaxSequenceLength, Is.EqualTo(value));
    }

    [Test]
    public void MaxBatchSize_Throws_WhenBelowOne()
    {
        var options = new OnnxEmbeddingGeneratorOptions();

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxBatchSize = 0);

        Assert.That(ex.ParamName, Is.EqualTo("value"));
    }

    [Test]
    public void MaxBatchTokens_Throws_WhenBelowOne()
    {
        var options = new OnnxEmbeddingGeneratorOptions();

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxBatchTokens = 0);

        Assert.That(ex.ParamName, Is.EqualTo("value"));
    }

    [Test]
    public void MaxDegreeOfParallelism_Throws_WhenBelowOne()
    {
        var options = new OnnxEmbeddingGeneratorOptions();

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxDegreeOfParallelism = 0);

        Assert.That(ex.ParamName, Is.EqualTo("value"));
    }

    [TestCase("")]
    [TestCase("  ")]
    public void ModelId_Throws_WhenBlank(string value)
    {
        var options = new OnnxEmbeddingGeneratorOptions();

        var ex = Assert.Throws<ArgumentException>(() => options.ModelId = value);

        Assert.That(ex.ParamName, Is.EqualTo("value"));
    }

    [Test]
    public void ModelId_AcceptsNull()
    {
        var options = new OnnxEmbeddingGeneratorOptions { ModelId = "x" };

        options.ModelId = null;

        Assert.That(options.ModelId, Is.Null);
    }

    [Test]
    public void Clone_CopiesEveryValue_AndIsIndependent()
    {
        var options = new OnnxEmbeddingGeneratorOptions
        {
            MaxSequenceLength = 128,
            MaxBatchSize = 8,
            MaxBatchTokens = 1024,
            MaxDegreeOfParallelism = 3,
            ModelId = "my-model",
            LowerCase = false,
        };

        OnnxEmbeddingGeneratorOptions clone = options.Clone();
        options.MaxBatchSize = 1;

        Assert.Multiple(() =>
        {
            Assert.That(clone, Is.Not.SameAs(options));
            Assert.That(clone.MaxSequenceLength, Is.EqualTo(128));
            Assert.That(clone.MaxBatchSize, Is.EqualTo(8));
            Assert.That(clone.MaxBatchTokens, Is.EqualTo(1024));
            Assert.That(clone.MaxDegreeOfParallelism, Is.EqualTo(3));
            Assert.That(clone.ModelId, Is.EqualTo("my-model"));
            Assert.That(clone.LowerCase, Is.False);
        });
    }
}
