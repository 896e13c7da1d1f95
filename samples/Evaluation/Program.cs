// Prints a learning curve (accuracy against examples per class) for every strategy, so that the choice of method and
// the number of examples worth labelling are decided by measurement. Every text is embedded once, ever: embeddings
// live in a SQLite cache, so later runs only compute.
using System.Diagnostics;
using System.Globalization;
using EmbedClassify;
using EmbedClassify.Samples;
using EmbedClassify.Onnx;
using EmbedClassify.Sqlite;
using Microsoft.Extensions.AI;

string? dataPath = null;
bool full = false, compression = false, labelNames = false, fineTune = false, estimate = false, loop = false;
int suggestScale = 0;
int maxTest = 500;
int? trainedLayers = null;
int pairIterations = EmbedClassify.FineTuning.FineTuningOptions.DefaultPairIterations;
int repetitions = 20, seed = 0;
OnnxModelPrecision precision = OnnxModelPrecision.Float32;
string model = "minilm";
int maxTokens = OnnxEmbeddingGeneratorOptions.DefaultMaxSequenceLength;
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
        case "--fine-tune": fineTune = true; break;
        case "--estimate": estimate = true; break;
        case "--loop": loop = true; break;
        case "--suggest-scale" when i + 1 < args.Length: suggestScale = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--max-test" when i + 1 < args.Length: maxTest = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--trained-layers" when i + 1 < args.Length: trainedLayers = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--pair-iterations" when i + 1 < args.Length: pairIterations = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--precision" when i + 1 < args.Length: precision = Enum.Parse<OnnxModelPrecision>(args[++i], ignoreCase: true); break;
        case "--model" when i + 1 < args.Length && args[i + 1] is "minilm" or "arctic-xs" or "minilm+arctic-xs": model = args[++i]; break;
        case "--max-tokens" when i + 1 < args.Length: maxTokens = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        default:
            Console.Error.WriteLine("usage: Evaluation [--full | --data file.jsonl|file.csv] [--n 1,2,5,10,32] [--repetitions 20] [--seed 0] [--cache dir] [--compression] [--label-names] [--precision float32|int8] [--model minilm|arctic-xs|minilm+arctic-xs] [--max-tokens 256] [--fine-tune [--max-test 500] [--trained-layers k] [--pair-iterations 5] [--estimate]] [--loop [--max-test 500] | --suggest-scale 100000]");
            return 2;
    }
}

if (fineTune && (model != "minilm" || maxTokens != OnnxEmbeddingGeneratorOptions.DefaultMaxSequenceLength))
{
    // The tuned model is MiniLM at its default window; a frozen side on other settings would not be a paired comparison.
    Console.Error.WriteLine("--fine-tune compares against MiniLM at 256 tokens: leave --model and --max-tokens unset.");
    return 2;
}

dataPath ??= full ? Dataset.FetchFull(cacheDirectory) : Path.Combine(AppContext.BaseDirectory, "data", "emails.jsonl");
LabeledExample[] data = Dataset.Load(dataPath);
Console.WriteLine($"{data.Length} texts, {string.Join(", ", data.GroupBy(d => d.Label).Select(g => $"{g.Count()} {g.Key}"))} ({Path.GetFileName(dataPath)}).");

Directory.CreateDirectory(cacheDirectory);
using var store = new SqliteEmbeddingCacheStore(Path.Combine(cacheDirectory, "evaluation-embeddings.db"));
// The model id carries the window and precision, so runs at other settings share the cache file without mixing vectors.
var modelOptions = new OnnxEmbeddingGeneratorOptions { Precision = precision, MaxSequenceLength = maxTokens };
// Each model has its own cache in front of it, so the pair reuses every vector either model has already computed.
CachingEmbeddingGenerator[] caches = [.. model.Split('+').Select(name => new CachingEmbeddingGenerator(
    name == "arctic-xs" ? EmbedClassify.Onnx.ArcticXs.ArcticXsEmbeddingGenerator.Create(modelOptions) : OnnxEmbeddingGenerator.CreateDefault(modelOptions), store))];
using IEmbeddingGenerator<string, Embedding<float>> generator = caches.Length == 1 ? caches[0] : new MultiViewEmbeddingGenerator(caches);
Console.WriteLine($"Model {generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId}.");
var stopwatch = Stopwatch.StartNew();

if (loop || suggestScale > 0)
{
    // The labelling loop needs only the classifier, refitted many times on vectors from the cache (LabellingLoop.cs).
    if (suggestScale > 0)
    {
        await LabellingLoop.MeasureScaleAsync(data, generator, suggestScale, count: 10);
    }
    else
    {
        await LabellingLoop.RunAsync(data, generator, repetitions, seed, maxTest, perClass: 10);
    }

    return 0;
}

// Every text is embedded once, through the cache; the evaluator keeps the texts too, so it can evaluate the whole
// classifier (its word view reads the texts) without a second provider call.
FewShotEvaluator evaluator = await FewShotEvaluator.CreateAsync(generator, data);
Console.WriteLine($"Embedded in {stopwatch.Elapsed.TotalSeconds:F1} s ({caches.Sum(c => c.Statistics.Hits)} from the cache, {caches.Sum(c => c.Statistics.Misses)} computed).");

int smallest = data.GroupBy(d => d.Label).Min(g => g.Count());
sizes = [.. sizes.Where(n => n < smallest)];

if (fineTune)
{
    // Minutes per draw (training, then embedding the test texts with the tuned model): its own paired comparison.
    await FineTuneEvaluation.RunAsync(data, generator, sizes, repetitions, seed, maxTest, trainedLayers, pairIterations, estimate);
    return 0;
}

// The embedding view alone (EmbeddingClassifier), strategy by strategy: the baselines the classifier's defaults beat.
(string Name, FewShotClassifierOptions Options, bool Transductive)[] methods =
[
    ("nearest centroid", new() { Strategy = ClassificationStrategy.NearestCentroid, CenterEmbeddings = false }, false),
    ("nearest centroid, centered", new() { Strategy = ClassificationStrategy.NearestCentroid, CenterEmbeddings = true }, false),
    ("kNN (k = 3)", new() { Strategy = ClassificationStrategy.KNearestNeighbors, Neighbors = 3, CenterEmbeddings = false }, false),
    ("k-means, classic recipe", new() { Strategy = ClassificationStrategy.KMeans, CenterEmbeddings = false }, false),
    ("auto (leave-one-out pick)", new() { Strategy = ClassificationStrategy.Auto }, false),
    ("k-means from centroids + test texts*", new() { Strategy = ClassificationStrategy.KMeans, Initialization = KMeansInitialization.ClassCentroids, CenterEmbeddings = false }, true),
    ("  same, centered*", new() { Strategy = ClassificationStrategy.KMeans, Initialization = KMeansInitialization.ClassCentroids, CenterEmbeddings = true }, true),
];

stopwatch.Restart();
Console.WriteLine();
Console.WriteLine($"Accuracy, mean of {repetitions} seeded draws (seed {seed}) [95% interval], by examples per class:");
Console.WriteLine($"{"method",-44}" + string.Concat(sizes.Select(n => $"{"n = " + n,22}")));
Console.WriteLine(caches.Length == 1 ? "EmbeddingClassifier (embedding view alone):" : "EmbeddingClassifier (the models' vectors concatenated, one view):");
foreach ((string name, FewShotClassifierOptions options, bool transductive) in methods)
{
    var evaluation = new FewShotEvaluationOptions { Repetitions = repetitions, Seed = seed, TestAsUnlabeled = transductive };
    IReadOnlyList<EvaluationReport> curve = evaluator.LearningCurve(sizes, options, evaluation);
    Console.WriteLine($"{"  " + name,-44}" + string.Concat(curve.Select(r => $"{r.Accuracy,22}")));
}

var logistic = new FewShotEvaluationOptions { Repetitions = repetitions, Seed = seed };
Console.WriteLine($"{"  logistic regression (ML.NET)",-44}" + string.Concat(sizes.Select(n => $"{evaluator.Evaluate(n, "logistic regression", (train, _) =>
{
    LogisticRegressionClassifier head = LogisticRegressionClassifier.Fit(train);
    return v => head.Predict(v.Span).Label;
}, logistic).Accuracy,22}")));

// The one classifier, FewShotClassifier: its defaults first, then each part turned off to show what it adds.
string[] labels = [.. data.Select(d => d.Label).Distinct(StringComparer.Ordinal)];
(string Name, Func<FewShotClassifierOptions> Options, bool Transductive)[] classifiers =
[
    ("defaults (centroid + words + label names)", () => new(), false),
    ("  same, refined on test texts*", () => new(), true),
    ("  without label names", () => new() { LabelNamesAsDescriptions = false }, false),
    ("  without label names, refined*", () => new() { LabelNamesAsDescriptions = false }, true),
    ("  without the word view", () => new() { WordWeight = 0 }, false),
];
if (labelNames)
{
    // Explicit descriptions equal to the labels, for labels that the default would not read as words (codes, digits).
    classifiers = [.. classifiers, ("  every label as its description", () => new() { LabelDescriptions = labels.ToDictionary(l => l, l => l, StringComparer.Ordinal) }, false)];
}

Console.WriteLine("FewShotClassifier:");
foreach ((string name, Func<FewShotClassifierOptions> options, bool transductive) in classifiers)
{
    var evaluation = new FewShotEvaluationOptions { Repetitions = repetitions, Seed = seed, TestAsUnlabeled = transductive };
    IReadOnlyList<EvaluationReport> curve = await evaluator.LearningCurveAsync(sizes, options(), evaluation);
    Console.WriteLine($"{"  " + name,-44}" + string.Concat(curve.Select(r => $"{r.Accuracy,22}")));
}

if (compression)
{
    // The compression baselines need the text behind each vector they are handed, so they run on an evaluator over
    // these very vectors (from the cache: nothing is embedded again). Draws depend only on the labels' order and the
    // seed, so they are the same draws as above.
    var textOf = new Dictionary<ReadOnlyMemory<float>, string>();
    GeneratedEmbeddings<Embedding<float>> embedded = await generator.GenerateAsync(data.Select(d => d.Text));
    for (int i = 0; i < data.Length; i++)
    {
        textOf[embedded[i].Vector] = data[i].Text;
    }

    var vectorEvaluator = new FewShotEvaluator(data.Select((d, i) => new LabeledEmbedding(d.Label, embedded[i].Vector)));

    (string Name, bool Transductive, Func<IReadOnlyList<LabeledEmbedding>, IReadOnlyList<ReadOnlyMemory<float>>, Func<ReadOnlyMemory<float>, string>> Fit)[] ensembles =
    [
        ("compression kNN-3 (no embeddings)", true, (train, test) => Ensemble.Fit(train, test, textOf, embeddingWeight: 0, transductive: false)),
        ("centroid, centered + compression*", true, (train, test) => Ensemble.Fit(train, test, textOf, embeddingWeight: 1, transductive: false)),
        ("  same, refined on test texts*", true, (train, test) => Ensemble.Fit(train, test, textOf, embeddingWeight: 1, transductive: true)),
    ];
    Console.WriteLine("Compression (CompressionClassifier, not a view of the classifier):");
    foreach ((string name, bool transductive, var fit) in ensembles)
    {
        var evaluation = new FewShotEvaluationOptions { Repetitions = repetitions, Seed = seed, TestAsUnlabeled = transductive };
        Console.WriteLine($"{"  " + name,-44}" + string.Concat(sizes.Select(n => $"{vectorEvaluator.Evaluate(n, name, fit, evaluation).Accuracy,22}")));
    }
}

Console.WriteLine();
Console.WriteLine("* transductive: the texts being classified are also given, unlabelled, to the method (as when a batch is classified at once).");
if (!compression)
{
    Console.WriteLine("Add --compression for the gzip baselines and their ensembles with the embeddings (slow: every test text is compressed against every example).");
}
Console.WriteLine($"Evaluated in {stopwatch.Elapsed.TotalSeconds:F1} s.");
return 0;
