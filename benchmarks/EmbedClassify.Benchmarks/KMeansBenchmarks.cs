using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using EmbedClassify.Benchmarks.Infrastructure;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace EmbedClassify.Benchmarks;

/// <summary>
/// k-means fit (benchmark 4): n = 10,000 unit vectors of d = 384 around 40 topics, k = 20, 20 Lloyd iterations,
/// k-means++ initialization, fixed seed; baseline ML.NET's <see cref="KMeansTrainer"/> on the same data.
/// </summary>
/// <remarks>
/// Ours is the spherical k-means behind <see cref="ClassificationStrategy.KMeans"/>; its assignment step scores blocks of
/// 64 points against all centers with <see cref="VectorMath.DotMatrix"/>, spread over the cores. ML.NET gets a cached
/// <see cref="IDataView"/> and runs with its default thread count (all cores). The Inertia column is the quality check:
/// the sum over points of the squared Euclidean distance to the mean of the cluster each fit put the point in, computed
/// the same way for both fits, lower is better. GFLOP/s counts only the assignment steps' 2·n·k·d·20 operations.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class KMeansBenchmarks
{
    public const int PointCount = 10_000;
    public const int Dimension = 384;
    public const int Clusters = 20;
    public const int Iterations = 20;

    private float[] _points = [];
    private MLContext _context = null!;
    private IDataView _data = null!;

    [GlobalSetup]
    public void Setup()
    {
        _points = TestData.Clustered(PointCount, Dimension, topics: 40, noise: 0.05f);
        _context = new MLContext(seed: TestData.Seed);
        _data = _context.Data.Cache(_context.Data.LoadFromEnumerable(Rows(_points)));
    }

    [Benchmark(Baseline = true, Description = "ML.NET KMeansTrainer")]
    public KMeansModelParameters MLNet() => FitMLNet(_context, _data);

    [Benchmark(Description = "SphericalKMeans (DotMatrix assignment)")]
    public int[] Ours() => FitOurs(_points);

    public static int[] FitOurs(float[] points)
    {
        float[] centers = SphericalKMeans.SeedPlusPlus(points, PointCount, Dimension, Clusters, new Random(TestData.Seed));
        return SphericalKMeans.Run(points, PointCount, Dimension, centers, Clusters, [], Iterations);
    }

    public static KMeansModelParameters FitMLNet(MLContext context, IDataView data)
    {
        var options = new KMeansTrainer.Options
        {
            FeatureColumnName = nameof(Row.Features),
            NumberOfClusters = Clusters,
            InitializationAlgorithm = KMeansTrainer.InitializationAlgorithm.KMeansPlusPlus,
            MaximumNumberOfIterations = Iterations,

            // As small as ML.NET accepts, so that it stops on the iteration count as ours does, not on convergence.
            OptimizationTolerance = 1e-12f,
        };
        return context.Clustering.Trainers.KMeans(options).Fit(data).Model;
    }

    /// <summary>Returns the within-cluster sum of squared distances to the cluster means.</summary>
    public static double Inertia(float[] points, int[] assignment)
    {
        var sums = new double[Clusters * Dimension];
        var counts = new int[Clusters];
        for (int i = 0; i < PointCount; i++)
        {
            counts[assignment[i]]++;
            for (int j = 0; j < Dimension; j++)
            {
                sums[(assignment[i] * Dimension) + j] += points[(i * Dimension) + j];
            }
        }

        double inertia = 0;
        for (int i = 0; i < PointCount; i++)
        {
            int c = assignment[i];
            for (int j = 0; j < Dimension; j++)
            {
                double difference = points[(i * Dimension) + j] - (sums[(c * Dimension) + j] / counts[c]);
                inertia += difference * difference;
            }
        }

        return inertia;
    }

    /// <summary>Returns the cluster of each point under ML.NET's centroids: the nearest one, as ML.NET predicts.</summary>
    public static int[] AssignByCentroids(float[] points, KMeansModelParameters model)
    {
        VBuffer<float>[] centroids = [];
        model.GetClusterCentroids(ref centroids, out int k);
        float[][] dense = [.. centroids.Select(c => c.DenseValues().ToArray())];
        var assignment = new int[PointCount];
        for (int i = 0; i < PointCount; i++)
        {
            ReadOnlySpan<float> point = points.AsSpan(i * Dimension, Dimension);
            double best = double.PositiveInfinity;
            for (int c = 0; c < k; c++)
            {
                double distance = System.Numerics.Tensors.TensorPrimitives.Distance(point, dense[c]);
                if (distance < best)
                {
                    best = distance;
                    assignment[i] = c;
                }
            }
        }

        return assignment;
    }

    private static IEnumerable<Row> Rows(float[] points)
    {
        for (int i = 0; i < PointCount; i++)
        {
            yield return new Row { Features = points.AsSpan(i * Dimension, Dimension).ToArray() };
        }
    }

    public sealed class Row
    {
        [VectorType(Dimension)]
        public float[] Features { get; set; } = [];
    }

    /// <summary>Adds the GFLOP/s and Inertia columns.</summary>
    public sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(new ThroughputColumn(
                "GFLOP/s",
                "GFLOP/s: the assignment steps' 2·n·k·d·iterations operations per nanosecond",
                _ => 2.0 * PointCount * Clusters * Dimension * Iterations));
            AddColumn(new InertiaColumn());
        }
    }

    /// <summary>Fits both ways once more in the host process (the fits are deterministic) and reports their inertia.</summary>
    private sealed class InertiaColumn : IColumn
    {
        private readonly Lazy<(double Ours, double MLNet)> _inertia = new(() =>
        {
            var benchmarks = new KMeansBenchmarks();
            benchmarks.Setup();
            double ours = Inertia(benchmarks._points, FitOurs(benchmarks._points));
            double mlnet = Inertia(benchmarks._points, AssignByCentroids(benchmarks._points, FitMLNet(benchmarks._context, benchmarks._data)));
            return (ours, mlnet);
        });

        public string Id => nameof(InertiaColumn);

        public string ColumnName => "Inertia";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 1;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Inertia: within-cluster sum of squared distances to the cluster means of the fit's final clusters (lower is better)";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            double value = benchmarkCase.Descriptor.WorkloadMethod.Name == nameof(Ours) ? _inertia.Value.Ours : _inertia.Value.MLNet;
            return value.ToString("F2", CultureInfo.InvariantCulture);
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
