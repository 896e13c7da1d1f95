// The labelling loop, simulated: start from the label names (or one example per class), label the texts the classifier
// suggests (with the collection's own labels), refit, repeat; random picks from the same pool are the baseline. Also
// measures how honest the zero-shot probabilities are, and the cost of suggesting from a large pool.
using System.Diagnostics;
using System.Globalization;
using EmbedClassify;
using Microsoft.Extensions.AI;

internal static class LabellingLoop
{
    /// <summary>Runs the loop simulation and prints accuracy against labels spent, suggested vs random.</summary>
    public static async Task RunAsync(LabeledExample[] data, IEmbeddingGenerator<string, Embedding<float>> cached, int repetitions, int seed, int maxTest, int perClass)
    {
        var stopwatch = Stopwatch.StartNew();

        // Every vector once from the cache, then served from memory: the loop refits hundreds of times.
        string[] distinct = [.. data.Select(d => d.Text).Distinct(StringComparer.Ordinal)];
        GeneratedEmbeddings<Embedding<float>> embedded = await cached.GenerateAsync(distinct);
        var vectorOf = new Dictionary<string, ReadOnlyMemory<float>>(StringComparer.Ordinal);
        for (int i = 0; i < distinct.Length; i++)
        {
            vectorOf[distinct[i]] = embedded[i].Vector;
        }

        using var generator = new MemoryGenerator(vectorOf, cached);
        string[] labels = [.. data.Select(d => d.Label).Distinct(StringComparer.Ordinal)];
        int k = labels.Length;

        await ZeroShotCalibrationAsync(data, generator, labels);

        int rounds = perClass;
        // [start][strategy][run][round] accuracy; round r has spent (start == 0 ? r : r + 1) * k labels.
        var accuracy = new double[2, 2, repetitions, rounds + 1];
        var fixedN = new double[3, repetitions];
        var uncoveredShare = new List<double>();
        for (int run = 0; run < repetitions; run++)
        {
            var random = new Random(seed + run);
            LabeledExample[] shuffled = [.. data.OrderBy(_ => random.Next())];
            LabeledExample[] test = [.. shuffled.Take(Math.Min(maxTest, data.Length / 3))];
            LabeledExample[] pool = [.. shuffled.Skip(test.Length)];

            // n = 0, 1, 2 examples per class, stratified, for the table beside the loop.
            fixedN[0, run] = await AccuracyAsync(await FewShotClassifier.CreateFromDescriptionsAsync(generator, labels), test);
            for (int n = 1; n <= 2; n++)
            {
                LabeledExample[] drawn = [.. pool.GroupBy(e => e.Label).SelectMany(g => g.Take(n))];
                fixedN[n, run] = await AccuracyAsync(await FewShotClassifier.CreateAsync(generator, drawn), test);
            }

            LabeledExample[] firstPerClass = [.. pool.GroupBy(e => e.Label).Select(g => g.First())];
            for (int start = 0; start < 2; start++)
            {
                for (int strategy = 0; strategy < 2; strategy++)
                {
                    FewShotClassifier classifier = start == 0
                        ? await FewShotClassifier.CreateFromDescriptionsAsync(generator, labels)
                        : await FewShotClassifier.CreateAsync(generator, firstPerClass);
                    var labelled = new HashSet<string>(start == 0 ? [] : firstPerClass.Select(e => e.Text), StringComparer.Ordinal);
                    var pickRandom = new Random(seed * 7919 + run);
                    accuracy[start, strategy, run, 0] = await AccuracyAsync(classifier, test);
                    int lastRound = start == 0 ? rounds : rounds - 1;
                    for (int round = 1; round <= lastRound; round++)
                    {
                        LabeledExample[] remaining = [.. pool.Where(e => !labelled.Contains(e.Text))];
                        LabeledExample[] picked;
                        if (strategy == 0)
                        {
                            string[] texts = [.. remaining.Select(e => e.Text)];
                            IReadOnlyList<LabelingSuggestion> suggestions = classifier.SuggestExamplesToLabel(texts, [.. texts.Select(t => vectorOf[t])], k);
                            picked = [.. suggestions.Select(s => remaining[s.Index])];
                            uncoveredShare.Add(suggestions.Count(s => s.Reason == SuggestionReason.Uncovered) / (double)suggestions.Count);
                        }
                        else
                        {
                            picked = [.. remaining.OrderBy(_ => pickRandom.Next()).Take(k)];
                        }

                        foreach (LabeledExample e in picked)
                        {
                            labelled.Add(e.Text);
                        }

                        classifier = await classifier.AddExamplesAsync(picked);
                        accuracy[start, strategy, run, round] = await AccuracyAsync(classifier, test);
                    }
                }
            }

            Console.Error.Write($"\rrun {run + 1}/{repetitions} ({stopwatch.Elapsed.TotalSeconds:F0} s)");
        }

        Console.Error.WriteLine();
        Console.WriteLine();
        Console.WriteLine($"Fixed draws, mean of {repetitions} [95% interval]: n = 0 (label names) {Summary(fixedN, 0)}, n = 1 {Summary(fixedN, 1)}, n = 2 {Summary(fixedN, 2)}");
        Console.WriteLine();
        Console.WriteLine($"Labelling loop ({k} labels a round, {repetitions} seeded runs, test {Math.Min(maxTest, data.Length / 3)} texts): accuracy against labels spent");
        Console.WriteLine($"{"labels (per class)",-20}{"from names: suggested",24}{"random",24}{"from 1/class: suggested",26}{"random",24}");
        for (int round = 0; round <= rounds; round++)
        {
            int spent = round * k;
            string fromNames = $"{Mean(accuracy, 0, 0, round),24}{Mean(accuracy, 0, 1, round),24}";
            string fromOne = round == 0 ? $"{"",26}{"",24}" : $"{Mean(accuracy, 1, 0, round - 1),26}{Mean(accuracy, 1, 1, round - 1),24}";
            Console.WriteLine($"{spent + " (" + round + ")",-20}{fromNames}{fromOne}");
        }

        Console.WriteLine($"Share of suggestions chosen as 'uncovered': {uncoveredShare.DefaultIfEmpty().Average():F2}");
        for (int start = 0; start < 2; start++)
        {
            int lastRound = start == 0 ? rounds : rounds - 1;
            double target = MeanValue(accuracy, start, 1, lastRound);
            int reached = Enumerable.Range(0, lastRound + 1).FirstOrDefault(r => MeanValue(accuracy, start, 0, r) >= target, -1);
            string startName = start == 0 ? "from names" : "from 1/class";
            string reachedText = reached < 0
                ? $"suggested picks do not reach it within {rounds * k} labels"
                : $"suggested picks reach it at {(reached + start) * k} labels ({reached + start} per class): {(rounds - reached - start) * k} labels saved";
            Console.WriteLine($"{startName}: random picks reach {target:F3} at {rounds * k} labels ({rounds} per class); {reachedText}.");
        }

        Console.WriteLine($"Loop simulated in {stopwatch.Elapsed.TotalSeconds:F1} s.");
    }

    /// <summary>
    /// Prints how honest the zero-shot probabilities are on the whole collection: accuracy, negative log-likelihood and
    /// expected calibration error at the shipped scales, and the scales that would fit this collection best.
    /// </summary>
    private static async Task ZeroShotCalibrationAsync(LabeledExample[] data, IEmbeddingGenerator<string, Embedding<float>> generator, string[] labels)
    {
        FewShotClassifier zeroShot = await FewShotClassifier.CreateFromDescriptionsAsync(generator, labels);
        Dictionary<string, int> classOf = labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => zeroShot.Labels.ToList().IndexOf(p.l), StringComparer.Ordinal);
        var embeddingSims = new float[data.Length][];
        var wordSims = new float[data.Length][];
        var truth = new int[data.Length];
        for (int i = 0; i < data.Length; i++)
        {
            PredictionExplanation explanation = await zeroShot.ExplainAsync(data[i].Text);
            embeddingSims[i] = [.. explanation.Views[0].Similarities.Select(s => s.Score)];
            wordSims[i] = explanation.Views.Count > 1 ? [.. explanation.Views[1].Similarities.Select(s => s.Score)] : new float[labels.Length];
            truth[i] = classOf[data[i].Label];
        }

        float shippedA = zeroShot.Views[0].Scale, shippedB = zeroShot.Views.Count > 1 ? zeroShot.Views[1].Scale : 0;
        (double nll, double ece, double acc) = Score(embeddingSims, wordSims, truth, shippedA, shippedB);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Zero-shot (label names) on all {data.Length} texts at the shipped scales ({shippedA}, {shippedB}): accuracy {acc:F3}, NLL {nll:F3} (uniform {Math.Log(labels.Length):F3}), ECE {ece:F3}"));
        double bestNll = double.MaxValue;
        (float A, float B) best = default;
        var grid = new List<string>();
        foreach (float a in new float[] { 2, 4, 6, 8, 10, 12, 16, 20, 25, 30, 40 })
        {
            foreach (float b in new float[] { 0, 1, 2, 4, 8 })
            {
                (double gridNll, double gridEce, _) = Score(embeddingSims, wordSims, truth, a, b);
                grid.Add(string.Create(CultureInfo.InvariantCulture, $"{a}/{b}:{gridNll:F3}/{gridEce:F3}"));
                if (gridNll < bestNll)
                {
                    bestNll = gridNll;
                    best = (a, b);
                }
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  best scales on this collection: {best.A}, {best.B} (NLL {bestNll:F3}); grid embedding/word:NLL/ECE {string.Join(" ", grid)}"));
    }

    private static (double Nll, double Ece, double Accuracy) Score(float[][] embedding, float[][] words, int[] truth, float a, float b)
    {
        int classes = embedding[0].Length;
        double nll = 0;
        int correct = 0;
        var binCount = new int[10];
        var binConfidence = new double[10];
        var binCorrect = new double[10];
        var logits = new double[classes];
        for (int i = 0; i < truth.Length; i++)
        {
            double max = double.NegativeInfinity;
            for (int c = 0; c < classes; c++)
            {
                logits[c] = (a * embedding[i][c]) + (b * words[i][c]);
                max = Math.Max(max, logits[c]);
            }

            double sum = 0;
            int top = 0;
            for (int c = 0; c < classes; c++)
            {
                sum += Math.Exp(logits[c] - max);
                top = logits[c] > logits[top] ? c : top;
            }

            nll -= logits[truth[i]] - max - Math.Log(sum);
            double confidence = 1 / sum;
            int bin = Math.Min(9, (int)(confidence * 10));
            binCount[bin]++;
            binConfidence[bin] += confidence;
            binCorrect[bin] += top == truth[i] ? 1 : 0;
            correct += top == truth[i] ? 1 : 0;
        }

        double ece = 0;
        for (int bin = 0; bin < 10; bin++)
        {
            ece += binCount[bin] == 0 ? 0 : Math.Abs(binConfidence[bin] - binCorrect[bin]) / truth.Length;
        }

        return (nll / truth.Length, ece, correct / (double)truth.Length);
    }

    /// <summary>Times suggestions from a pool of <paramref name="size"/> texts whose vectors are already known.</summary>
    public static async Task MeasureScaleAsync(LabeledExample[] data, IEmbeddingGenerator<string, Embedding<float>> cached, int size, int count)
    {
        string[] distinct = [.. data.Select(d => d.Text).Distinct(StringComparer.Ordinal)];
        GeneratedEmbeddings<Embedding<float>> embedded = await cached.GenerateAsync(distinct);
        var random = new Random(1);
        LabeledExample[] examples = [.. data.GroupBy(d => d.Label).SelectMany(g => g.Take(5))];
        var vectorOf = distinct.Select((t, i) => (t, embedded[i].Vector)).ToDictionary(p => p.t, p => p.Vector, StringComparer.Ordinal);
        using var generator = new MemoryGenerator(vectorOf, cached);
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(generator, examples);

        // Distinct texts and vectors: collection texts with a number, their vectors jittered.
        var texts = new string[size];
        var vectors = new ReadOnlyMemory<float>[size];
        for (int i = 0; i < size; i++)
        {
            int source = i % distinct.Length;
            texts[i] = $"{distinct[source]} #{i}";
            float[] v = embedded[source].Vector.ToArray();
            for (int d = 0; d < v.Length; d++)
            {
                v[d] += (float)((random.NextDouble() - 0.5) * 0.02);
            }

            vectors[i] = v;
        }

        // The smallest size first, twice: the first pass pays for JIT compilation, which is not the cost being measured.
        foreach (int n in new[] { size / 100, size / 100, size / 10, size })
        {
            var stopwatch = Stopwatch.StartNew();
            IReadOnlyList<LabelingSuggestion> suggestions = classifier.SuggestExamplesToLabel(texts[..n], vectors[..n], count);
            Console.WriteLine($"suggest {suggestions.Count} of {n} texts ({classifier.Labels.Count} classes, {classifier.Model.ExampleCount} examples): {stopwatch.Elapsed.TotalSeconds:F2} s, {GC.GetTotalMemory(false) / 1_000_000} MB managed");
        }
    }

    private static async Task<double> AccuracyAsync(FewShotClassifier classifier, LabeledExample[] test)
    {
        IReadOnlyList<Prediction> predictions = await classifier.PredictBatchAsync(test.Select(t => t.Text));
        return predictions.Where((p, i) => p.Label == test[i].Label).Count() / (double)test.Length;
    }

    private static double MeanValue(double[,,,] accuracy, int start, int strategy, int round)
    {
        double sum = 0;
        int runs = accuracy.GetLength(2);
        for (int run = 0; run < runs; run++)
        {
            sum += accuracy[start, strategy, run, round];
        }

        return sum / runs;
    }

    private static string Mean(double[,,,] accuracy, int start, int strategy, int round)
    {
        int runs = accuracy.GetLength(2);
        double[] values = [.. Enumerable.Range(0, runs).Select(r => accuracy[start, strategy, r, round])];
        return Interval(values);
    }

    private static string Summary(double[,] values, int n) => Interval([.. Enumerable.Range(0, values.GetLength(1)).Select(r => values[n, r])]);

    private static string Interval(double[] values)
    {
        double mean = values.Average();
        double sd = values.Length > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1)) : 0;
        double half = 1.96 * sd / Math.Sqrt(values.Length);
        return string.Create(CultureInfo.InvariantCulture, $"{mean:F3} [{mean - half:F3}, {mean + half:F3}]");
    }

    /// <summary>Serves vectors already known; others (label names) come from the cached generator once.</summary>
    private sealed class MemoryGenerator(Dictionary<string, ReadOnlyMemory<float>> vectors, IEmbeddingGenerator<string, Embedding<float>> fallback)
        : IEmbeddingGenerator<string, Embedding<float>>
    {
        public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            string[] texts = [.. values];
            string[] missing = [.. texts.Where(t => !vectors.ContainsKey(t)).Distinct(StringComparer.Ordinal)];
            if (missing.Length > 0)
            {
                GeneratedEmbeddings<Embedding<float>> fetched = await fallback.GenerateAsync(missing, options, cancellationToken);
                lock (vectors)
                {
                    for (int i = 0; i < missing.Length; i++)
                    {
                        vectors[missing[i]] = fetched[i].Vector;
                    }
                }
            }

            return new GeneratedEmbeddings<Embedding<float>>(texts.Select(t => new Embedding<float>(vectors[t])));
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => fallback.GetService(serviceType, serviceKey);

        public void Dispose()
        {
        }
    }
}
