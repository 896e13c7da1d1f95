using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using EmbedClassify.Benchmarks.Infrastructure;

namespace EmbedClassify.Benchmarks;

/// <summary>
/// Fit cost at scale: what a user pays between handing over examples and getting calibrated predictions. Every case
/// embeds through <see cref="HashEmbeddingGenerator"/> (384 dimensions, vectors from a hash of the text, no model), so the
/// times are EmbedClassify's own. The baseline is the cheapest fit there is, a plain nearest-centroid
/// <see cref="EmbeddingClassifier"/> on the 100,000 vectors of case (b) without any calibration: a fit that grows
/// linearly in the examples, against which the other rows' Ratio says how far from linear-time floor they are.
/// </summary>
/// <remarks>
/// Cases: (a) <see cref="FewShotClassifier"/> (the defaults: embedding and word views, label names) on 20,000 examples over 100 classes plus 20,000 unlabelled texts (fit,
/// leave-one-out temperatures, refinement); (b) the same on 100,000 examples over 100 classes, no unlabelled texts;
/// (c) 10,000 classes of one 16-word example each (the word view's term × class storage); (d) the
/// <see cref="EmbeddingClassifier.Temperature"/> of a nearest-centroid classifier on the 100,000 vectors of (b), fit
/// included (what the first <c>PredictProbabilities</c> costs). Texts are 12 words (16 in (c)) from
/// <see cref="FitData"/>. One operation is seconds long, so the job is short: one launch, one warm-up, three
/// measured iterations.
/// </remarks>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class FitBenchmarks
{
    public const int Dimensions = 384;

    private readonly HashEmbeddingGenerator _generator = new(Dimensions);
    private LabeledExample[] _examples20K = [];
    private string[] _unlabeled20K = [];
    private LabeledExample[] _examples100K = [];
    private LabeledEmbedding[] _vectors100K = [];
    private LabeledExample[] _singletons10K = [];

    [GlobalSetup]
    public void Setup()
    {
        _examples20K = FitData.Examples(20_000, 100, 12);
        _unlabeled20K = FitData.Unlabeled(20_000, 100, 12);
        _examples100K = FitData.Examples(100_000, 100, 12);
        _vectors100K = [.. _examples100K.Select(e => new LabeledEmbedding(e.Label, HashEmbeddingGenerator.Embed(e.Text, Dimensions)))];
        _singletons10K = FitData.Examples(10_000, 10_000, 16);
    }

    [Benchmark(Baseline = true, Description = "Nearest-centroid fit, 100,000 vectors, no calibration")]
    public EmbeddingClassifier NearestCentroidFit() => EmbeddingClassifier.Fit(_vectors100K);

    [Benchmark(Description = "(a) FewShotClassifier, 20,000 examples + 20,000 unlabelled")]
    public Task<FewShotClassifier> Hybrid20KWithUnlabeled() => FewShotClassifier.CreateAsync(_generator, _examples20K, _unlabeled20K);

    [Benchmark(Description = "(b) FewShotClassifier, 100,000 examples × 100 classes")]
    public Task<FewShotClassifier> Hybrid100K() => FewShotClassifier.CreateAsync(_generator, _examples100K);

    [Benchmark(Description = "(c) FewShotClassifier, 10,000 classes × 1 example")]
    public Task<FewShotClassifier> Hybrid10KClasses() => FewShotClassifier.CreateAsync(_generator, _singletons10K);

    [Benchmark(Description = "(d) Temperature, 100,000 vectors (fit included)")]
    public float Temperature100K() => EmbeddingClassifier.Fit(_vectors100K).Temperature;

    /// <summary>
    /// Runs one case once outside BenchmarkDotNet, building only that case's data, and prints its time, managed bytes
    /// allocated and the process's peak working set, so <c>/usr/bin/time -v</c> around it gives the case's peak memory.
    /// </summary>
    /// <param name="name">a, b, c, d or baseline.</param>
    /// <returns>The process exit code.</returns>
    public static async Task<int> RunOnce(string name)
    {
        var benchmarks = new FitBenchmarks();
        Func<Task<object>> run;
        switch (name)
        {
            case "a":
                benchmarks._examples20K = FitData.Examples(20_000, 100, 12);
                benchmarks._unlabeled20K = FitData.Unlabeled(20_000, 100, 12);
                run = async () => await benchmarks.Hybrid20KWithUnlabeled().ConfigureAwait(false);
                break;
            case "b":
                benchmarks._examples100K = FitData.Examples(100_000, 100, 12);
                run = async () => await benchmarks.Hybrid100K().ConfigureAwait(false);
                break;
            case "c":
                benchmarks._singletons10K = FitData.Examples(10_000, 10_000, 16);
                run = async () => await benchmarks.Hybrid10KClasses().ConfigureAwait(false);
                break;
            case "d" or "baseline":
                benchmarks._vectors100K = [.. FitData.Examples(100_000, 100, 12).Select(e => new LabeledEmbedding(e.Label, HashEmbeddingGenerator.Embed(e.Text, Dimensions)))];
                run = name == "d" ? () => Task.FromResult<object>(benchmarks.Temperature100K()) : () => Task.FromResult<object>(benchmarks.NearestCentroidFit());
                break;
            default:
                Console.Error.WriteLine($"Unknown case '{name}': use a, b, c, d or baseline.");
                return 2;
        }

        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var stopwatch = Stopwatch.StartNew();
        object result = await run().ConfigureAwait(false);
        stopwatch.Stop();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        using var process = Process.GetCurrentProcess();
        Console.WriteLine(
            $"case {name}: {stopwatch.Elapsed.TotalSeconds:F2} s, {allocated / (1024.0 * 1024 * 1024):F2} GiB allocated, " +
            $"peak working set {process.PeakWorkingSet64 / (1024.0 * 1024):F0} MiB ({result})");
        return 0;
    }
}
