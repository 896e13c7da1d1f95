using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using EmbedClassify.Benchmarks.Infrastructure;
using System.Numerics.Tensors;

namespace EmbedClassify.Benchmarks;

/// <summary>
/// The element-wise kernels <see cref="VectorMath"/> keeps (norm, normalize, the word view's widening multiply-add) against the <see cref="TensorPrimitives"/>
/// calls that do the same, each pair its own category with TensorPrimitives as its baseline: the measurement that
/// decides which of the two the library uses. Add and scale lost this comparison and were replaced by
/// TensorPrimitives (benchmarks/results/ElementwiseBenchmarks.md has that run).
/// </summary>
/// <remarks>The vectors stay in L1; nothing allocates.</remarks>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ElementwiseBenchmarks
{
    private float[] _x = [];
    private float[] _destination = [];
    private double[] _sums = [];
    private double[] _widened = [];

    [Params(384, 768, 1536, 3072)]
    public int Dimension { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _x = TestData.Uniform(Dimension, TestData.Seed);
        _destination = TestData.Uniform(Dimension, TestData.Seed + 1);
        _sums = new double[Dimension];
        _widened = new double[Dimension];
    }

    [Benchmark(Baseline = true, Description = "TensorPrimitives.Norm")]
    [BenchmarkCategory("Norm")]
    public float TensorPrimitivesNorm() => TensorPrimitives.Norm(_x);

    [Benchmark(Description = "VectorMath.Norm")]
    [BenchmarkCategory("Norm")]
    public float OursNorm() => VectorMath.Norm(_x);

    // The source is copied first in both, so each call normalizes a vector that is not yet of unit length.
    [Benchmark(Baseline = true, Description = "TensorPrimitives.Norm + Multiply")]
    [BenchmarkCategory("Normalize")]
    public float TensorPrimitivesNormalize()
    {
        _x.CopyTo(_destination, 0);
        float norm = TensorPrimitives.Norm(_destination);
        if (norm != 0)
        {
            TensorPrimitives.Multiply(_destination, 1 / norm, _destination);
        }

        return norm;
    }

    [Benchmark(Description = "VectorMath.Normalize")]
    [BenchmarkCategory("Normalize")]
    public float OursNormalize()
    {
        _x.CopyTo(_destination, 0);
        return VectorMath.Normalize(_destination);
    }

    // Sums grow by a small product each call, as in refinement; neither allocates (the scratch buffers are fields).
    [Benchmark(Baseline = true, Description = "TensorPrimitives.Multiply + ConvertChecked + Add")]
    [BenchmarkCategory("MultiplyAddWidening")]
    public double TensorPrimitivesMultiplyAddWidening()
    {
        TensorPrimitives.Multiply(_x, 0.37f, _destination);
        TensorPrimitives.ConvertChecked<float, double>(_destination, _widened);
        TensorPrimitives.Add(_sums, _widened, _sums);
        return _sums[0];
    }

    [Benchmark(Description = "VectorMath.MultiplyAddWidening")]
    [BenchmarkCategory("MultiplyAddWidening")]
    public double OursMultiplyAddWidening()
    {
        VectorMath.MultiplyAddWidening(_x, 0.37f, _sums);
        return _sums[0];
    }
}
