using BenchmarkDotNet.Attributes;
using EmbedClassify.Benchmarks.Infrastructure;

namespace EmbedClassify.Benchmarks;

/// <summary>
/// What watching for drift adds to a prediction (issue 16: at most 5% on the prediction of a cached vector). 20 classes
/// of 5 examples, as in <see cref="PredictBenchmarks"/>. The baseline is the classifier's scoring of a vector it already
/// has (<see cref="FewShotClassifier"/>'s internal <c>Predict(text, vector)</c>, the step after the cache: embedding
/// view, calibration, the result object), the cheapest path a monitored prediction can take; the text rows add the cache
/// lookup of <see cref="FewShotClassifier.PredictAsync"/>.
/// </summary>
/// <remarks>
/// Both the baseline and the monitored rows include <see cref="Prediction.EmbeddingSimilarity"/>, which every
/// prediction now carries (one cosine against the predicted class's example mean); its own row shows what it costs. The
/// last two rows feed a monitor alone, at the default size (window 500, 20 classes) and at 100× in both directions
/// (window 100,000, 10,000 classes, predictions cycling through every class so each feed touches cold per-class state).
/// </remarks>
[MemoryDiagnoser]
public class DriftMonitorBenchmarks
{
    public const int ClassCount = 20;
    public const int LargeClassCount = 10_000;
    public const int LargeWindow = 100_000;

    private float[] _vector = [];
    private string _text = "";
    private EmbeddingClassifier _model = null!;
    private FewShotClassifier _classifier = null!;
    private DriftMonitor _monitor = null!;
    private Prediction _prediction;
    private DriftMonitor _largeMonitor = null!;
    private Prediction[] _largePredictions = [];
    private int _next;

    [Params(384, 768, 1536, 3072)]
    public int Dimension { get; set; }

    // The 100× monitor takes seconds to build (10,000 classes); only its own row pays for it.
    [GlobalSetup(Targets = [nameof(Predict), nameof(PredictAndObserve), nameof(Similarity), nameof(PredictText), nameof(PredictTextAndObserve), nameof(Observe)])]
    public async Task Setup()
    {
        const int examplesPerClass = 5;
        float[] examples = TestData.Clustered(ClassCount * examplesPerClass, Dimension, ClassCount, noise: 0.05f);
        string[] labels = [.. Enumerable.Range(0, ClassCount).Select(c => $"class {c}")];

        // Clustered draws example i around topic i % ClassCount.
        _model = EmbeddingClassifier.Fit(Enumerable.Range(0, ClassCount * examplesPerClass).Select(i =>
            new LabeledEmbedding(labels[i % ClassCount], examples.AsMemory(i * Dimension, Dimension))));
        _vector = TestData.Clustered(1, Dimension, ClassCount, noise: 0.05f, seed: TestData.Seed + 11);
        _text = "one text about one of the topics";
        var caching = new CachingEmbeddingGenerator(
            new TableEmbeddingGenerator(new Dictionary<string, float[]>(StringComparer.Ordinal) { [_text] = _vector }),
            new InMemoryEmbeddingCacheStore());
        _classifier = new FewShotClassifier(caching, _model);
        _prediction = _classifier.Predict(_text, _vector);
        _ = await _classifier.PredictAsync(_text);

        _monitor = new DriftMonitor(_classifier);
        for (int i = 0; i < DriftMonitorOptions.DefaultWindowSize; i++)
        {
            // A full window, so the baseline checks run in every measured call too.
            _monitor.Observe(_prediction);
        }
    }

    [GlobalSetup(Target = nameof(ObserveLarge))]
    public void SetupLarge() => (_largeMonitor, _largePredictions) = LargeMonitor();

    [GlobalCleanup]
    public void Cleanup()
    {
        _monitor?.Dispose();
        _largeMonitor?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Predict (cached vector)")]
    public Prediction Predict() => _classifier.Predict(_text, _vector);

    [Benchmark(Description = "Predict (cached vector) + DriftMonitor.Observe")]
    public Prediction PredictAndObserve()
    {
        Prediction prediction = _classifier.Predict(_text, _vector);
        _monitor.Observe(prediction);
        return prediction;
    }

    [Benchmark(Description = "EmbeddingSimilarity alone (inside both rows above)")]
    public float Similarity() => _model.ExampleSimilarity(_vector, 0);

    [Benchmark(Description = "PredictAsync (cached text)")]
    public Task<Prediction> PredictText() => _classifier.PredictAsync(_text);

    [Benchmark(Description = "PredictAsync (cached text) + DriftMonitor.Observe")]
    public async Task<Prediction> PredictTextAndObserve()
    {
        Prediction prediction = await _classifier.PredictAsync(_text);
        _monitor.Observe(prediction);
        return prediction;
    }

    [Benchmark(Description = "DriftMonitor.Observe alone, window 500, 20 classes")]
    public void Observe() => _monitor.Observe(_prediction);

    [Benchmark(Description = "DriftMonitor.Observe alone, window 100,000, 10,000 classes")]
    public void ObserveLarge()
    {
        _largeMonitor.Observe(_largePredictions[_next]);
        _next = _next + 1 == _largePredictions.Length ? 0 : _next + 1;
    }

    /// <summary>
    /// A monitor at 100× the tests' sizes: 10,000 classes of 2 examples (8-dimensional: the monitor's per-feed cost does
    /// not depend on the vector length), a window of 100,000 filled once so the baseline is taken.
    /// </summary>
    private static (DriftMonitor Monitor, Prediction[] Predictions) LargeMonitor()
    {
        const int dimensions = 8;
        float[] rows = TestData.UnitRows(LargeClassCount * 2, dimensions, TestData.Seed + 5);
        string[] labels = [.. Enumerable.Range(0, LargeClassCount).Select(c => $"class {c}")];
        EmbeddingClassifier model = EmbeddingClassifier.Fit(Enumerable.Range(0, LargeClassCount * 2).Select(i =>
            new LabeledEmbedding(labels[i % LargeClassCount], rows.AsMemory(i * dimensions, dimensions))));
        var classifier = new FewShotClassifier(new TableEmbeddingGenerator(new Dictionary<string, float[]>()), model);
        var monitor = new DriftMonitor(classifier, new DriftMonitorOptions { WindowSize = LargeWindow, MinimumPredictions = 50 });
        Prediction[] predictions = [.. Enumerable.Range(0, LargeClassCount).Select(c => new Prediction(labels[c], 0.8f, []) { EmbeddingSimilarity = 0.5f })];
        for (int i = 0; i < LargeWindow; i++)
        {
            monitor.Observe(predictions[i % LargeClassCount]);
        }

        return (monitor, predictions);
    }
}
