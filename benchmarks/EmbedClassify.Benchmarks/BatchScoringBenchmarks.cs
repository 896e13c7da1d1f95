using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using EmbedClassify.Benchmarks.Infrastructure;

namespace EmbedClassify.Benchmarks;

/// <summary>
/// A batch of Q = 256 queries against C = 64 centroids (benchmark 3: batch prediction), baseline Q·C
/// <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/> calls.
/// </summary>
/// <remarks>
/// GFLOP/s counts 2·Q·C·d operations per batch. The centroids (C·d·4 bytes, 96 KiB at d = 384) stay in the L2 cache, so
/// the register-blocked kernel is limited by arithmetic rather than memory: each loaded vector feeds four multiply-adds.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class BatchScoringBenchmarks
{
    public const int QueryCount = 256;
    public const int CentroidCount = 64;

    private float[] _queries = [];
    private float[] _centroids = [];
    private float[] _scores = [];

    [Params(384, 768, 1536, 3072)]
    public int Dimension { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _queries = TestData.UnitRows(QueryCount, Dimension);
        _centroids = TestData.UnitRows(CentroidCount, Dimension, TestData.Seed + 3);
        _scores = new float[QueryCount * CentroidCount];
    }

    [Benchmark(Baseline = true, Description = "TensorPrimitives.Dot per pair")]
    public float TensorPrimitivesPerPair()
    {
        int d = Dimension;
        ReadOnlySpan<float> queries = _queries;
        ReadOnlySpan<float> centroids = _centroids;
        for (int q = 0; q < QueryCount; q++)
        {
            ReadOnlySpan<float> query = queries.Slice(q * d, d);
            for (int c = 0; c < CentroidCount; c++)
            {
                _scores[(q * CentroidCount) + c] = TensorPrimitives.Dot(query, centroids.Slice(c * d, d));
            }
        }

        return _scores[^1];
    }

    [Benchmark(Description = "VectorMath.DotRows per query")]
    public float OursPerQuery()
    {
        int d = Dimension;
        ReadOnlySpan<float> queries = _queries;
        for (int q = 0; q < QueryCount; q++)
        {
            VectorMath.DotRows(queries.Slice(q * d, d), _centroids, _scores.AsSpan(q * CentroidCount, CentroidCount));
        }

        return _scores[^1];
    }

    [Benchmark(Description = "VectorMath.DotMatrix (4x4 register-blocked)")]
    public float OursBlocked()
    {
        VectorMath.DotMatrix(_queries, _centroids, Dimension, _scores);
        return _scores[^1];
    }

    /// <summary>Adds the GFLOP/s column.</summary>
    public sealed class Config : ManualConfig
    {
        public Config() =>
            AddColumn(new ThroughputColumn(
                "GFLOP/s",
                "GFLOP/s: floating-point operations (2·Q·C·d) per nanosecond",
                benchmarkCase => 2.0 * QueryCount * CentroidCount * ThroughputColumn.Parameter(benchmarkCase, nameof(Dimension))));
    }
}
