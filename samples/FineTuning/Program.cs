// Fine-tunes the local model on a handful of labelled e-mails (SetFit's contrastive step, on this machine's CPU, no
// network), then compares the one classifier on frozen and tuned embeddings, saves it with its tuned model and loads it
// back. Usage: dotnet run --project samples/FineTuning -c Release [-- --per-class 8 --test 100 --seed 0]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EmbedClassify;
using EmbedClassify.FineTuning;
using EmbedClassify.Onnx;

int perClass = 8, testCount = 100, seed = 0;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    int value = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
    switch (args[i])
    {
        case "--per-class": perClass = value; break;
        case "--test": testCount = value; break;
        case "--seed": seed = value; break;
        default:
            Console.Error.WriteLine("usage: FineTuning [--per-class 8] [--test 100] [--seed 0]");
            return 2;
    }
}

var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
LabeledExample[] emails = [.. File.ReadLines(Path.Combine(AppContext.BaseDirectory, "data", "emails.jsonl"))
    .Where(line => line.Length > 0)
    .Select(line => JsonSerializer.Deserialize<Email>(line, options)!)
    .Select(email => new LabeledExample(email.Text, email.Label))];

// A seeded draw: perClass examples of each label to learn from, testCount of the others to measure on.
var random = new Random(seed);
random.Shuffle(emails);
LabeledExample[] train = [.. emails.GroupBy(e => e.Label).SelectMany(g => g.Take(perClass))];
LabeledExample[] test = [.. emails.Except(train).Take(testCount)];
Console.WriteLine($"{train.Length} labelled e-mails ({perClass} per label) to learn from, {test.Length} others to measure on.");

var clock = Stopwatch.StartNew();
using (var frozen = OnnxEmbeddingGenerator.CreateDefault())
{
    FewShotClassifier classifier = await FewShotClassifier.CreateAsync(frozen, train);
    Console.WriteLine($"Frozen model:     accuracy {await AccuracyAsync(classifier, test):P1} ({clock.Elapsed.TotalSeconds:F0} s).");
}

clock.Restart();
var progress = new InlineProgress(p =>
{
    if (p.Step == 1 || p.Step == p.TotalSteps || p.Step % 5 == 0)
    {
        Console.WriteLine($"  step {p.Step,3}/{p.TotalSteps}: loss {p.Loss:F4} ({p.Elapsed.TotalSeconds:F0} s)");
    }
});
using FineTunedClassifier tuned = await FineTunedClassifier.CreateAsync(train, progress: progress);
FineTuningSummary summary = tuned.Model.Summary;
Console.WriteLine(
    $"Fine-tuned model {tuned.Model.ModelId}: {summary.Steps} steps in {summary.Duration.TotalSeconds:F0} s, loss {summary.InitialLoss:F3} → {summary.FinalLoss:F3}, "
    + $"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1 << 20)} MiB.");
Console.WriteLine($"Fine-tuned model: accuracy {await AccuracyAsync(tuned.Classifier, test):P1} ({clock.Elapsed.TotalSeconds:F0} s with training).");

// Saved: the classifier file, and beside it the tuned model it needs; loading finds and checks both.
string folder = Directory.CreateTempSubdirectory("embedclassify-finetuning-").FullName;
try
{
    string path = Path.Combine(folder, "spam.ecm");
    await tuned.SaveAsync(path);
    long bytes = new FileInfo(path).Length + Directory.GetFiles(FineTunedClassifier.ModelFolder(path)).Sum(f => new FileInfo(f).Length);
    using FineTunedClassifier loaded = await FineTunedClassifier.LoadAsync(path);
    Prediction before = await tuned.Classifier.PredictAsync(test[0].Text);
    Prediction after = await loaded.Classifier.PredictAsync(test[0].Text);
    Console.WriteLine($"Saved and loaded ({bytes / (1 << 20)} MiB on disk): the first test e-mail is '{after.Label}' both times: {before.Label == after.Label && before.Score == after.Score}.");
    return before.Label == after.Label && before.Score == after.Score ? 0 : 1;
}
finally
{
    Directory.Delete(folder, recursive: true);
}

static async Task<double> AccuracyAsync(FewShotClassifier classifier, LabeledExample[] test)
{
    IReadOnlyList<Prediction> predictions = await classifier.PredictBatchAsync(test.Select(t => t.Text));
    return (double)test.Where((t, i) => predictions[i].Label == t.Label).Count() / test.Length;
}

internal sealed record Email(string Id, string Label, string Text);

// Reports on the training thread, in step order (Progress<T> would post each report to the thread pool).
internal sealed class InlineProgress(Action<FineTuningProgress> report) : IProgress<FineTuningProgress>
{
    public void Report(FineTuningProgress value) => report(value);
}
