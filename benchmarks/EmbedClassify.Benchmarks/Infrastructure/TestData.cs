namespace EmbedClassify.Benchmarks.Infrastructure;

/// <summary>Seeded random vectors, so every run and every benchmark compares the same data.</summary>
internal static class TestData
{
    public const int Seed = 20250611;

    /// <summary>Returns values uniform in [-1, 1).</summary>
    public static float[] Uniform(int length, int seed = Seed)
    {
        var random = new Random(seed);
        float[] values = GC.AllocateUninitializedArray<float>(length);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (random.NextSingle() * 2) - 1;
        }

        return values;
    }

    /// <summary>Returns <paramref name="count"/> random unit vectors of length <paramref name="dimension"/>, one after another.</summary>
    public static float[] UnitRows(int count, int dimension, int seed = Seed)
    {
        float[] rows = Uniform(count * dimension, seed);
        for (int i = 0; i < count; i++)
        {
            VectorMath.Normalize(rows.AsSpan(i * dimension, dimension));
        }

        return rows;
    }

    /// <summary>
    /// Returns <paramref name="count"/> unit vectors drawn around <paramref name="topics"/> random unit directions with
    /// Gaussian noise of standard deviation <paramref name="noise"/> per element, like embeddings of texts on a few topics.
    /// </summary>
    public static float[] Clustered(int count, int dimension, int topics, float noise, int seed = Seed)
    {
        var random = new Random(seed);
        float[] centers = UnitRows(topics, dimension, seed + 1);
        float[] rows = new float[count * dimension];
        for (int i = 0; i < count; i++)
        {
            Span<float> row = rows.AsSpan(i * dimension, dimension);
            ReadOnlySpan<float> center = centers.AsSpan(random.Next(topics) * dimension, dimension);
            for (int j = 0; j < dimension; j++)
            {
                // Box-Muller: two uniforms give one standard normal.
                double gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                row[j] = center[j] + (float)(noise * gaussian);
            }

            VectorMath.Normalize(row);
        }

        return rows;
    }
}
