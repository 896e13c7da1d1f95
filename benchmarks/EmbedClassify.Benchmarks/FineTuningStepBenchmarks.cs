using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using EmbedClassify.FineTuning;

namespace EmbedClassify.Benchmarks;

/// <summary>
/// One SetFit training step of the C# trainer (forward in training mode, CosineSimilarityLoss, backward, AdamW) on
/// all-MiniLM-L6-v2's shape with random weights: 32 sequences (SetFit's 16 pairs) of <see cref="Tokens"/> tokens.
/// Every parameter training [Baseline] against only the top 2 layers (embeddings frozen).
/// </summary>
/// <remarks>
/// A step takes seconds, so the monitoring strategy with few iterations keeps a run short; read Ratio within one
/// run. The weights are random (N(0, 0.02²), BERT's initialisation): cost does not depend on their values. The vector
/// length is MiniLM's fixed 384, so there is no [Params] over lengths; sequence length is the size that matters.
/// </remarks>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class FineTuningStepBenchmarks
{
    private const int Sequences = 32;

    private Trainer _full = null!;
    private Trainer _topTwo = null!;

    /// <summary>Gets or sets the tokens per sequence, [CLS] and [SEP] included: short texts, and SetFit's 128 cap.</summary>
    [Params(20, 128)]
    public int Tokens { get; set; } = 20;

    [GlobalSetup]
    public void Setup()
    {
        BertConfiguration configuration = BertConfiguration.MiniLML6;
        var random = new Random(42);
        var weights = new BertWeights(configuration);
        foreach ((string name, float[] values) in weights.Parameters())
        {
            if (name.EndsWith("LayerNorm.weight", StringComparison.Ordinal))
            {
                Array.Fill(values, 1f);
            }
            else if (!name.EndsWith("bias", StringComparison.Ordinal))
            {
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = (float)(0.02 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
                }
            }
        }

        int[][] ids = new int[Sequences][];
        for (int s = 0; s < Sequences; s++)
        {
            ids[s] = new int[Tokens];
            ids[s][0] = 101;
            ids[s][^1] = 102;
            for (int t = 1; t < Tokens - 1; t++)
            {
                ids[s][t] = 1000 + random.Next(configuration.VocabularySize - 1000);
            }
        }

        var pairs = new SentencePair[Sequences / 2];
        for (int p = 0; p < pairs.Length; p++)
        {
            pairs[p] = new SentencePair(2 * p, 2 * p + 1, p % 2);
        }

        TokenBatch batch = TokenBatch.Create(configuration, ids);
        _full = new Trainer(weights, batch, pairs, BertTrainingScope.All(configuration));
        _topTwo = new Trainer(weights, batch, pairs, new BertTrainingScope(configuration, 2, trainEmbeddings: false));
    }

    [Benchmark(Baseline = true, Description = "step, every parameter trains")]
    public double FullStep() => _full.Step();

    [Benchmark(Description = "step, top 2 layers train")]
    public double TopTwoLayersStep() => _topTwo.Step();

    /// <summary>Runs one step (of each scope) and prints the activation cache's peak bytes, for the results file.</summary>
    public static void PrintCacheBytes(int tokens)
    {
        var benchmarks = new FineTuningStepBenchmarks { Tokens = tokens };
        benchmarks.Setup();
        benchmarks.FullStep();
        benchmarks.TopTwoLayersStep();
        Console.WriteLine($"tokens {tokens}: activation cache {benchmarks._full.CacheBytes:N0} bytes (every parameter), {benchmarks._topTwo.CacheBytes:N0} bytes (top 2 layers); optimizer moments {benchmarks._full.MomentBytes:N0} / {benchmarks._topTwo.MomentBytes:N0} bytes");
    }

    private sealed class Trainer(BertWeights weights, TokenBatch batch, SentencePair[] pairs, BertTrainingScope scope)
    {
        private readonly BertActivationCache _cache = new(weights.Configuration);
        private readonly BertGradients _gradients = new(weights.Configuration);
        private readonly AdamW _optimizer = new(weights, scope);
        private readonly float[] _pooled = new float[batch.Count * weights.Configuration.HiddenSize];
        private readonly float[] _pooledGradient = new float[batch.Count * weights.Configuration.HiddenSize];

        public long CacheBytes => _cache.Bytes;

        public long MomentBytes => _optimizer.MomentBytes;

        public double Step()
        {
            _gradients.Clear();
            BertEncoder.ForwardTraining(weights, batch, scope, _cache, _pooled);
            double loss = CosineSimilarityLoss.Compute(_pooled, weights.Configuration.HiddenSize, pairs, _pooledGradient);
            BertEncoder.Backward(weights, _cache, _pooledGradient, _gradients);
            _optimizer.Step(_gradients, 2e-5f);
            return loss;
        }
    }
}
