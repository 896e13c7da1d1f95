using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using EmbedClassify.Benchmarks.Infrastructure;

namespace EmbedClassify.Benchmarks;

/// <summary>
/// One query against N = 100,000 stored vectors (benchmark 2: search, kNN), baseline one
/// <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/> call per row.
/// </summary>
/// <remarks>
/// The matrix (N·d·4 bytes, 154 MB at d = 384) is far larger than the caches, so a scan is limited by memory
/// bandwidth. GB/s is the matrix bytes over the time. The two <c>Sum</c> rows read the same matrix and do nothing else:
/// they measure what this machine's memory delivers to one core and to all cores in the same run, which is the
/// reference for the scan's efficiency.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class ScanBenchmarks
{
    public const int RowCount = 100_000;

    private float[] _matrix = [];
    private float[] _query = [];
    private float[] _scores = [];
    private float[] _partialSums = [];

    [Params(384, 768, 1536, 3072)]
    public int Dimension { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _matrix = TestData.UnitRows(RowCount, Dimension);
        _query = TestData.UnitRows(1, Dimension, TestData.Seed + 7);
        _scores = new float[RowCount];
        _partialSums = new float[Environment.ProcessorCount];
    }

    [Benchmark(Baseline = true, Description = "TensorPrimitives.Dot per row")]
    public float TensorPrimitivesPerRow()
    {
        int d = Dimension;
        ReadOnlySpan<float> matrix = _matrix;
        for (int row = 0; row < RowCount; row++)
        {
            _scores[row] = TensorPrimitives.Dot(_query, matrix.Slice(row * d, d));
        }

        return _scores[^1];
    }

    [Benchmark(Description = "VectorMath.DotRows (1 thread)")]
    public float OursSingleThreaded()
    {
        VectorMath.DotRows(_query, _matrix, _scores);
        return _scores[^1];
    }

    [Benchmark(Description = "VectorMath.DotRowsParallel (all cores)")]
    public float OursAllCores()
    {
        VectorMath.DotRowsParallel(_query, _matrix, _scores);
        return _scores[^1];
    }

    [Benchmark(Description = "Bandwidth reference: TensorPrimitives.Sum (1 thread)")]
    public float SumSingleThreaded() => TensorPrimitives.Sum(_matrix);

    [Benchmark(Description = "Bandwidth reference: TensorPrimitives.Sum (all cores)")]
    public float SumAllCores()
    {
        int workers = _partialSums.Length;
        float[] matrix = _matrix;
        Parallel.For(0, workers, worker =>
        {
            int first = (int)((long)matrix.Length * worker / workers);
            int end = (int)((long)matrix.Length * (worker + 1) / workers);
            _partialSums[worker] = TensorPrimitives.Sum(matrix.AsSpan(first, end - first));
        });
        return TensorPrimitives.Sum(_partialSums);
    }

    /// <summary>Adds the GB/s column.</summary>
    public sealed class Config : ManualConfig
    {
        public Config() =>
            AddColumn(new ThroughputColumn(
                "GB/s",
                "GB/s: bytes of the stored vectors read (N·d·4) per nanosecond",
                benchmarkCase => 4.0 * RowCount * ThroughputColumn.Parameter(benchmarkCase, nameof(Dimension))));
    }
}
