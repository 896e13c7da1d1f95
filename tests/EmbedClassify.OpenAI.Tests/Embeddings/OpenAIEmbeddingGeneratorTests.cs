using EmbedClassify.OpenAI.Tests.TestDoubles;
using Microsoft.Extensions.AI;

namespace EmbedClassify.OpenAI.Tests;

public class OpenAIEmbeddingGeneratorTests
{
    private OpenAITestContext _context = null!;

    private FakeOpenAIServer Server => _context.Server;

    [SetUp]
    public async Task SetUp() => _context = await OpenAITestContext.StartAsync();

    [TearDown]
    public async Task TearDown() => await _context.DisposeAsync();

    [Test]
    public async Task GenerateAsync_ReturnsServerVectorsInInputOrder()
    {
        using var generator = _context.CreateGenerator();
        string[] texts = ["alpha", "beta", "gamma"];

        var result = await generator.GenerateAsync(texts);

        Assert.Multiple(() =>
        {
            Assert.That(result, Has.Count.EqualTo(3));
            for (int i = 0; i < texts.Length; i++)
            {
                Assert.That(result[i].Vector.ToArray(), Is.EqualTo(FakeOpenAIServer.VectorFor(texts[i], Server.Dimensions)).Within(1e-6f));
            }

            Assert.That(Server.Requests, Has.Count.EqualTo(1));
            Assert.That(Server.Requests[0].Path, Is.EqualTo("/v1/embeddings"));
            Assert.That(Server.Requests[0].Model, Is.EqualTo(OpenAITestContext.Model));
            Assert.That(Server.Requests[0].Authorization, Is.EqualTo("Bearer " + OpenAITestContext.ApiKey));

            // The client asks for base64, which the real API answers with little-endian float32 bytes.
            Assert.That(Server.Requests[0].EncodingFormat, Is.EqualTo("base64"));
        });
    }

    [Test]
    public async Task GenerateAsync_SendsDimensionsAndChecksThem_WhenDimensionsSet()
    {
        using var generator = _context.CreateGenerator(o => o.Dimensions = 8);

        var result = await generator.GenerateAsync(["alpha", "beta"]);

        Assert.Multiple(() =>
        {
            Assert.That(Server.Requests[0].Dimensions, Is.EqualTo(8));
            Assert.That(result.Select(e => e.Vector.Length), Is.All.EqualTo(8));
        });
    }

    [Test]
    public async Task GenerateAsync_OverridesDimensions_WhenCallOptionsSetThem()
    {
        using var generator = _context.CreateGenerator(o => o.Dimensions = 8);

        var result = await generator.GenerateAsync(["alpha"], new EmbeddingGenerationOptions { Dimensions = 4 });

        Assert.Multiple(() =>
        {
            Assert.That(Server.Requests[0].Dimensions, Is.EqualTo(4));
            Assert.That(result[0].Vector.Length, Is.EqualTo(4));
        });
    }

    [Test]
    public async Task GenerateAsync_ReturnsEmptyWithoutRequest_WhenNoInputs()
    {
        using var generator = _context.CreateGenerator();

        var result = await generator.GenerateAsync([]);

        Assert.Multiple(() =>
        {
            Assert.That(result, Is.Empty);
            Assert.That(Server.Requests, Is.Empty);
        });
    }

    [Test]
    public async Task GenerateAsync_Throws_WhenValuesNull()
    {
        using var generator = _context.CreateGenerator();

        var ex = await Assert.ThrowsAsync<ArgumentNullException>(() => generator.GenerateAsync(null!));

        Assert.That(ex.ParamName, Is.EqualTo("values"));
    }

    [TestCase(null)]
    [TestCase("")]
    public async Task GenerateAsync_ThrowsNamingIndex_WhenTextNullOrEmpty(string? bad)
    {
        using var generator = _context.CreateGenerator();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(["ok", "fine", bad!]));

        Assert.Multiple(() =>
        {
            Assert.That(ex.ParamName, Is.EqualTo("values"));
            Assert.That(ex.Message, Does.Contain("index 2"));
            Assert.That(Server.Requests, Is.Empty);
        });
    }

    [Test]
    public async Task GenerateAsync_Throws_WhenCallOptionsNameAnotherModel()
    {
        using var generator = _context.CreateGenerator();

        var ex = await Assert.ThrowsAsync<ArgumentException>(
            () => generator.GenerateAsync(["a"], new EmbeddingGenerationOptions { ModelId = "text-embedding-3-large" }));

        Assert.That(ex.ParamName, Is.EqualTo("options"));
    }

    [Test]
    public async Task GenerateAsync_Throws_WhenDisposed()
    {
        var generator = _context.CreateGenerator();
        generator.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => generator.GenerateAsync(["a"]));
    }

    [Test]
    public async Task GenerateAsync_SendsEachDistinctTextOnce_WhenInputsRepeat()
    {
        using var generator = _context.CreateGenerator();
        string[] texts = ["a", "b", "a", "c", "b", "a"];

        var result = await generator.GenerateAsync(texts);

        Assert.Multiple(() =>
        {
            Assert.That(Server.Requests.SelectMany(r => r.Inputs), Is.EqualTo(new[] { "a", "b", "c" }));
            Assert.That(result, Has.Count.EqualTo(6));
            for (int i = 0; i < texts.Length; i++)
            {
                Assert.That(result[i].Vector.ToArray(), Is.EqualTo(FakeOpenAIServer.VectorFor(texts[i], Server.Dimensions)).Within(1e-6f));
            }
        });
    }

    [Test]
    public async Task GenerateAsync_SplitsRequests_ByMaxInputsPerRequest()
    {
        using var generator = _context.CreateGenerator(o => o.MaxInputsPerRequest = 3);
        string[] texts = [.. Enumerable.Range(0, 10).Select(i => $"text {i}")];

        var result = await generator.GenerateAsync(texts);

        Assert.Multiple(() =>
        {
            Assert.That(Server.Requests.Select(r => r.Inputs.Count).Order(), Is.EqualTo(new[] { 1, 3, 3, 3 }));
            Assert.That(Server.Requests.SelectMany(r => r.Inputs).Order(), Is.EqualTo(texts.Order()));
            Assert.That(result.Select(e => e.Vector.ToArray()), Is.EqualTo(texts.Select(t => FakeOpenAIServer.VectorFor(t, Server.Dimensions))).Within(1e-6f));
        });
    }

    [Test]
    public async Task GenerateAsync_SplitsRequests_ByMaxTokensPerRequest()
    {
        // "word word word word" is four cl100k tokens; a 10-token budget fits two such texts per request.
        using var generator = _context.CreateGenerator(o => o.MaxTokensPerRequest = 10);
        string[] texts = [.. Enumerable.Range(0, 5).Select(i => $"w{i} w w w")];
        int tokens = Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForEncoding("cl100k_base").CountTokens(texts[0]);
        Assume.That(tokens, Is.InRange(4, 5));

        await generator.GenerateAsync(texts);

        Assert.That(Server.Requests.Select(r => r.Inputs.Count).Order(), Is.EqualTo(new[] { 1, 2, 2 }));
    }

    [Test]
    public async Task GenerateAsync_RunsAtMostMaxConcurrencyRequests()
    {
        Server.ResponseDelay = TimeSpan.FromMilliseconds(50);
        using var generator = _context.CreateGenerator(o =>
        {
            o.MaxInputsPerRequest = 1;
            o.MaxConcurrency = 2;
        });

        await generator.GenerateAsync([.. Enumerable.Range(0, 8).Select(i => $"text {i}")]);

        Assert.Multiple(() =>
        {
            Assert.That(Server.Requests, Has.Count.EqualTo(8));
            Assert.That(Server.MaxConcurrentRequests, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task GenerateAsync_SharesConcurrencyLimit_AcrossConcurrentCalls()
    {
        Server.ResponseDelay = TimeSpan.FromMilliseconds(20);
        using var generator = _context.CreateGenerator(o =>
        {
            o.MaxInputsPerRequest = 1;
            o.MaxConcurrency = 1;
        });

        await Task.WhenAll(generator.GenerateAsync(["a", "b"]), generator.GenerateAsync(["c", "d"]));

        Assert.Multiple(() =>
        {
            Assert.That(Server.Requests, Has.Count.EqualTo(4));
            Assert.That(Server.MaxConcurrentRequests, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Dispose_LeavesCallersHttpClientUsable()
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var generator = new OpenAIEmbeddingGenerator(_context.Options(), http);
        generator.Dispose();

        using var second = new OpenAIEmbeddingGenerator(_context.Options(), http);
        var result = await second.GenerateAsync(["a"]);

        Assert.That(result, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task GenerateAsync_SumsUsageOverRequests()
    {
        using var generator = _context.CreateGenerator(o => o.MaxInputsPerRequest = 2);
        string[] texts = ["one", "three", "fifteen", "x"];

        var result = await generator.GenerateAsync(texts);

        // The fake server reports each input's character count as its tokens.
        Assert.Multiple(() =>
        {
            Assert.That(Server.Requests, Has.Count.EqualTo(2));
            Assert.That(result.Usage?.InputTokenCount, Is.EqualTo(texts.Sum(t => t.Length)));
            Assert.That(result.Usage?.TotalTokenCount, Is.EqualTo(texts.Sum(t => t.Length)));
        });
    }

    [Test]
    public async Task GenerateAsync_TruncatesOverlongInput_WhenBehaviorIsTruncate()
    {
        using var generator = _context.CreateGenerator(o => o.MaxTokensPerInput = 3);
        string longText = "one two three four five six";

        var result = await generator.GenerateAsync([longText, "short"]);

        Assert.Multiple(() =>
        {
            Assert.That(Server.Requests[0].Inputs, Is.EqualTo(new[] { "one two three", "short" }));
            Assert.That(result, Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task GenerateAsync_ThrowsNamingIndexBeforeAnyRequest_WhenBehaviorIsThrow()
    {
        using var generator = _context.CreateGenerator(o =>
        {
            o.MaxTokensPerInput = 3;
            o.OverlongInput = OverlongInputBehavior.Throw;
        });

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(["short", "one two three four five six"]));

        Assert.Multiple(() =>
        {
            Assert.That(ex.ParamName, Is.EqualTo("values"));
            Assert.That(ex.Message, Does.Contain("index 1"));
            Assert.That(Server.Requests, Is.Empty);
        });
    }

    [Test]
    public void GetService_ReturnsMetadataWithoutCredentials()
    {
        var endpoint = new UriBuilder(Server.Endpoint) { UserName = "user", Password = "secret", Query = "api-key=secret" }.Uri;
        using var generator = _context.CreateGenerator(o =>
        {
            o.Endpoint = endpoint;
            o.Dimensions = 256;
        });

        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();

        Assert.Multiple(() =>
        {
            Assert.That(metadata, Is.Not.Null);
            Assert.That(metadata!.ProviderName, Is.EqualTo("openai"));
            Assert.That(metadata.ProviderUri, Is.EqualTo(Server.Endpoint));
            Assert.That(metadata.ProviderUri!.ToString(), Does.Not.Contain("secret"));
            Assert.That(metadata.DefaultModelId, Is.EqualTo(OpenAITestContext.Model));
            Assert.That(metadata.DefaultModelDimensions, Is.EqualTo(256));
        });
    }

    [Test]
    public void GetService_ReportsKnownDimensions_WhenDimensionsNotSet()
    {
        using var generator = _context.CreateGenerator(o => o.Model = "text-embedding-3-large");

        Assert.That(generator.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelDimensions, Is.EqualTo(3072));
    }

    [Test]
    public void GetService_ReturnsNull_WhenKeyed()
    {
        using var generator = _context.CreateGenerator();

        Assert.That(generator.GetService(typeof(EmbeddingGeneratorMetadata), "key"), Is.Null);
    }

    [Test]
    public void Constructor_Throws_WhenNoKeyForOpenAIEndpoint()
    {
        string? saved = Environment.GetEnvironmentVariable("OPENAI_API_KEY");
        Environment.SetEnvironmentVariable("OPENAI_API_KEY", null);
        try
        {
            Assert.Throws<InvalidOperationException>(() => new OpenAIEmbeddingGenerator(new OpenAIEmbeddingGeneratorOptions()));
        }
        finally
        {
            Environment.SetEnvironmentVariable("OPENAI_API_KEY", saved);
        }
    }

    [Test]
    public async Task GenerateAsync_Works_WithoutKeyForCompatibleServer()
    {
        using var generator = new OpenAIEmbeddingGenerator(
            new OpenAIEmbeddingGeneratorOptions { Endpoint = Server.Endpoint, Model = "nomic-embed-text", ApiKey = null },
            new HttpClient(new SocketsHttpHandler { UseProxy = false }));

        var result = await generator.GenerateAsync(["hello"]);

        Assert.Multiple(() =>
        {
            Assert.That(result, Has.Count.EqualTo(1));
            Assert.That(Server.Requests[0].Model, Is.EqualTo("nomic-embed-text"));
        });
    }
}
