using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.NoEmit;
using EmbedClassify.Benchmarks.Infrastructure;
using EmbedClassify.Onnx;
using EmbedClassify.Onnx.ArcticXs;
using Microsoft.Extensions.AI;

namespace EmbedClassify.Benchmarks;

/// <summary>
/// What reading the whole text costs: both built-in models (all-MiniLM-L6-v2, snowflake-arctic-embed-xs) at float32
/// and int8, each with <see cref="OnnxEmbeddingGeneratorOptions.MaxSequenceLength"/> 256 and 512, and the two together
/// as a <see cref="MultiViewEmbeddingGenerator"/> (what a classifier with a view per model embeds with), on the same long
/// e-mails; MiniLM float32 at 256 (today's default) is the baseline.
/// </summary>
/// <remarks>
/// <para>
/// The texts are <see cref="TextCount"/> texts of at least 510 word pieces, each made of consecutive sample e-mails, so
/// every text is cut at exactly 256 or 512 tokens and the 512 rows show the cost of the length alone (twice the tokens; attention grows with
/// the square of the length, the rest of the model linearly).
/// </para>
/// <para>
/// Each generator is created on its benchmark's first call (the warm-up iteration), so a case loads only its own model.
/// One operation takes seconds: compare Ratio within one run, since separate runs on one machine vary by up to 15%.
/// </para>
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class LocalModelLengthBenchmarks
{
    private const int TextCount = 24;

    private readonly Dictionary<(bool Arctic, OnnxModelPrecision Precision, int Length), OnnxEmbeddingGenerator> _generators = [];
    private string[] _texts = [];
    private MultiViewEmbeddingGenerator? _pair;

    [GlobalSetup]
    public void Setup()
    {
        // Few sample e-mails pass 510 word pieces alone, so consecutive e-mails are joined until one text does.
        BertWordPieceEncoder encoder = OnnxEmbeddingGenerator.CreateMiniLMEncoder(lowerCase: true, OnnxEmbeddingGeneratorOptions.MaxSupportedSequenceLength);
        var texts = new List<string>(TextCount);
        string text = string.Empty;
        foreach (string email in SampleEmails.Load())
        {
            text = text.Length == 0 ? email : text + "\n\n" + email;
            if (encoder.Encode(text).Length == OnnxEmbeddingGeneratorOptions.MaxSupportedSequenceLength)
            {
                texts.Add(text);
                text = string.Empty;
                if (texts.Count == TextCount)
                {
                    break;
                }
            }
        }

        if (texts.Count < TextCount)
        {
            throw new InvalidOperationException($"The sample e-mails make only {texts.Count} texts of 512 word pieces; {TextCount} are needed.");
        }

        _texts = [.. texts];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (OnnxEmbeddingGenerator generator in _generators.Values)
        {
            generator.Dispose();
        }

        _generators.Clear();
        _pair = null;
    }

    [Benchmark(Baseline = true, Description = "MiniLM, Float32, 256")]
    public Task<GeneratedEmbeddings<Embedding<float>>> MiniLMFloat32At256() => Embed(arctic: false, OnnxModelPrecision.Float32, 256);

    [Benchmark(Description = "MiniLM, Float32, 512")]
    public Task<GeneratedEmbeddings<Embedding<float>>> MiniLMFloat32At512() => Embed(arctic: false, OnnxModelPrecision.Float32, 512);

    [Benchmark(Description = "MiniLM, Int8, 256")]
    public Task<GeneratedEmbeddings<Embedding<float>>> MiniLMInt8At256() => Embed(arctic: false, OnnxModelPrecision.Int8, 256);

    [Benchmark(Description = "MiniLM, Int8, 512")]
    public Task<GeneratedEmbeddings<Embedding<float>>> MiniLMInt8At512() => Embed(arctic: false, OnnxModelPrecision.Int8, 512);

    [Benchmark(Description = "arctic-embed-xs, Float32, 256")]
    public Task<GeneratedEmbeddings<Embedding<float>>> ArcticFloat32At256() => Embed(arctic: true, OnnxModelPrecision.Float32, 256);

    [Benchmark(Description = "arctic-embed-xs, Float32, 512")]
    public Task<GeneratedEmbeddings<Embedding<float>>> ArcticFloat32At512() => Embed(arctic: true, OnnxModelPrecision.Float32, 512);

    [Benchmark(Description = "arctic-embed-xs, Int8, 256")]
    public Task<GeneratedEmbeddings<Embedding<float>>> ArcticInt8At256() => Embed(arctic: true, OnnxModelPrecision.Int8, 256);

    [Benchmark(Description = "arctic-embed-xs, Int8, 512")]
    public Task<GeneratedEmbeddings<Embedding<float>>> ArcticInt8At512() => Embed(arctic: true, OnnxModelPrecision.Int8, 512);

    [Benchmark(Description = "MiniLM + arctic-embed-xs (two views), Float32, 256")]
    public Task<GeneratedEmbeddings<Embedding<float>>> PairFloat32At256()
    {
        // The two models run concurrently, each on the cores ONNX Runtime gives it, as a classifier's generator runs them.
        _pair ??= new MultiViewEmbeddingGenerator(Generator(arctic: false, OnnxModelPrecision.Float32, 256), Generator(arctic: true, OnnxModelPrecision.Float32, 256));
        return _pair.GenerateAsync(_texts);
    }

    private Task<GeneratedEmbeddings<Embedding<float>>> Embed(bool arctic, OnnxModelPrecision precision, int length) =>
        Generator(arctic, precision, length).GenerateAsync(_texts);

    private OnnxEmbeddingGenerator Generator(bool arctic, OnnxModelPrecision precision, int length)
    {
        if (!_generators.TryGetValue((arctic, precision, length), out OnnxEmbeddingGenerator? generator))
        {
            var options = new OnnxEmbeddingGeneratorOptions { Precision = precision, MaxSequenceLength = length };
            generator = arctic ? ArcticXsEmbeddingGenerator.Create(options) : OnnxEmbeddingGenerator.CreateDefault(options);
            _generators.Add((arctic, precision, length), generator);
        }

        return generator;
    }

    /// <summary>Adds the texts-per-second column and the job: few iterations, in this process.</summary>
    public sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(new ThroughputColumn("texts/s", "texts/s: texts embedded per second (texts per operation / Mean)", _ => TextCount * 1e9));

            // In process: a separate benchmark build rebuilds both model packages (their quantizer step) and overruns
            // BenchmarkDotNet's build timeout on a loaded machine; the code measured is the same.
            AddJob(Job.Default
                .WithStrategy(RunStrategy.Monitoring)
                .WithLaunchCount(1)
                .WithWarmupCount(1)
                .WithIterationCount(3)
                .WithToolchain(InProcessNoEmitToolchain.Instance));
        }
    }
}
