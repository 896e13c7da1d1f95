namespace EmbedClassify.OpenAI.Tests;

public class OpenAIEmbeddingGeneratorOptionsTests
{
    [Test]
    public void Constructor_SetsDocumentedDefaults()
    {
        var options = new OpenAIEmbeddingGeneratorOptions();

        Assert.Multiple(() =>
        {
            Assert.That(options.Model, Is.EqualTo("text-embedding-3-small"));
            Assert.That(options.Dimensions, Is.Null);
            Assert.That(options.ApiKey, Is.Null);
            Assert.That(options.Endpoint, Is.EqualTo(new Uri("https://api.openai.com/v1")));
            Assert.That(options.MaxInputsPerRequest, Is.EqualTo(2048));
            Assert.That(options.MaxTokensPerRequest, Is.EqualTo(300_000));
            Assert.That(options.MaxTokensPerInput, Is.EqualTo(8192));
            Assert.That(options.OverlongInput, Is.EqualTo(OverlongInputBehavior.Truncate));
            Assert.That(options.MaxConcurrency, Is.EqualTo(4));
            Assert.That(options.MaxRetries, Is.EqualTo(5));
            Assert.That(options.RetryBaseDelay, Is.EqualTo(TimeSpan.FromSeconds(1)));
            Assert.That(options.MaxRetryDelay, Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(options.Timeout, Is.EqualTo(TimeSpan.FromSeconds(60)));
        });
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("  ")]
    public void Model_Throws_WhenNullOrWhiteSpace(string? value)
    {
        var options = new OpenAIEmbeddingGeneratorOptions();

        var ex = Assert.Catch<ArgumentException>(() => options.Model = value!);

        Assert.That(ex.ParamName, Is.EqualTo("value"));
    }

    [Test]
    public void Dimensions_Throws_WhenBelowOne()
    {
        var options = new OpenAIEmbeddingGeneratorOptions();

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => options.Dimensions = 0);

        Assert.That(ex.ParamName, Is.EqualTo("value"));
    }

    [Test]
    public void ApiKey_Throws_WhenWhiteSpace()
    {
        var options = new OpenAIEmbeddingGeneratorOptions();

        var ex = Assert.Throws<ArgumentException>(() => options.ApiKey = " ");

        Assert.That(ex.ParamName, Is.EqualTo("value"));
    }

    [TestCase("ftp://example.com/v1")]
    [TestCase("/v1")]
    public void Endpoint_Throws_WhenNotAbsoluteHttp(string value)
    {
        var options = new OpenAIEmbeddingGeneratorOptions();

        var ex = Assert.Throws<ArgumentException>(() => options.Endpoint = new Uri(value, UriKind.RelativeOrAbsolute));

        Assert.That(ex.ParamName, Is.EqualTo("value"));
    }

    [Test]
    public void Endpoint_Throws_WhenNull()
    {
        var options = new OpenAIEmbeddingGeneratorOptions();

        var ex = Assert.Throws<ArgumentNullException>(() => options.Endpoint = null!);

        Assert.That(ex.ParamName, Is.EqualTo("value"));
    }

    private static IEnumerable<TestCaseData> OutOfRangeSetters()
    {
        yield return new TestCaseData(new Action<OpenAIEmbeddingGeneratorOptions>(o => o.MaxInputsPerRequest = 0)).SetArgDisplayNames("MaxInputsPerRequest");
        yield return new TestCaseData(new Action<OpenAIEmbeddingGeneratorOptions>(o => o.MaxTokensPerRequest = 0)).SetArgDisplayNames("MaxTokensPerRequest");
        yield return new TestCaseData(new Action<OpenAIEmbeddingGeneratorOptions>(o => o.MaxTokensPerInput = 0)).SetArgDisplayNames("MaxTokensPerInput");
        yield return new TestCaseData(new Action<OpenAIEmbeddingGeneratorOptions>(o => o.MaxConcurrency = 0)).SetArgDisplayNames("MaxConcurrency");
        yield return new TestCaseData(new Action<OpenAIEmbeddingGeneratorOptions>(o => o.MaxRetries = -1)).SetArgDisplayNames("MaxRetries");
        yield return new TestCaseData(new Action<OpenAIEmbeddingGeneratorOptions>(o => o.RetryBaseDelay = TimeSpan.FromTicks(-1))).SetArgDisplayNames("RetryBaseDelay");
        yield return new TestCaseData(new Action<OpenAIEmbeddingGeneratorOptions>(o => o.MaxRetryDelay = TimeSpan.FromTicks(-1))).SetArgDisplayNames("MaxRetryDelay");
        yield return new TestCaseData(new Action<OpenAIEmbeddingGeneratorOptions>(o => o.Timeout = TimeSpan.Zero)).SetArgDisplayNames("Timeout");
        yield return new TestCaseData(new Action<OpenAIEmbeddingGeneratorOptions>(o => o.OverlongInput = (OverlongInputBehavior)42)).SetArgDisplayNames("OverlongInput");
    }

    [TestCaseSource(nameof(OutOfRangeSetters))]
    public void Setter_Throws_WhenOutOfRange(Action<OpenAIEmbeddingGeneratorOptions> set)
    {
        var options = new OpenAIEmbeddingGeneratorOptions();

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => set(options));

        Assert.That(ex.ParamName, Is.EqualTo("value"));
    }

    [Test]
    public void Timeout_AcceptsInfinite()
    {
        var options = new OpenAIEmbeddingGeneratorOptions { Timeout = Timeout.InfiniteTimeSpan };

        Assert.That(options.Timeout, Is.EqualTo(Timeout.InfiniteTimeSpan));
    }

    [Test]
    public void Clone_CopiesEveryValue_AndIsIndependent()
    {
        var options = new OpenAIEmbeddingGeneratorOptions
        {
            Model = "m",
            Dimensions = 3,
            ApiKey = "k",
            Endpoint = new Uri("http://127.0.0.1:1/v1"),
            MaxInputsPerRequest = 5,
            MaxTokensPerRequest = 6,
            MaxTokensPerInput = 7,
            OverlongInput = OverlongInputBehavior.Throw,
            MaxConcurrency = 8,
            MaxRetries = 9,
            RetryBaseDelay = TimeSpan.FromSeconds(2),
            MaxRetryDelay = TimeSpan.FromSeconds(3),
            Timeout = TimeSpan.FromSeconds(4),
        };

        OpenAIEmbeddingGeneratorOptions clone = options.Clone();
        options.Model = "changed";

        Assert.Multiple(() =>
        {
            Assert.That(clone.Model, Is.EqualTo("m"));
            Assert.That(clone.Dimensions, Is.EqualTo(3));
            Assert.That(clone.ApiKey, Is.EqualTo("k"));
            Assert.That(clone.Endpoint, Is.EqualTo(new Uri("http://127.0.0.1:1/v1")));
            Assert.That(clone.MaxInputsPerRequest, Is.EqualTo(5));
            Assert.That(clone.MaxTokensPerRequest, Is.EqualTo(6));
            Assert.That(clone.MaxTokensPerInput, Is.EqualTo(7));
            Assert.That(clone.OverlongInput, Is.EqualTo(OverlongInputBehavior.Throw));
            Assert.That(clone.MaxConcurrency, Is.EqualTo(8));
            Assert.That(clone.MaxRetries, Is.EqualTo(9));
            Assert.That(clone.RetryBaseDelay, Is.EqualTo(TimeSpan.FromSeconds(2)));
            Assert.That(clone.MaxRetryDelay, Is.EqualTo(TimeSpan.FromSeconds(3)));
            Assert.That(clone.Timeout, Is.EqualTo(TimeSpan.FromSeconds(4)));
        });
    }
}
