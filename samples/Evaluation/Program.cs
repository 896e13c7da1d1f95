// Prints a learning curve (accuracy against examples per class) for every strategy, so that the choice of method and
// the number of examples worth labelling are decided by measurement. Every text is embedded once, ever: embeddings
// live in a SQLite cache, so later runs only compute.
using System.Diagnostics;
using System.Globalization;
using EmbedClassify;
using EmbedClassify.MLNet;
using EmbedClassify.Onnx;
using EmbedClassify.Sqlite;
using Microsoft.Extensions.AI;

string? dataPath = null;
bool full = false, compression = false, labelNames = false;
int repetitions = 20, seed = 0;
int[] sizes = [1, 2, 5, 10, 32];
string cacheDirectory = Path.Combine(
    Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "EmbedClassify");
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--full": full = true; break;
        case "--compression": compression = true; break;
        case "--label-names": labelNames = true; break;
        case "--data" when i + 1 < args.Length: dataPath = args[++i]; break;
        case "--repetitions" when i + 1 < args.Length: repetitions = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--seed" when i + 1 < args.Length: seed = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--n" when i + 1 < args.Length: sizes = [.. args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))]; break;
        case "--cache" when i + 1 < args.Length: cacheDirectory = args[++i]; break;
        default:
            Console.Error.WriteLine("usage: Evaluation [--full | --data file.jsonl|file.csv] [--n 1,2,5,10,32] [--repetitions 20] [--seed 0] [--cache dir] [--compression] [--label-names]");
            return 2;
    }
}

dataPath ??= full ? Dataset.FetchFull(cacheDirectory) : Path.Combine(AppContext.BaseDirectory, "data", "emails.jsonl");
LabeledExample[] data = Dataset.Load(dataPath);
Console.WriteLine($"{data.Length} texts, {string.Join(", ", data.GroupBy(d => d.Label).Select(g => $"{g.Count()} {g.Key}"))} ({Path.GetFileName(dataPath)}).");

Directory.CreateDirectory(cacheDirectory);
using var store = new SqliteEmbeddingCacheStore(Path.Combine(cacheDirectory, "evaluation-embeddings.db"));
using var generator = new CachingEmbeddingGenerator(OnnxEmbeddingGenerator.CreateDefault(), store);
var stopwatch = Stopwatch.StartNew();
GeneratedEmbeddings<Embedding<float>> embedded = await generator.GenerateAsync(data.Select(d => d.Text));
LabeledEmbedding[] vectors = [.. data.Select((d, i) => new LabeledEmbedding(d.Label, embedded[i].Vector))];
var evaluator = new FewShotEvaluator(vectors);

// The compression view needs the text behind each vector the evaluator hands out.
var textOf = new Dictionary<ReadOnlyMemory<float>, string>();
for (int i = 0; i < data.Length; i++)
{
    textOf[vectors[i].Vector] = data[i].Text;
}

EmbeddingCacheStatistics cache = generator.Statistics;
Console.WriteLine($"Embedded in {stopwatch.Elapsed.TotalSeconds:F1} s ({cache.Hits} from the cache, {cache.Misses} computed).");

int smallest = data.GroupBy(d => d.Label).Min(g => g.Count());
sizes = [.. sizes.Where(n => n < smallest)];
(string Name, FewShotClassifierOptions Options, bool Transductive)[] methods =
[
    ("nearest centroid", new() { Strategy = ClassificationStrategy.NearestCentroid }, false),
    ("nearest centroid, centered", new() { Strategy = ClassificationStrategy.NearestCentroid, CenterEmbeddings = true }, false),
    ("kNN (k = 3)", new() { Strategy = ClassificationStrategy.KNearestNeighbors, Neighbors = 3 }, false),
    ("k-means, classic recipe", new() { Strategy = ClassificationStrategy.KMeans }, false),
    ("auto (leave-one-out pick)", new() { Strategy = ClassificationStrategy.Auto }, false),
    ("k-means from centroids + test texts*", new() { Strategy = ClassificationStrategy.KMeans, Initialization = KMeansInitialization.ClassCentroids }, true),
    ("  same, centered*", new() { Strategy = ClassificationStrategy.KMeans, Initialization = KMeansInitialization.ClassCentroids, CenterEmbeddings = true }, true),
    ("auto + test texts*", new() { Strategy = ClassificationStrategy.Auto }, true),
];

stopwatch.Restart();
Console.WriteLine();
Console.WriteLine($"Accuracy, mean of {repetitions} seeded draws (seed {seed}) [95% interval], by examples per class:");
Console.WriteLine($"{"method",-38}" + string.Concat(sizes.Select(n => $"{"n = " + n,22}")));
foreach ((string name, FewShotClassifierOptions options, bool transductive) in methods)
{
    var evaluation = new FewShotEvaluationOptions { Repetitions = repetitions, Seed = seed, TestAsUnlabeled = transductive };
    IReadOnlyList<EvaluationReport> curve = evaluator.LearningCurve(sizes, options, evaluation);
    Console.WriteLine($"{name,-38}" + string.Concat(curve.Select(r => $"{r.Accuracy,22}")));
}

var custom = new List<(string Name, Func<IReadOnlyList<LabeledEmbedding>, IReadOnlyList<ReadOnlyMemory<float>>, Func<ReadOnlyMemory<float>, string>> Fit, bool Transductive)>
{
    ("logistic regression (ML.NET)", (train, _) =>
    {
        LogisticRegressionClassifier head = LogisticRegressionClassifier.Fit(train);
        return v => head.Predict(v.Span).Label;
    }, false),
};
var vectorOf = new Dictionary<string, ReadOnlyMemory<float>>(StringComparer.Ordinal);
foreach ((ReadOnlyMemory<float> vector, string text) in textOf)
{
    vectorOf[text] = vector;
}

// With --label-names each label is also embedded (through the same cache) so the hybrid can use it as its class's description.
string[] labelTexts = [.. data.Select(d => d.Label).Distinct()];
if (labelNames)
{
    GeneratedEmbeddings<Embedding<float>> labelVectors = await generator.GenerateAsync(labelTexts);
    for (int i = 0; i < labelTexts.Length; i++)
    {
        vectorOf.TryAdd(labelTexts[i], labelVectors[i].Vector);
    }
}

var lookup = new LookupEmbeddingGenerator(vectorOf);

// Without refinement the hybrid fits on the training texts alone; it is handed the test texts only to predict them in
// one batch (its predictions do not depend on what else is in the batch), so its name carries no star. With refinement
// the test texts are also given, unlabelled, to refine its centroids.
Func<IReadOnlyList<LabeledEmbedding>, IReadOnlyList<ReadOnlyMemory<float>>, Func<ReadOnlyMemory<float>, string>> Hybrid(HybridClassifierOptions options, bool refine = false) => (train, test) =>
{
    IEnumerable<LabeledExample> examples = train.Select(t => new LabeledExample(textOf[t.Vector], t.Label));
    HybridClassifier hybrid = HybridClassifier.CreateAsync(lookup, examples, refine ? test.Select(v => textOf[v]) : [], options).GetAwaiter().GetResult();
    // A collection may hold the same text twice (one vector); it gets one prediction, so the last write is as good as any.
    var predicted = new Dictionary<ReadOnlyMemory<float>, string>();
    foreach ((ReadOnlyMemory<float> vector, Prediction prediction) in test.Zip(hybrid.PredictBatchAsync(test.Select(v => textOf[v])).GetAwaiter().GetResult()))
    {
        predicted[vector] = prediction.Label;
    }

    return v => predicted[v];
};

custom.Add(("hybrid: centroid + words", Hybrid(new()), true));
custom.Add(("  same, refined on test texts*", Hybrid(new(), refine: true), true));
if (labelNames)
{
    HybridClassifierOptions Described() => new() { LabelDescriptions = labelTexts.ToDictionary(l => l, l => l, StringComparer.Ordinal) };
    custom.Add(("hybrid + label names as descriptions", Hybrid(Described()), true));
    custom.Add(("  same, refined on test texts*", Hybrid(Described(), refine: true), true));
}
if (compression)
{
    custom.Add(("hybrid: centroid + compression", Hybrid(new() { WordWeight = 0, CompressionWeight = 1 }), true));
    custom.Add(("hybrid: centroid + words + compression", Hybrid(new() { CompressionWeight = 1 }), true));
    custom.Add(("compression kNN-3 (no embeddings)", (train, test) => Ensemble.Fit(train, test, textOf, embeddingWeight: 0, transductive: false), true));
    custom.Add(("centroid, centered + compression*", (train, test) => Ensemble.Fit(train, test, textOf, embeddingWeight: 1, transductive: false), true));
    custom.Add(("  same, refined on test texts*", (train, test) => Ensemble.Fit(train, test, textOf, embeddingWeight: 1, transductive: true), true));
}

foreach ((string name, var fit, bool transductive) in custom)
{
    var evaluation = new FewShotEvaluationOptions { Repetitions = repetitions, Seed = seed, TestAsUnlabeled = transductive };
    Console.WriteLine($"{name,-38}" + string.Concat(sizes.Select(n => $"{evaluator.Evaluate(n, name, fit, evaluation).Accuracy,22}")));
}

Console.WriteLine();
Console.WriteLine("* transductive: the texts being classified are also given, unlabelled, to the method (as when a batch is classified at once).");
if (!compression)
{
    Console.WriteLine("Add --compression for the gzip view and its ensembles with the embeddings (slow: every test text is compressed against every example).");
}
Console.WriteLine($"Evaluated in {stopwatch.Elapsed.TotalSeconds:F1} s.");
return 0;
