using System.Net;
using EmbedClassify.OpenAI.Tests.TestDoubles;
using Microsoft.Extensions.AI;

namespace EmbedClassify.OpenAI.Tests;

public class OpenAIEmbeddingGeneratorFaultTests
{
    private OpenAITestContext _context = null!;

    private FakeOpenAIServer Server => _context.Server;

    [SetUp]
    public async Task SetUp() => _context = await OpenAITestContext.StartAsync();

    [TearDown]
    public async Task TearDown() => await _context.DisposeAsync();

    /// <summary>Fails the first <paramref name="times"/> requests with <paramref name="fault"/>, then answers normally.</summary>
    private static Func<RecordedRequest, FakeFault?> FirstRequests(int times, FakeFault fault) =>
        request => request.Number <= times ? fault : null;

    /// <summary>Always fails the requests that contain <paramref name="text"/>.</summary>
    private static Func<RecordedRequest, FakeFault?> RequestsContaining(string text, FakeFault fault) =>
        request => request.Inputs.Contains(text) ? fault : null;

    [Test]
    public async Task GenerateAsync_RetriesAfterRetryAfterSeconds_When429()
    {
        Server.Faults = FirstRequests(1, FakeFault.TooManyRequests("2"));
        using var generator = _context.CreateGenerator();

        var result = await generator.GenerateAsync(["alpha", "beta"]);

        Assert.Multiple(() =>
        {
            Assert.That(Server.Requests, Has.Count.EqualTo(2));
            Assert.That(_context.Delay.Waits, Is.EqualTo(new[] { TimeSpan.FromSeconds(2) }));
            Assert.That(result[1].Vector.ToArray(), Is.EqualTo(FakeOpenAIServer.VectorFor("beta", Server.Dimensions)).Within(1e-6f));
        });
    }

    [Test]
    public async Task GenerateAsync_WaitsUntilRetryAfterDate_When429WithHttpDate()
    {
        var now = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        Server.Faults = FirstRequests(1, FakeFault.TooManyRequests(FakeOpenAIServer.HttpDate(now.AddSeconds(7))));
        using var generator = _context.CreateGenerator(timeProvider: new FixedTimeProvider(now));

        await generator.GenerateAsync(["alpha"]);

        Assert.That(_context.Delay.Waits, Is.EqualTo(new[] { TimeSpan.FromSeconds(7) }));
    }

    [Test]
    public async Task GenerateAsync_PrefersRetryAfterMs_WhenBothHeadersSent()
    {
        Server.Faults = FirstRequests(1, FakeFault.Status(429, ("Retry-After", "3"), ("retry-after-ms", "1500")));
        using var generator = _context.CreateGenerator();

        await generator.GenerateAsync(["alpha"]);

        Assert.That(_context.Delay.Waits, Is.EqualTo(new[] { TimeSpan.FromMilliseconds(1500) }));
    }

    [Test]
    public async Task GenerateAsync_BacksOffExponentiallyWithJitter_When429WithoutRetryAfter()
    {
        Server.Faults = FirstRequests(3, FakeFault.TooManyRequests());
        using var generator = _context.CreateGenerator(o =>
        {
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(100);
            o.MaxRetryDelay = TimeSpan.FromMilliseconds(300);
        });

        await generator.GenerateAsync(["alpha"]);

        IReadOnlyList<TimeSpan> waits = _context.Delay.Waits;
        Assert.Multiple(() =>
        {
            Assert.That(Server.Requests, Has.Count.EqualTo(4));
            Assert.That(waits, Has.Count.EqualTo(3));
            Assert.That(waits[0].TotalMilliseconds, Is.InRange(50, 100));
            Assert.That(waits[1].TotalMilliseconds, Is.InRange(100, 200));
            Assert.That(waits[2].TotalMilliseconds, Is.InRange(150, 300), "capped at MaxRetryDelay");
        });
    }

    [TestCase(500)]
    [TestCase(502)]
    [TestCase(503)]
    [TestCase(408)]
    public async Task GenerateAsync_RetriesThenSucceeds_WhenTransientStatus(int status)
    {
        Server.Faults = FirstRequests(2, FakeFault.Status(status));
        using var generator = _context.CreateGenerator();

        var result = await generator.GenerateAsync(["alpha"]);

        Assert.Multiple(() =>
        {
            Assert.That(Server.Requests, Has.Count.EqualTo(3));
            Assert.That(result[0].Vector.ToArray(), Is.EqualTo(FakeOpenAIServer.VectorFor("alpha", Server.Dimensions)).Within(1e-6f));
        });
    }

    [Test]
    public async Task GenerateAsync_ThrowsListingExactlyTheFailedInputs_WhenRetriesExhausted()
    {
        Server.Faults = RequestsContaining("c", FakeFault.Status(503));
        using var generator = _context.CreateGenerator(o =>
        {
            o.MaxInputsPerRequest = 2;
            o.MaxRetries = 2;
        });
        string[] texts = ["a", "b", "c", "d", "e", "f", "c"];

        var ex = await Assert.ThrowsAsync<EmbeddingBatchException>(() => generator.GenerateAsync(texts));

        Assert.Multiple(() =>
        {
            // Requests are [a b] [c d] [e f]; the second fails, so "c" (twice) and "d" got no embedding.
            Assert.That(ex!.FailedIndices, Is.EqualTo(new[] { 2, 3, 6 }));
            Assert.That(ex.InputCount, Is.EqualTo(7));
            Assert.That(ex.InnerException, Is.TypeOf<HttpRequestException>());
            Assert.That(((HttpRequestException)ex.InnerException!).StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(Server.Requests.Count(r => r.Inputs.Contains("c")), Is.EqualTo(3), "one try and two retries");
            Assert.That(Server.Requests.Count(r => !r.Inputs.Contains("c")), Is.EqualTo(2), "the other requests ran once and finished");
            Assert.That(ex.Embeddings, Has.Count.EqualTo(7));
            for (int i = 0; i < texts.Length; i++)
            {
                Assert.That(
                    ex.Embeddings[i]?.Vector.ToArray(),
                    ex.FailedIndices.Contains(i) ? Is.Null : Is.EqualTo(FakeOpenAIServer.VectorFor(texts[i], Server.Dimensions)).Within(1e-6f),
                    $"the paid-for vector of input {i} comes back with the exception");
            }
        });
    }

    [TestCase(400)]
    [TestCase(404)]
    public async Task GenerateAsync_DoesNotRetry_WhenClientError(int status)
    {
        Server.Faults = FirstRequests(1, FakeFault.Status(status));
        using var generator = _context.CreateGenerator();

        var ex = await Assert.ThrowsAsync<EmbeddingBatchException>(() => generator.GenerateAsync(["alpha"]));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.FailedIndices, Is.EqualTo(new[] { 0 }));
            Assert.That(((HttpRequestException)ex.InnerException!).StatusCode, Is.EqualTo((HttpStatusCode)status));
            Assert.That(Server.Requests, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task GenerateAsync_RetriesAndSucceeds_WhenAttemptTimesOut()
    {
        Server.Faults = FirstRequests(1, FakeFault.Slow(TimeSpan.FromSeconds(30)));
        using var generator = _context.CreateGenerator(o => o.Timeout = TimeSpan.FromMilliseconds(200));

        var result = await generator.GenerateAsync(["alpha"]);

        Assert.Multiple(() =>
        {
            Assert.That(Server.Requests, Has.Count.EqualTo(2));
            Assert.That(result, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task GenerateAsync_ThrowsWithTimeoutException_WhenEveryAttemptTimesOut()
    {
        Server.Faults = _ => FakeFault.Slow(TimeSpan.FromSeconds(30));
        using var generator = _context.CreateGenerator(o =>
        {
            o.Timeout = TimeSpan.FromMilliseconds(100);
            o.MaxRetries = 1;
        });

        var ex = await Assert.ThrowsAsync<EmbeddingBatchException>(() => generator.GenerateAsync(["alpha", "beta"]));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.FailedIndices, Is.EqualTo(new[] { 0, 1 }));
            Assert.That(ex.InnerException, Is.TypeOf<TimeoutException>());
            Assert.That(Server.Requests, Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task GenerateAsync_ThrowsOperationCanceledWithoutRetrying_WhenCanceledMidRequest()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Server.Faults = _ =>
        {
            arrived.TrySetResult();
            return FakeFault.Slow(TimeSpan.FromSeconds(30));
        };
        using var generator = _context.CreateGenerator();
        using var cts = new CancellationTokenSource();

        Task call = generator.GenerateAsync(["alpha"], cancellationToken: cts.Token);
        await arrived.Task;
        await cts.CancelAsync();

        await Assert.CatchAsync<OperationCanceledException>(() => call);
        Assert.That(Server.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task GenerateAsync_ThrowsOperationCanceledWithoutRequest_WhenAlreadyCanceled()
    {
        using var generator = _context.CreateGenerator();

        await Assert.CatchAsync<OperationCanceledException>(() => generator.GenerateAsync(["alpha"], cancellationToken: new CancellationToken(true)));

        Assert.That(Server.Requests, Is.Empty);
    }

    [Test]
    public async Task GenerateAsync_ThrowsWithoutRetrying_WhenResponseIsMalformedJson()
    {
        Server.Faults = RequestsContaining("b", FakeFault.MalformedJson);
        using var generator = _context.CreateGenerator(o => o.MaxInputsPerRequest = 1);

        var ex = await Assert.ThrowsAsync<EmbeddingBatchException>(() => generator.GenerateAsync(["a", "b", "c"]));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.FailedIndices, Is.EqualTo(new[] { 1 }));
            Assert.That(ex.InnerException, Is.TypeOf<InvalidDataException>());
            Assert.That(Server.Requests, Has.Count.EqualTo(3));
        });
    }

    [Test]
    public async Task GenerateAsync_ThrowsForThatRequestsInputs_WhenVectorLengthIsWrong()
    {
        Server.Faults = RequestsContaining("c", FakeFault.WrongLength(7));
        using var generator = _context.CreateGenerator(o =>
        {
            o.Dimensions = 8;
            o.MaxInputsPerRequest = 2;
        });

        var ex = await Assert.ThrowsAsync<EmbeddingBatchException>(() => generator.GenerateAsync(["a", "b", "c", "d"]));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.FailedIndices, Is.EqualTo(new[] { 2, 3 }));
            Assert.That(ex.InnerException, Is.TypeOf<InvalidDataException>());
            Assert.That(ex.InnerException!.Message, Does.Contain("length 7"));
            Assert.That(Server.Requests, Has.Count.EqualTo(2), "a wrong length is not retried");
        });
    }

    [Test]
    public async Task GenerateAsync_Throws_WhenVectorLengthDiffersFromModelsNativeLength()
    {
        Server.Faults = _ => FakeFault.WrongLength(16);
        using var generator = _context.CreateGenerator(o => o.Model = "text-embedding-3-small");

        var ex = await Assert.ThrowsAsync<EmbeddingBatchException>(() => generator.GenerateAsync(["a"]));

        Assert.That(ex!.InnerException!.Message, Does.Contain("1536"));
    }

    [Test]
    public async Task GenerateAsync_AcceptsAHealthyAnswer_AfterAFaultyFirstOne_WhenTheModelsLengthIsUnknown()
    {
        // Row 3 of issue 12: the first answer (5 dimensions) fixed the length for the process, so every later correct
        // answer (16) was rejected until restart.
        using var generator = _context.CreateGenerator();
        Server.Faults = _ => FakeFault.WrongLength(5);
        GeneratedEmbeddings<Embedding<float>> faulty = await generator.GenerateAsync(["a"]);
        Server.Faults = null;

        GeneratedEmbeddings<Embedding<float>> healthy = await generator.GenerateAsync(["b"]);

        Assert.Multiple(() =>
        {
            Assert.That(faulty[0].Vector.Length, Is.EqualTo(5));
            Assert.That(healthy[0].Vector.ToArray(), Is.EqualTo(FakeOpenAIServer.VectorFor("b", Server.Dimensions)).Within(1e-6f));
        });
    }

    [Test]
    public async Task GenerateAsync_FailsTheRequestsThatDisagree_WhenOneCallsResponsesHaveDifferentLengths()
    {
        Server.Faults = RequestsContaining("b", FakeFault.WrongLength(5));
        using var generator = _context.CreateGenerator(o =>
        {
            o.MaxInputsPerRequest = 1;
            o.MaxConcurrency = 1;
        });

        var ex = await Assert.ThrowsAsync<EmbeddingBatchException>(() => generator.GenerateAsync(["a", "b", "c"]));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.FailedIndices, Is.EqualTo(new[] { 1 }));
            Assert.That(ex.InnerException, Is.TypeOf<InvalidDataException>());
            Assert.That(ex.InnerException!.Message, Does.Contain("different lengths (16 and 5)"));
        });
    }

    [Test]
    public async Task GenerateAsync_RetriesAndSucceeds_WhenConnectionDropped()
    {
        Server.Faults = request => request.Number == 2 ? FakeFault.DropConnection : null;
        using var generator = _context.CreateGenerator(o =>
        {
            o.MaxInputsPerRequest = 1;
            o.MaxConcurrency = 1;
        });

        var result = await generator.GenerateAsync(["a", "b", "c"]);

        Assert.Multiple(() =>
        {
            Assert.That(Server.Requests, Has.Count.EqualTo(4));
            Assert.That(result.Select(e => e.Vector.ToArray()), Is.EqualTo(new[] { "a", "b", "c" }.Select(t => FakeOpenAIServer.VectorFor(t, Server.Dimensions))).Within(1e-6f));
        });
    }

    [Test]
    public async Task GenerateAsync_ThrowsWithHttpRequestException_WhenConnectionAlwaysDropped()
    {
        Server.Faults = RequestsContaining("b", FakeFault.DropConnection);
        using var generator = _context.CreateGenerator(o =>
        {
            o.MaxInputsPerRequest = 1;
            o.MaxRetries = 1;
        });

        var ex = await Assert.ThrowsAsync<EmbeddingBatchException>(() => generator.GenerateAsync(["a", "b", "c"]));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.FailedIndices, Is.EqualTo(new[] { 1 }));
            Assert.That(ex.InnerException, Is.TypeOf<HttpRequestException>());
            Assert.That(((HttpRequestException)ex.InnerException!).StatusCode, Is.Null);
        });
    }

    [Test]
    public async Task GenerateAsync_NeverLeaksApiKey_WhenServerQuotesItBack()
    {
        Server.Faults = _ => FakeFault.Unauthorized;
        using var generator = _context.CreateGenerator();

        var ex = await Assert.ThrowsAsync<EmbeddingBatchException>(() => generator.GenerateAsync(["alpha"]));

        Assert.Multiple(() =>
        {
            Assert.That(Server.Requests, Has.Count.EqualTo(1), "401 is not retried");
            Assert.That(((HttpRequestException)ex!.InnerException!).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(ex.ToString(), Does.Contain("Incorrect API key provided"), "the server's message is kept");
            AssertNoKey(ex);
            Assert.That(generator.ToString(), Does.Not.Contain(OpenAITestContext.ApiKey));
            Assert.That(generator.GetService<EmbeddingGeneratorMetadata>()!.ProviderUri!.ToString(), Does.Not.Contain(OpenAITestContext.ApiKey));
        });
    }

    [Test]
    public async Task GenerateAsync_NeverLeaksApiKey_InAnyFailure()
    {
        FakeFault[] faults =
        [
            FakeFault.Status(500), FakeFault.TooManyRequests("1"), FakeFault.MalformedJson, FakeFault.DropConnection,
            FakeFault.WrongLength(3), FakeFault.Slow(TimeSpan.FromSeconds(30)),
        ];
        foreach (FakeFault fault in faults)
        {
            Server.Faults = _ => fault;
            using var generator = _context.CreateGenerator(o =>
            {
                o.Dimensions = 8;
                o.MaxRetries = 0;
                o.Timeout = TimeSpan.FromMilliseconds(100);
            });

            var ex = await Assert.ThrowsAsync<EmbeddingBatchException>(() => generator.GenerateAsync(["alpha"]));

            AssertNoKey(ex!);
        }
    }

    private static void AssertNoKey(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            Assert.That(e.Message, Does.Not.Contain(OpenAITestContext.ApiKey));
            Assert.That(e.ToString(), Does.Not.Contain(OpenAITestContext.ApiKey));
            foreach (object? value in e.Data.Values)
            {
                Assert.That(value?.ToString(), Does.Not.Contain(OpenAITestContext.ApiKey));
            }
        }
    }
}
