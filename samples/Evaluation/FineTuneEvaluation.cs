using System.Diagnostics;
using System.Globalization;
using EmbedClassify.FineTuning;
using EmbedClassify.Onnx;
using Microsoft.Extensions.AI;

namespace EmbedClassify.Samples;

/// <summary>
/// Frozen against fine-tuned, paired on the same seeded draws: each draw takes n examples per class for training and
/// up to <c>maxTest</c> of the rest (stratified) for testing; the classifier's defaults run once on the built-in model's
/// vectors (from the cache) and once on a model fine-tuned on the draw's examples. Prints each draw and the mean paired
/// difference with its 95% t-interval, training time and peak working set. With <c>estimate</c>, each draw also runs
/// <see cref="FineTunedClassifier.EstimateGainAsync"/> on its training examples alone (what a user can compute before
/// deciding) and prints it beside the gain on the test texts, then how often the two agree and what following the
/// estimate's sign would have scored.
/// </summary>
internal static class FineTuneEvaluation
{
    public static async Task RunAsync(
        LabeledExample[] data,
        IEmbeddingGenerator<string, Embedding<float>> frozen,
        int[] sizes,
        int draws,
        int seed,
        int maxTest,
        int? trainedLayers,
        int pairIterations,
        bool estimate)
    {
        string[] labels = [.. data.Select(d => d.Label).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        Console.WriteLine($"Fine-tuning vs frozen (classifier defaults), {draws} draws, seed {seed}, at most {maxTest} test texts a draw, trained layers: {trainedLayers?.ToString(CultureInfo.InvariantCulture) ?? "all + embeddings"}, R = {pairIterations}.");
        foreach (int n in sizes)
        {
            var differences = new List<double>();
            double frozenSum = 0, tunedSum = 0, trainSeconds = 0;
            var estimates = new List<double>();
            var chosen = new List<double>();
            for (int draw = 0; draw < draws; draw++)
            {
                // Not HashCode.Combine: it is seeded per process, and the draws must be the same in every run.
                var random = new Random(unchecked((seed * 1_000_003) + (n * 1_009) + draw));
                var train = new List<LabeledExample>();
                var rest = new List<LabeledExample>();
                foreach (string label in labels)
                {
                    LabeledExample[] members = [.. data.Where(d => d.Label == label)];
                    random.Shuffle(members);
                    train.AddRange(members.Take(n));
                    rest.AddRange(members.Skip(n));
                }

                LabeledExample[] test = [.. rest];
                random.Shuffle(test);
                test = [.. test.Take(maxTest)];

                double frozenAccuracy = await AccuracyAsync(frozen, train, test);
                var options = new FineTuningOptions { Seed = draw, TrainedLayers = trainedLayers, PairIterations = pairIterations };
                FineTuningGainEstimate? guess = null;
                if (estimate)
                {
                    var estimateClock = Stopwatch.StartNew();
                    guess = await FineTunedClassifier.EstimateGainAsync(train, options, frozenGenerator: frozen);
                    Console.WriteLine(
                        $"  n = {n,2} draw {draw}: estimate on the {guess.HeldOutCount} examples: frozen {guess.FrozenAccuracy:F3} → tuned {guess.TunedAccuracy:F3} "
                        + $"({Signed(guess.Difference)} [{Signed(guess.DifferenceLow)}, {Signed(guess.DifferenceHigh)}]) in {estimateClock.Elapsed.TotalSeconds:F0} s");
                }

                var clock = Stopwatch.StartNew();
                FineTunedModel model = await FineTunedModel.TrainAsync(train, options);
                double seconds = clock.Elapsed.TotalSeconds;
                using OnnxEmbeddingGenerator tuned = model.CreateGenerator();
                double tunedAccuracy = await AccuracyAsync(tuned, train, test);
                double embedSeconds = clock.Elapsed.TotalSeconds - seconds;

                differences.Add(tunedAccuracy - frozenAccuracy);
                if (guess is not null)
                {
                    estimates.Add(guess.Difference);
                    chosen.Add(guess.Difference > 0 ? tunedAccuracy : frozenAccuracy);
                }

                frozenSum += frozenAccuracy;
                tunedSum += tunedAccuracy;
                trainSeconds += seconds;
                Console.WriteLine(
                    $"  n = {n,2} draw {draw}: frozen {frozenAccuracy:F3} → tuned {tunedAccuracy:F3} ({Signed(tunedAccuracy - frozenAccuracy)}), "
                    + $"{model.Summary.Steps} steps in {seconds:F0} s, loss {model.Summary.InitialLoss:F3} → {model.Summary.FinalLoss:F3}, "
                    + $"{test.Length} test texts embedded in {embedSeconds:F0} s, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1 << 20)} MiB");
            }

            double mean = differences.Average();
            double sd = Math.Sqrt(differences.Sum(d => (d - mean) * (d - mean)) / Math.Max(1, differences.Count - 1));
            double half = TCritical(differences.Count - 1) * sd / Math.Sqrt(differences.Count);
            Console.WriteLine(
                $"n = {n}: frozen {frozenSum / draws:F3}, tuned {tunedSum / draws:F3}, paired difference {Signed(mean)} [{Signed(mean - half)}, {Signed(mean + half)}], "
                + $"training {trainSeconds / draws:F0} s a draw");
            if (estimates.Count > 0)
            {
                int agree = estimates.Zip(differences).Count(p => Math.Sign(Math.Round(p.First, 6)) == Math.Sign(Math.Round(p.Second, 6)));
                Console.WriteLine(
                    $"n = {n}: estimate mean {Signed(estimates.Average())}, sign agrees with the test gain in {agree} of {estimates.Count} draws, "
                    + $"tuning only where the estimate is above 0 scores {chosen.Average():F3} (always {tunedSum / draws:F3}, never {frozenSum / draws:F3})");
            }
        }
    }

    private static async Task<double> AccuracyAsync(IEmbeddingGenerator<string, Embedding<float>> generator, List<LabeledExample> train, LabeledExample[] test)
    {
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(generator, train);
        IReadOnlyList<Prediction> predictions = await classifier.PredictBatchAsync(test.Select(t => t.Text));
        int correct = 0;
        for (int i = 0; i < test.Length; i++)
        {
            correct += predictions[i].Label == test[i].Label ? 1 : 0;
        }

        return (double)correct / test.Length;
    }

    /// <summary>Three decimals with a sign; a value that rounds to zero prints as +0.000 (a custom format gave "-+0.000").</summary>
    private static string Signed(double value)
    {
        double rounded = Math.Round(value, 3);
        return (rounded == 0 ? 0 : rounded).ToString("+0.000;-0.000", CultureInfo.InvariantCulture);
    }

    private static double TCritical(int degrees) => degrees switch
    {
        <= 0 => double.NaN,
        1 => 12.706,
        2 => 4.303,
        3 => 3.182,
        4 => 2.776,
        5 => 2.571,
        6 => 2.447,
        7 => 2.365,
        8 => 2.306,
        9 => 2.262,
        < 20 => 2.145,
        _ => 2.093,
    };
}
