using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using EmbedClassify.Benchmarks.Infrastructure;
using MathNet.Numerics.LinearAlgebra;
using System.Numerics.Tensors;

namespace EmbedClassify.Benchmarks;

/// <summary>
/// Dot product of two vectors (benchmark 1), baseline <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>.
/// </summary>
/// <remarks>
/// Both vectors stay in L1; GB/s is the 8·d bytes read per dot product over the time, GFLOP/s counts 2·d operations.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class PairwiseDotBenchmarks
{
    private float[] _x = [];
    private float[] _y = [];
    private Vector<float> _mathNetX = null!;
    private Vector<float> _mathNetY = null!;

    [Params(384, 768, 1536, 3072)]
    public int Dimension { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _x = TestData.Uniform(Dimension, TestData.Seed);
        _y = TestData.Uniform(Dimension, TestData.Seed + 1);
        _mathNetX = Vector<float>.Build.Dense(_x);
        _mathNetY = Vector<float>.Build.Dense(_y);
    }

    [Benchmark(Description = "Naive scalar loop")]
    public float NaiveScalar()
    {
        float dot = 0;
        for (int i = 0; i < _x.Length; i++)
        {
            dot += _x[i] * _y[i];
        }

        return dot;
    }

    [Benchmark(Baseline = true, Description = "TensorPrimitives.Dot")]
    public float TensorPrimitivesDot() => TensorPrimitives.Dot(_x, _y);

    [Benchmark(Description = "MathNet DotProduct")]
    public float MathNetDot() => _mathNetX.DotProduct(_mathNetY);

    [Benchmark(Description = "VectorMath.Dot")]
    public float OursDot() => VectorMath.Dot(_x, _y);

    /// <summary>Adds the GB/s and GFLOP/s columns.</summary>
    public sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(new ThroughputColumn(
                "GB/s",
                "GB/s: bytes of both vectors read (8·d) per nanosecond",
                benchmarkCase => 8.0 * ThroughputColumn.Parameter(benchmarkCase, nameof(Dimension))));
            AddColumn(new ThroughputColumn(
                "GFLOP/s",
                "GFLOP/s: floating-point operations (2·d) per nanosecond",
                benchmarkCase => 2.0 * ThroughputColumn.Parameter(benchmarkCase, nameof(Dimension))));
        }
    }
}
