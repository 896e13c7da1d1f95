// The labelling loop on the local model, offline: a spam filter that starts from the two label names, asks which
// e-mails to label next and why, learns from the answers (the collection's own labels stand in for a person), and is
// then watched in production by a DriftMonitor that stays quiet on e-mails like the ones it learnt from and raises an
// alarm when the ham e-mails give way to State of the Union passages.
// Usage: dotnet run --project samples/LabellingLoop -c Release [-- --short] [--seed 1] [--cache PATH]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EmbedClassify;
using EmbedClassify.Onnx;
using EmbedClassify.Sqlite;

bool isShort = false;
int seed = 1;
string cachePath = Path.Combine(
    Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
    "EmbedClassify",
    "labellingloop-embeddings.db");
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--short":
            isShort = true;
            break;
        case "--seed" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out int s):
            seed = s;
            i++;
            break;
        case "--cache" when i + 1 < args.Length:
            cachePath = args[++i];
            break;
        default:
            Console.Error.WriteLine("usage: LabellingLoop [--short] [--seed 1] [--cache PATH]");
            return 2;
    }
}

// --short is the CI run: fewer texts to embed (the cost of a first run), the same rounds; once embedded, a round costs
// a refit and a few hundred cached predictions.
int poolSize = isShort ? 100 : 200;
int testSize = isShort ? 60 : 100;
int passageCount = isShort ? 60 : 100;
const int Rounds = 5;
const int PerRound = 4;
var clock = Stopwatch.StartNew();

var jsonOptions = new JsonSerializerOptions(JsonSerializerDefaults.Web);
LabeledExample[] emails = [.. File.ReadLines(Path.Combine(AppContext.BaseDirectory, "data", "emails.jsonl"))
    .Where(line => line.Length > 0)
    .Select(line => JsonSerializer.Deserialize<Email>(line, jsonOptions)!)
    .Select(email => new LabeledExample(email.Text, email.Label))];
string[] passages = [.. File.ReadLines(Path.Combine(AppContext.BaseDirectory, "data", "sotu-passages.jsonl"))
    .Where(line => line.Length > 0)
    .Select(line => JsonSerializer.Deserialize<Passage>(line, jsonOptions)!.Text)
    .Take(passageCount)];

// A seeded split: a pool whose labels are hidden until the loop asks for them, and a test set it never sees.
var random = new Random(seed);
random.Shuffle(emails);
LabeledExample[] pool = emails[..poolSize];
LabeledExample[] test = emails[poolSize..(poolSize + testSize)];
string[] labels = [.. emails.Select(e => e.Label).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

// The vectors persist in a SQLite file, so a rerun embeds nothing; the first run embeds every text once, here, and
// everything below (suggestions, refits, test predictions, the monitor's stream) is served from the cache.
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(cachePath))!);
using var onnx = OnnxEmbeddingGenerator.CreateDefault();
using var cacheStore = new SqliteEmbeddingCacheStore(cachePath);
using var generator = new CachingEmbeddingGenerator(onnx, cacheStore);
string[] everyText = [.. pool.Select(e => e.Text), .. test.Select(e => e.Text), .. passages];
_ = await generator.GenerateAsync(everyText);
EmbeddingCacheStatistics embedded = generator.Statistics;
Console.WriteLine(
    $"{pool.Length} unlabelled e-mails to label from, {test.Length} to test on, {passages.Length} speech passages for later; " +
    $"{embedded.Misses} texts embedded, {embedded.Hits} from the cache ({Path.GetFullPath(cachePath)}), {clock.Elapsed.TotalSeconds:F1} s.");

// Round 0: no example at all, only the names "ham" and "spam", each embedded as the description of its class.
// DetectUnknown flags texts far from every class, which gives the drift monitor at the end its unknown-share check.
var options = new FewShotClassifierOptions { DetectUnknown = true };
FewShotClassifier suggested = await FewShotClassifier.CreateFromDescriptionsAsync(generator, labels, options);
FewShotClassifier randomPicks = suggested;
Console.WriteLine();
Console.WriteLine($"Round 0: classes [{string.Join(", ", suggested.Labels)}] from their names alone " +
    $"(described only: {string.Join(", ", suggested.DescribedOnlyLabels)}); test accuracy {await AccuracyAsync(suggested, test):P1}.");

var labelledBySuggestion = new HashSet<string>(StringComparer.Ordinal);
var labelledAtRandom = new HashSet<string>(StringComparer.Ordinal);
var pickRandom = new Random(seed + 1);
var accuracyRows = new List<(int Labels, double Suggested, double Random)>();
for (int round = 1; round <= Rounds; round++)
{
    // The suggestions come with why: torn between two classes (uncertain) or far from every labelled e-mail
    // (uncovered), spread over the pool so that one round does not ask four times about the same kind of e-mail.
    LabeledExample[] unlabelled = [.. pool.Where(e => !labelledBySuggestion.Contains(e.Text))];
    IReadOnlyList<LabelingSuggestion> asked = await suggested.SuggestExamplesToLabelAsync(unlabelled.Select(e => e.Text), PerRound);
    Console.WriteLine();
    Console.WriteLine($"Round {round}: the classifier asks for {asked.Count} of {unlabelled.Length} unlabelled e-mails (why, then the answer):");
    var answers = new List<LabeledExample>();
    foreach (LabelingSuggestion s in asked)
    {
        // The dataset's own label plays the person who answers.
        LabeledExample answer = unlabelled[s.Index];
        answers.Add(answer);
        labelledBySuggestion.Add(answer.Text);
        string why = s.Reason == SuggestionReason.Uncertain
            ? $"uncertain, {s.Label} or {s.RunnerUp} (margin {s.Margin:F2})"
            : $"uncovered, leans {s.Label} (margin {s.Margin:F2}), distance {s.Distance:F2}";
        Console.WriteLine($"  {Shorten(s.Text, 48),-48}  {why,-47} -> {answer.Label}");
    }

    suggested = await suggested.AddExamplesAsync(answers);

    // The contrast: as many e-mails, drawn at random from the pool the random learner has not labelled yet.
    LabeledExample[] drawn = [.. pool.Where(e => !labelledAtRandom.Contains(e.Text)).OrderBy(_ => pickRandom.Next()).Take(answers.Count)];
    labelledAtRandom.UnionWith(drawn.Select(e => e.Text));
    randomPicks = await randomPicks.AddExamplesAsync(drawn);

    double suggestedAccuracy = await AccuracyAsync(suggested, test);
    double randomAccuracy = await AccuracyAsync(randomPicks, test);
    accuracyRows.Add((labelledBySuggestion.Count, suggestedAccuracy, randomAccuracy));
    string stillDescribed = suggested.DescribedOnlyLabels.Count > 0 ? $"; still described only: {string.Join(", ", suggested.DescribedOnlyLabels)}" : "";
    Console.WriteLine($"  {labelledBySuggestion.Count} labels spent: test accuracy {suggestedAccuracy:P1} (the same number of random picks: {randomAccuracy:P1}){stillDescribed}");
}

Console.WriteLine();
Console.WriteLine($"Loop done in {clock.Elapsed.TotalSeconds:F1} s. One seeded split; samples/Evaluation --loop averages many.");

// Production: the classifier the loop built classifies a stream and the monitor watches its predictions. Each distinct
// text is predicted once; a stream is a seeded sequence of those predictions, fed one by one as a service would.
// The in-distribution stream draws e-mails the classifier never learnt from; the drifted one keeps the spam and
// replaces every ham e-mail by a speech passage, a collection the classifier has never seen.
LabeledExample[] heldOut = [.. pool.Where(e => !labelledBySuggestion.Contains(e.Text)), .. test];
Prediction[] spamPredictions = [.. await suggested.PredictBatchAsync(heldOut.Where(e => e.Label == "spam").Select(e => e.Text))];
Prediction[] hamPredictions = [.. await suggested.PredictBatchAsync(heldOut.Where(e => e.Label == "ham").Select(e => e.Text))];
Prediction[] passagePredictions = [.. await suggested.PredictBatchAsync(passages)];

// The similarity check is calibrated on the examples, and the loop's examples are the atypical e-mails it asked about
// (uncertain, or far from the rest): held-out e-mails sit closer to their class than those examples sit to each other,
// a positive shift, so on a classifier built by the loop that check is the slowest to fire. The confidence, class-mix
// and unknown-share checks are calibrated on the first full window of the stream instead.
using var monitor = new DriftMonitor(suggested);
long observed = 0;
long driftStart = long.MaxValue;
var alarms = new List<string>();
monitor.DriftDetected += (_, e) => alarms.Add(
    $"  {e.Signal} after {(e.TotalCount > driftStart ? $"{e.TotalCount - driftStart} drifted predictions" : $"{e.TotalCount} in-distribution predictions (a false alarm)")}: " +
    $"{e.Value:F4} past the threshold {e.Threshold:F4} (window of {e.WindowCount})");

int window = DriftMonitorOptions.DefaultWindowSize;
var streamRandom = new Random(seed + 2);
Console.WriteLine();
Console.WriteLine($"DriftMonitor on the final classifier (window {window}; similarity check calibrated on its {labelledBySuggestion.Count} examples: {monitor.CanCheckSimilarity}).");
for (int i = 0; i < 2 * window; i++)
{
    Prediction[] from = streamRandom.Next(2) == 0 ? spamPredictions : hamPredictions;
    monitor.Observe(from[streamRandom.Next(from.Length)]);
    observed++;
}

Console.WriteLine($"{observed} predictions of held-out e-mails (the first {window} are the baseline): {(alarms.Count == 0 ? "no alarm" : $"{alarms.Count} alarm(s)")}.");
PrintSnapshot(monitor.GetSnapshot());
alarms.ForEach(Console.WriteLine);
alarms.Clear();

driftStart = observed;
for (int i = 0; i < 2 * window; i++)
{
    monitor.Observe(streamRandom.Next(2) == 0 ? spamPredictions[streamRandom.Next(spamPredictions.Length)] : passagePredictions[streamRandom.Next(passagePredictions.Length)]);
    observed++;
}

Console.WriteLine($"{observed - driftStart} more, with every ham e-mail replaced by a State of the Union passage: {(alarms.Count == 0 ? "no alarm" : $"{alarms.Count} alarm(s)")}.");
alarms.ForEach(Console.WriteLine);
PrintSnapshot(monitor.GetSnapshot());
Console.WriteLine();
Console.WriteLine($"Done in {clock.Elapsed.TotalSeconds:F1} s.");
return 0;

static async Task<double> AccuracyAsync(FewShotClassifier classifier, LabeledExample[] test)
{
    IReadOnlyList<Prediction> predictions = await classifier.PredictBatchAsync(test.Select(e => e.Text));
    return test.Where((e, i) => predictions[i].Label == e.Label).Count() / (double)test.Length;
}

static void PrintSnapshot(DriftSnapshot s) => Console.WriteLine(
    $"  window now: similarity shift {s.SimilarityShift:F2} (alarm below {s.SimilarityShiftThreshold:F2}), " +
    $"confidence {s.MeanConfidence:F3} (below {s.MeanConfidenceThreshold:F3}), unknown {s.UnknownShare:P1} (above {s.UnknownShareThreshold:P1}), " +
    $"class-mix chi-square {s.ClassMixChiSquare:F1} (above {s.ClassMixChiSquareThreshold:F1})");

static string Shorten(string text, int length)
{
    string flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    return flat.Length <= length ? flat : string.Concat(flat.AsSpan(0, length - 1), "…");
}

internal sealed record Email(string Id, string Label, string Text);

internal sealed record Passage(int Year, string Text);
