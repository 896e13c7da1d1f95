using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using EmbedClassify.Benchmarks.Infrastructure;
using MathNet.Numerics.LinearAlgebra;
using System.Numerics.Tensors;

namespace EmbedClassify.Benchmarks;

/// <summary>
/// Cosine similarity of two arbitrary vectors (benchmark 1), baseline <see cref="TensorPrimitives.CosineSimilarity(ReadOnlySpan{float}, ReadOnlySpan{float})"/>.
/// The last row is what prediction does instead: stored vectors are unit length, so cosine is one dot product.
/// </summary>
/// <remarks>
/// Both vectors (8·d bytes) stay in L1, so this measures arithmetic, not memory: GFLOP/s counts 6·d operations per
/// cosine (three multiply-adds per element: x·y, x·x, y·y) and 2·d per dot product.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class PairwiseCosineBenchmarks
{
    private float[] _x = [];
    private float[] _y = [];
    private float[] _unitX = [];
    private float[] _unitY = [];
    private Vector<float> _mathNetX = null!;
    private Vector<float> _mathNetY = null!;

    [Params(384, 768, 1536, 3072)]
    public int Dimension { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _x = TestData.Uniform(Dimension, TestData.Seed);
        _y = TestData.Uniform(Dimension, TestData.Seed + 1);
        _unitX = [.. _x];
        _unitY = [.. _y];
        VectorMath.Normalize(_unitX);
        VectorMath.Normalize(_unitY);

        // Wraps the arrays without copying, as a MathNet user holding float[] embeddings would.
        _mathNetX = Vector<float>.Build.Dense(_x);
        _mathNetY = Vector<float>.Build.Dense(_y);
    }

    [Benchmark(Description = "Naive scalar loop")]
    public float NaiveScalar()
    {
        float dot = 0, xx = 0, yy = 0;
        for (int i = 0; i < _x.Length; i++)
        {
            dot += _x[i] * _y[i];
            xx += _x[i] * _x[i];
            yy += _y[i] * _y[i];
        }

        return dot / MathF.Sqrt(xx * yy);
    }

    [Benchmark(Baseline = true, Description = "TensorPrimitives.CosineSimilarity")]
    public float TensorPrimitivesCosine() => TensorPrimitives.CosineSimilarity(_x, _y);

    [Benchmark(Description = "MathNet DotProduct / (L2Norm * L2Norm)")]
    public double MathNetCosine() => _mathNetX.DotProduct(_mathNetY) / (_mathNetX.L2Norm() * _mathNetY.L2Norm());

    [Benchmark(Description = "VectorMath.CosineSimilarity")]
    public float OursCosine() => VectorMath.CosineSimilarity(_x, _y);

    [Benchmark(Description = "VectorMath.Dot of unit vectors (prediction)")]
    public float OursDotOfUnitVectors() => VectorMath.Dot(_unitX, _unitY);

    /// <summary>Adds the GFLOP/s column.</summary>
    public sealed class Config : ManualConfig
    {
        public Config() =>
            AddColumn(new ThroughputColumn(
                "GFLOP/s",
                "GFLOP/s: floating-point operations per nanosecond; 6·d per cosine, 2·d per dot product",
                benchmarkCase => ThroughputColumn.Parameter(benchmarkCase, nameof(Dimension))
                    * (benchmarkCase.Descriptor.WorkloadMethod.Name == nameof(OursDotOfUnitVectors) ? 2.0 : 6.0)));
    }
}
