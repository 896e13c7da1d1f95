using Microsoft.Extensions.AI;

namespace EmbedClassify.Onnx.Tests;

public class OnnxEmbeddingGeneratorTests
{
    private OnnxEmbeddingGenerator _generator = null!;

    [OneTimeSetUp]
    public void CreateGenerator() => _generator = OnnxEmbeddingGenerator.CreateDefault();

    [OneTimeTearDown]
    public void DisposeGenerator() => _generator.Dispose();

    [Test]
    public async Task GenerateAsync_ReturnsUnitVectors_InInputOrder()
    {
        string[] texts = ["The cat sat on the mat.", "WIN A FREE CRUISE!!!", "The kitten sat on the rug", "quarterly report"];

        GeneratedEmbeddings<Embedding<float>> result = await _generator.GenerateAsync(texts);

        Assert.That(result, Has.Count.EqualTo(texts.Length));
        float[][] vectors = [.. result.Select(e => e.Vector.ToArray())];
        Assert.Multiple(() =>
        {
            foreach (float[] vector in vectors)
            {
                Assert.That(vector, Has.Length.EqualTo(384));
                Assert.That(Math.Sqrt(vector.Sum(x => (double)x * x)), Is.EqualTo(1.0).Within(1e-5));
            }

            // Input order: the two cat sentences are each other's nearest neighbours.
            Assert.That(Cosine(vectors[0], vectors[2]), Is.GreaterThan(Cosine(vectors[0], vectors[1])));
            Assert.That(Cosine(vectors[0], vectors[2]), Is.GreaterThan(Cosine(vectors[0], vectors[3])));
        });
    }

    [Test]
    public async Task GenerateAsync_BatchResultEqualsOneAtATime_WhenBatchesAreSortedByLength()
    {
        string[] texts = SampleTexts.Varied;

        GeneratedEmbeddings<Embedding<float>> batched = await _generator.GenerateAsync(texts);

        Assert.That(batched, Has.Count.EqualTo(texts.Length));
        for (int i = 0; i < texts.Length; i++)
        {
            GeneratedEmbeddings<Embedding<float>> single = await _generator.GenerateAsync([texts[i]]);
            Assert.That(
                Cosine(batched[i].Vector.Span, single[0].Vector.Span),
                Is.GreaterThan(0.99999),
                $"text {i}: {texts[i]}");
        }
    }

    [Test]
    public async Task GenerateAsync_ReturnsEqualVectors_ForEqualTexts()
    {
        string[] texts = ["same text", "a much longer text that will be in another batch than the short ones", "same text"];

        GeneratedEmbeddings<Embedding<float>> result = await _generator.GenerateAsync(texts);

        Assert.That(result[0].Vector.ToArray(), Is.EqualTo(result[2].Vector.ToArray()));
    }

    [Test]
    public async Task GenerateAsync_ReturnsEmpty_ForEmptyInput()
    {
        GeneratedEmbeddings<Embedding<float>> result = await _generator.GenerateAsync([]);

        Assert.That(result, Is.Empty);
    }

    [Test]
    public async Task GenerateAsync_ReportsModelIdAndTokenUsage()
    {
        GeneratedEmbeddings<Embedding<float>> result = await _generator.GenerateAsync(["hello world", "$5"]);

        Assert.Multiple(() =>
        {
            Assert.That(result[0].ModelId, Is.EqualTo("all-MiniLM-L6-v2"));
            Assert.That(result.Usage?.InputTokenCount, Is.EqualTo(8));
        });
    }

    [Test]
    public async Task GenerateAsync_ThrowsArgumentNull_WhenValuesIsNull()
    {
        var ex = await Assert.ThrowsAsync<ArgumentNullException>(() => _generator.GenerateAsync(null!));

        Assert.That(ex.ParamName, Is.EqualTo("values"));
    }

    [TestCase(null)]
    [TestCase("")]
    public async Task GenerateAsync_ThrowsArgument_NamingTheIndex_WhenAnElementIsNullOrEmpty(string? bad)
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => _generator.GenerateAsync(["fine", "also fine", bad!]));

        Assert.Multiple(() =>
        {
            Assert.That(ex.ParamName, Is.EqualTo("values"));
            Assert.That(ex.Message, Does.Contain("index 2"));
        });
    }

    [Test]
    public async Task GenerateAsync_ThrowsArgument_WhenOtherDimensionsAreRequested()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(
            () => _generator.GenerateAsync(["text"], new EmbeddingGenerationOptions { Dimensions = 768 }));

        Assert.That(ex.ParamName, Is.EqualTo("options"));
    }

    [Test]
    public async Task GenerateAsync_AcceptsMatchingDimensions()
    {
        GeneratedEmbeddings<Embedding<float>> result =
            await _generator.GenerateAsync(["text"], new EmbeddingGenerationOptions { Dimensions = 384 });

        Assert.That(result[0].Dimensions, Is.EqualTo(384));
    }

    [Test]
    public void GenerateAsync_ThrowsOperationCanceled_WhenTokenIsCanceled()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.That(
            async () => await _generator.GenerateAsync(["text"], cancellationToken: cts.Token),
            Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void GenerateAsync_StopsBetweenBatches_WhenCanceledDuringTheCall()
    {
        using var cts = new CancellationTokenSource();
        string[] texts = [.. Enumerable.Range(0, 400).Select(i => $"text number {i} with some words to embed")];
        var options = new OnnxEmbeddingGeneratorOptions { MaxBatchSize = 1, MaxDegreeOfParallelism = 1 };
        using OnnxEmbeddingGenerator generator = OnnxEmbeddingGenerator.CreateDefault(options);

        Task<GeneratedEmbeddings<Embedding<float>>> task = generator.GenerateAsync(texts, cancellationToken: cts.Token);
        cts.Cancel();

        Assert.That(async () => await task, Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task GenerateAsync_GivesIdenticalVectors_ForConcurrentCalls()
    {
        string[] texts = SampleTexts.Varied;

        GeneratedEmbeddings<Embedding<float>>[] results = await Task.WhenAll(
            Enumerable.Range(0, 4).Select(_ => Task.Run(() => _generator.GenerateAsync(texts))));

        for (int call = 1; call < results.Length; call++)
        {
            for (int i = 0; i < texts.Length; i++)
            {
                Assert.That(results[call][i].Vector.ToArray(), Is.EqualTo(results[0][i].Vector.ToArray()).Within(1e-6f));
            }
        }
    }

    [Test]
    public void GetService_ReturnsMetadata()
    {
        var metadata = _generator.GetService<EmbeddingGeneratorMetadata>();

        Assert.That(metadata, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(metadata!.ProviderName, Is.EqualTo("onnx"));
            Assert.That(metadata.DefaultModelId, Is.EqualTo("all-MiniLM-L6-v2"));
            Assert.That(metadata.DefaultModelDimensions, Is.EqualTo(384));
        });
    }

    [Test]
    public void GetService_ReturnsItself_ForItsOwnTypes()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_generator.GetService<OnnxEmbeddingGenerator>(), Is.SameAs(_generator));
            Assert.That(_generator.GetService<IEmbeddingGenerator<string, Embedding<float>>>(), Is.SameAs(_generator));
        });
    }

    [Test]
    public void GetService_ReturnsNull_ForKeyedOrUnknownServices()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_generator.GetService(typeof(EmbeddingGeneratorMetadata), "key"), Is.Null);
            Assert.That(_generator.GetService(typeof(string)), Is.Null);
        });
    }

    [Test]
    public void GetService_ThrowsArgumentNull_WhenServiceTypeIsNull()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => _generator.GetService(null!));

        Assert.That(ex.ParamName, Is.EqualTo("serviceType"));
    }

    [Test]
    public async Task GenerateAsync_ThrowsObjectDisposed_AfterDispose()
    {
        OnnxEmbeddingGenerator generator = OnnxEmbeddingGenerator.CreateDefault();
        generator.Dispose();
        generator.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => generator.GenerateAsync(["text"]));
    }

    [Test]
    public async Task Dispose_WaitsForRunsInProgress_AndFailsQueuedWork()
    {
        string[] texts = [.. Enumerable.Range(0, 200).Select(i => $"text number {i} with some words to embed")];
        var options = new OnnxEmbeddingGeneratorOptions { MaxBatchSize = 1, MaxDegreeOfParallelism = 1 };
        OnnxEmbeddingGenerator generator = OnnxEmbeddingGenerator.CreateDefault(options);
        Task<GeneratedEmbeddings<Embedding<float>>> task = generator.GenerateAsync(texts);

        generator.Dispose();

        Exception? error = null;
        try
        {
            await task;
        }
        catch (Exception ex)
        {
            error = ex;
        }

        // The call either finished before Dispose took effect or stopped cleanly; it never crashes.
        Assert.That(error, Is.Null.Or.InstanceOf<ObjectDisposedException>());
    }

    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }
}
