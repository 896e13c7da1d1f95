using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using EmbedClassify.Benchmarks.Infrastructure;

namespace EmbedClassify.Benchmarks;

/// <summary>
/// End to end prediction with 20 classes (benchmark 5), per text: one text whose embedding is cached, and a batch of
/// 1,000. The baseline is what a user would write without the library: one
/// <see cref="TensorPrimitives.CosineSimilarity(ReadOnlySpan{float}, ReadOnlySpan{float})"/> per class centroid, then the
/// best score and a result with every class's score.
/// </summary>
/// <remarks>
/// Batch rows use <c>OperationsPerInvoke = 1000</c>, so every row reports time and bytes per text. A prediction's result
/// is a <see cref="Prediction"/> struct holding a 20-entry <see cref="ClassScore"/> array (344 bytes); that array is the
/// only allocation <see cref="EmbeddingClassifier.Predict(ReadOnlySpan{float})"/> makes, and
/// <see cref="EmbeddingClassifier.Score(ReadOnlySpan{float}, Span{float})"/> makes none. The text rows go through
/// <see cref="FewShotClassifier"/> and a <see cref="CachingEmbeddingGenerator"/> over an
/// <see cref="InMemoryEmbeddingCacheStore"/> that holds every text, so they add the cache lookup (key hashing, payload
/// decoding, the generator call) to the scoring.
/// </remarks>
[MemoryDiagnoser]
public class PredictBenchmarks
{
    public const int ClassCount = 20;
    public const int BatchSize = 1000;

    private float[] _vectors = [];
    private float[] _centroids = [];
    private string[] _labels = [];
    private string[] _texts = [];
    private float[] _scores = new float[ClassCount];
    private EmbeddingClassifier _model = null!;
    private FewShotClassifier _classifier = null!;

    [Params(384, 768, 1536, 3072)]
    public int Dimension { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        const int examplesPerClass = 5;
        float[] examples = TestData.Clustered(ClassCount * examplesPerClass, Dimension, ClassCount, noise: 0.05f);
        _labels = [.. Enumerable.Range(0, ClassCount).Select(c => $"class {c}")];
        _model = EmbeddingClassifier.Fit(Enumerable.Range(0, ClassCount * examplesPerClass).Select(i =>
            new LabeledEmbedding(_labels[ClosestTopic(examples.AsSpan(i * Dimension, Dimension))], examples.AsMemory(i * Dimension, Dimension))));

        // The baseline's centroids: per-class means, as a user would store them.
        _centroids = new float[ClassCount * Dimension];
        for (int i = 0; i < ClassCount * examplesPerClass; i++)
        {
            int c = ClosestTopic(examples.AsSpan(i * Dimension, Dimension));
            TensorPrimitives.Add(_centroids.AsSpan(c * Dimension, Dimension), examples.AsSpan(i * Dimension, Dimension), _centroids.AsSpan(c * Dimension, Dimension));
        }

        _vectors = TestData.Clustered(BatchSize, Dimension, ClassCount, noise: 0.05f, seed: TestData.Seed + 11);
        _texts = [.. Enumerable.Range(0, BatchSize).Select(i => $"text number {i}, about one of {ClassCount} topics")];
        var table = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (int i = 0; i < BatchSize; i++)
        {
            table[_texts[i]] = _vectors.AsSpan(i * Dimension, Dimension).ToArray();
        }

        var generator = new TableEmbeddingGenerator(table);
        var caching = new CachingEmbeddingGenerator(generator, new InMemoryEmbeddingCacheStore());
        _classifier = new FewShotClassifier(caching, _model);

        // Fill the cache; from then on the generator must not be called, or the text rows would measure the table.
        _ = await _classifier.PredictBatchAsync(_texts);
        int callsToFill = generator.Calls;
        _ = await _classifier.PredictBatchAsync(_texts);
        _ = await _classifier.PredictAsync(_texts[0]);
        if (generator.Calls != callsToFill)
        {
            throw new InvalidOperationException("The cache missed texts it had already stored.");
        }
    }

    [Benchmark(Baseline = true, Description = "TensorPrimitives.CosineSimilarity per class")]
    public Prediction TensorPrimitivesPerClass() => NaivePredict(_vectors.AsSpan(0, Dimension));

    [Benchmark(Description = "EmbeddingClassifier.Predict (cached vector)")]
    public Prediction OursPredict() => _model.Predict(_vectors.AsSpan(0, Dimension));

    [Benchmark(Description = "EmbeddingClassifier.Score (no result object)")]
    public int OursScore() => _model.Score(_vectors.AsSpan(0, Dimension), _scores);

    [Benchmark(Description = "FewShotClassifier.PredictAsync (cached text)")]
    public Task<Prediction> OursPredictText() => _classifier.PredictAsync(_texts[0]);

    [Benchmark(OperationsPerInvoke = BatchSize, Description = "TensorPrimitives.CosineSimilarity per class, batch of 1000")]
    public Prediction TensorPrimitivesPerClassBatch()
    {
        Prediction last = default;
        for (int i = 0; i < BatchSize; i++)
        {
            last = NaivePredict(_vectors.AsSpan(i * Dimension, Dimension));
        }

        return last;
    }

    [Benchmark(OperationsPerInvoke = BatchSize, Description = "EmbeddingClassifier.Predict, batch of 1000")]
    public Prediction OursPredictBatch()
    {
        Prediction last = default;
        for (int i = 0; i < BatchSize; i++)
        {
            last = _model.Predict(_vectors.AsSpan(i * Dimension, Dimension));
        }

        return last;
    }

    [Benchmark(OperationsPerInvoke = BatchSize, Description = "FewShotClassifier.PredictBatchAsync (cached texts), batch of 1000")]
    public Task<IReadOnlyList<Prediction>> OursPredictTextBatch() => _classifier.PredictBatchAsync(_texts);

    private Prediction NaivePredict(ReadOnlySpan<float> embedding)
    {
        var scores = new ClassScore[ClassCount];
        int best = 0;
        for (int c = 0; c < ClassCount; c++)
        {
            scores[c] = new ClassScore(_labels[c], TensorPrimitives.CosineSimilarity(embedding, _centroids.AsSpan(c * Dimension, Dimension)));
            if (scores[c].Score > scores[best].Score)
            {
                best = c;
            }
        }

        return new Prediction(_labels[best], scores[best].Score, scores);
    }

    // Labels each example by its nearest topic, the direction it was drawn around (the topics are the seed + 1 rows).
    private int ClosestTopic(ReadOnlySpan<float> vector)
    {
        float[] topics = TestData.UnitRows(ClassCount, Dimension, TestData.Seed + 1);
        Span<float> similarities = stackalloc float[ClassCount];
        VectorMath.DotRows(vector, topics, similarities);
        return TensorPrimitives.IndexOfMax(similarities);
    }
}
