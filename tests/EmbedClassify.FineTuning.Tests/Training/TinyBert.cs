namespace EmbedClassify.FineTuning.Tests;

/// <summary>A tiny random BERT (vocabulary 50, hidden 8, 2 heads, intermediate 16, 2 layers) and batches for it.</summary>
internal static class TinyBert
{
    public static BertConfiguration Configuration { get; } = new(50, 8, 2, 16, 2, 16, 1e-12f);

    /// <summary>Random weights: matrices and embeddings ~ N(0, 0.5²), biases ~ N(0, 0.1²), LayerNorm scales ~ 1 + N(0, 0.2²).</summary>
    public static BertWeights CreateWeights(int seed)
    {
        var random = new Random(seed);
        var weights = new BertWeights(Configuration);
        foreach ((string name, float[] values) in weights.Parameters())
        {
            bool normScale = name.EndsWith("LayerNorm.weight", StringComparison.Ordinal);
            double deviation = normScale ? 0.2 : name.EndsWith("bias", StringComparison.Ordinal) ? 0.1 : 0.5;
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (float)((normScale ? 1 : 0) + deviation * Gaussian(random));
            }
        }

        return weights;
    }

    /// <summary>Sequences of different lengths (2 to 9 tokens) with ids from 1 to 39: ids 40..49 are never used.</summary>
    public static int[][] CreateBatch(int seed, int count)
    {
        var random = new Random(seed);
        var batch = new int[count][];
        for (int s = 0; s < count; s++)
        {
            batch[s] = new int[2 + random.Next(8)];
            for (int t = 0; t < batch[s].Length; t++)
            {
                batch[s][t] = 1 + random.Next(39);
            }
        }

        return batch;
    }

    public static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
