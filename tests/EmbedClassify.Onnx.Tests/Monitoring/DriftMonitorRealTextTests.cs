using System.Text.Json;

namespace EmbedClassify.Onnx.Tests;

/// <summary>
/// The drift monitor on real texts and the local model: a classifier fitted on 10 spam and 10 ham e-mails
/// (<c>samples/SpamFilter/data/emails.jsonl</c>) watches a stream of the other e-mails, then a stream where every ham
/// e-mail is replaced by a passage of a State of the Union address (<c>sotu-passages.jsonl</c> beside this file).
/// </summary>
/// <remarks>
/// Every distinct text is embedded once, in the one-time setup; a prediction depends only on its text, so a stream
/// is a seeded sequence of those predictions, fed to the monitor as a running service would feed it.
/// </remarks>
public class DriftMonitorRealTextTests
{
    private const int Runs = 5;
    private const int StreamLength = 1000;
    private const int ExamplesPerClass = 10;

    // Measured (README, "Watching for drift"): over these 5 runs the first alarm came 176, 201, 323, 285 and 225
    // predictions after the ham e-mails were replaced (the similarity check first in three runs), within one
    // default window of 500, which is the bound: a window is what the monitor promises to look at.
    private const int DetectionBound = DriftMonitorOptions.DefaultWindowSize;

    private OnnxEmbeddingGenerator _generator = null!;
    private CachingEmbeddingGenerator _cached = null!;
    private (string Text, string Label)[] _emails = [];
    private string[] _passages = [];

    [OneTimeSetUp]
    public async Task EmbedEveryTextOnce()
    {
        string root = RepositoryRoot();
        _emails =
        [
            .. File.ReadLines(Path.Combine(root, "samples", "SpamFilter", "data", "emails.jsonl"))
                .Where(line => line.Length > 0)
                .Select(line => JsonDocument.Parse(line).RootElement)
                .Select(e => (e.GetProperty("text").GetString()!, e.GetProperty("label").GetString()!)),
        ];
        _passages =
        [
            .. File.ReadLines(Path.Combine(root, "tests", "EmbedClassify.Onnx.Tests", "Monitoring", "sotu-passages.jsonl"))
                .Where(line => line.Length > 0)
                .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()!),
        ];
        _generator = OnnxEmbeddingGenerator.CreateDefault();
        _cached = new CachingEmbeddingGenerator(_generator, new InMemoryEmbeddingCacheStore());
        _ = await _cached.GenerateAsync([.. _emails.Select(e => e.Text), .. _passages]);
    }

    [OneTimeTearDown]
    public void Dispose()
    {
        _cached.Dispose();
        _generator.Dispose();
    }

    [Test]
    public async Task AStreamFromTheSameCollection_RaisesNothing_In1000Predictions()
    {
        for (int run = 0; run < Runs; run++)
        {
            (DriftMonitor monitor, Prediction[] emails, _, int[] spam, int[] ham) = await Setup(run);
            using (monitor)
            {
                var raised = new List<DriftDetectedEventArgs>();
                monitor.DriftDetected += (_, e) => raised.Add(e);
                var random = new Random(100 + run);

                for (int i = 0; i < StreamLength; i++)
                {
                    // The collection's own mix, one held-out e-mail after another (with replacement).
                    int[] from = random.Next(2) == 0 ? spam : ham;
                    monitor.Observe(emails[from[random.Next(from.Length)]]);
                }

                DriftSnapshot s = monitor.GetSnapshot();
                TestContext.Out.WriteLine(
                    $"run {run}: shift {s.SimilarityShift:F2} (threshold {s.SimilarityShiftThreshold:F2}), unknown {s.UnknownShare:F3} " +
                    $"(threshold {s.UnknownShareThreshold:F3}), confidence {s.MeanConfidence:F3} (threshold {s.MeanConfidenceThreshold:F3}), " +
                    $"chi-square {s.ClassMixChiSquare:F1} (threshold {s.ClassMixChiSquareThreshold:F1})");
                Assert.That(raised, Is.Empty, $"run {run}: " + string.Join("; ", raised.Select(e => $"{e.Signal} {e.Value:F3} vs {e.Threshold:F3} at {e.TotalCount}")));
            }
        }
    }

    [Test]
    public async Task AStreamWhoseHamIsReplacedByAnotherCollection_RaisesWithinTheMeasuredBound()
    {
        var delays = new List<int>();
        for (int run = 0; run < Runs; run++)
        {
            (DriftMonitor monitor, Prediction[] emails, Prediction[] passages, int[] spam, int[] ham) = await Setup(run);
            using (monitor)
            {
                var raised = new List<DriftDetectedEventArgs>();
                monitor.DriftDetected += (_, e) => raised.Add(e);
                var random = new Random(200 + run);

                // A first window of the usual stream (the baseline), then the ham e-mails stop and speeches arrive instead.
                for (int i = 0; i < DriftMonitorOptions.DefaultWindowSize; i++)
                {
                    int[] from = random.Next(2) == 0 ? spam : ham;
                    monitor.Observe(emails[from[random.Next(from.Length)]]);
                }

                Assert.That(raised, Is.Empty, $"run {run}: nothing before the drift");
                int delay = 0;
                while (raised.Count == 0 && delay < StreamLength)
                {
                    monitor.Observe(random.Next(2) == 0 ? emails[spam[random.Next(spam.Length)]] : passages[random.Next(passages.Length)]);
                    delay++;
                }

                delays.Add(delay);
                for (int i = 0; i < DriftMonitorOptions.DefaultWindowSize; i++)
                {
                    monitor.Observe(random.Next(2) == 0 ? emails[spam[random.Next(spam.Length)]] : passages[random.Next(passages.Length)]);
                }

                DriftSnapshot s = monitor.GetSnapshot();
                TestContext.Out.WriteLine($"run {run}: first alarm after {delay} drifted predictions; alarms: " +
                    string.Join("; ", raised.Select(e => $"{e.Signal} {e.Value:F3} vs {e.Threshold:F3} at +{e.TotalCount - DriftMonitorOptions.DefaultWindowSize}")) +
                    $"; a window later: shift {s.SimilarityShift:F2} (threshold {s.SimilarityShiftThreshold:F2}), unknown {s.UnknownShare:F3} " +
                    $"(threshold {s.UnknownShareThreshold:F3}), confidence {s.MeanConfidence:F3} (threshold {s.MeanConfidenceThreshold:F3}), " +
                    $"chi-square {s.ClassMixChiSquare:F1} (threshold {s.ClassMixChiSquareThreshold:F1})");
            }
        }

        Assert.That(delays, Has.All.LessThanOrEqualTo(DetectionBound));
    }

    /// <summary>Fits the run's classifier on 10 seeded e-mails per class and predicts every text once.</summary>
    private async Task<(DriftMonitor Monitor, Prediction[] Emails, Prediction[] Passages, int[] Spam, int[] Ham)> Setup(int run)
    {
        var random = new Random(run);
        int[] order = [.. Enumerable.Range(0, _emails.Length)];
        random.Shuffle(order);
        int[] chosen = [.. order.Where(i => _emails[i].Label == "spam").Take(ExamplesPerClass), .. order.Where(i => _emails[i].Label == "ham").Take(ExamplesPerClass)];
        var options = new FewShotClassifierOptions { DetectUnknown = true };
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(_cached, chosen.Select(i => new LabeledExample(_emails[i].Text, _emails[i].Label)), options);
        Prediction[] emails = [.. await classifier.PredictBatchAsync(_emails.Select(e => e.Text))];
        Prediction[] passages = [.. await classifier.PredictBatchAsync(_passages)];
        int[] heldOut = [.. Enumerable.Range(0, _emails.Length).Except(chosen)];
        return (
            new DriftMonitor(classifier),
            emails,
            passages,
            [.. heldOut.Where(i => _emails[i].Label == "spam")],
            [.. heldOut.Where(i => _emails[i].Label == "ham")]);
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "EmbedClassify.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No EmbedClassify.sln above '{AppContext.BaseDirectory}'.");
    }
}
