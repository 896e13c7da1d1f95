using System.Globalization;
using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using EmbedClassify.Benchmarks.Infrastructure;
using EmbedClassify.FineTuning;

namespace EmbedClassify.Benchmarks;

/// <summary>
/// The fine-tuning trainer's three matrix products (forward A·B, input gradient A·Bᵀ, weight gradient Aᵀ·B) at
/// MiniLM's shapes, the blocked <c>Gemm</c> kernels against the simplest vectorised loops over TensorPrimitives.
/// </summary>
/// <remarks>
/// Shape is m×k×n: 1024 token rows by the hidden size 384 or the feed-forward size 1536. GFLOP/s counts 2·m·k·n
/// operations; the baselines run on one thread, the blocked kernels on every core.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class GemmBenchmarks
{
    private float[] _a = [];
    private float[] _b = [];
    private float[] _c = [];
    private int _m;
    private int _k;
    private int _n;

    [Params("1024x384x384", "1024x384x1536", "1024x1536x384")]
    public string Shape { get; set; } = "1024x384x384";

    [GlobalSetup]
    public void Setup()
    {
        (_m, _k, _n) = Parse(Shape);
        _a = TestData.Uniform(_m * _k, TestData.Seed);
        _b = TestData.Uniform(_k * _n, TestData.Seed + 1);
        _c = new float[_m * _n];
    }

    [Benchmark(Baseline = true, Description = "A·B: rows of MultiplyAdd")]
    [BenchmarkCategory("Multiply")]
    public void MultiplyBaseline()
    {
        // C row i = Σ_p A[i,p] · B row p, each step one TensorPrimitives.MultiplyAdd over a row of n.
        _c.AsSpan().Clear();
        for (int i = 0; i < _m; i++)
        {
            Span<float> row = _c.AsSpan(i * _n, _n);
            for (int p = 0; p < _k; p++)
            {
                TensorPrimitives.MultiplyAdd(_b.AsSpan(p * _n, _n), _a[(i * _k) + p], row, row);
            }
        }
    }

    [Benchmark(Description = "A·B: Gemm.Multiply")]
    [BenchmarkCategory("Multiply")]
    public void Multiply() => Gemm.Multiply(_a, _b, _c, _m, _k, _n, accumulate: false);

    [Benchmark(Baseline = true, Description = "A·Bᵀ: TensorPrimitives.Dot per element")]
    [BenchmarkCategory("TransposedB")]
    public void TransposedBBaseline()
    {
        // B is n×k here: C[i,j] is the dot product of A row i with B row j.
        for (int i = 0; i < _m; i++)
        {
            ReadOnlySpan<float> aRow = _a.AsSpan(i * _k, _k);
            for (int j = 0; j < _n; j++)
            {
                _c[(i * _n) + j] = TensorPrimitives.Dot(aRow, _b.AsSpan(j * _k, _k));
            }
        }
    }

    [Benchmark(Description = "A·Bᵀ: Gemm.MultiplyTransposedB")]
    [BenchmarkCategory("TransposedB")]
    public void TransposedB() => Gemm.MultiplyTransposedB(_a, _b, _c, _m, _k, _n, accumulate: false);

    [Benchmark(Baseline = true, Description = "Aᵀ·B: rows of MultiplyAdd")]
    [BenchmarkCategory("TransposedA")]
    public void TransposedABaseline()
    {
        // A is k×m here: for each depth p, C row i += A[p,i] · B row p.
        _c.AsSpan().Clear();
        for (int p = 0; p < _k; p++)
        {
            ReadOnlySpan<float> bRow = _b.AsSpan(p * _n, _n);
            for (int i = 0; i < _m; i++)
            {
                Span<float> row = _c.AsSpan(i * _n, _n);
                TensorPrimitives.MultiplyAdd(bRow, _a[(p * _m) + i], row, row);
            }
        }
    }

    [Benchmark(Description = "Aᵀ·B: Gemm.MultiplyTransposedA")]
    [BenchmarkCategory("TransposedA")]
    public void TransposedA() => Gemm.MultiplyTransposedA(_a, _b, _c, _m, _k, _n, accumulate: false);

    private static (int M, int K, int N) Parse(string shape)
    {
        int[] sizes = shape.Split('x').Select(size => int.Parse(size, CultureInfo.InvariantCulture)).ToArray();
        return (sizes[0], sizes[1], sizes[2]);
    }

    /// <summary>Groups each product with its baseline and adds the GFLOP/s column.</summary>
    public sealed class Config : ManualConfig
    {
        public Config()
        {
            AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams);
            AddColumn(new ThroughputColumn(
                "GFLOP/s",
                "GFLOP/s: floating-point operations of the product (2·m·k·n) per nanosecond",
                benchmarkCase =>
                {
                    (int m, int k, int n) = Parse((string)benchmarkCase.Parameters[nameof(Shape)]);
                    return 2.0 * m * k * n;
                }));
        }
    }
}
