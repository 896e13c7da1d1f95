using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace EmbedClassify.Benchmarks.Infrastructure;

/// <summary>
/// A summary column that divides the work of one operation (bytes read, floating-point operations, lookups) by its
/// measured mean time, so a report states GB/s or GFLOP/s next to the time it was computed from.
/// </summary>
/// <param name="name">The column header, e.g. "GB/s".</param>
/// <param name="legend">What the column means, printed under the report.</param>
/// <param name="workPerOperation">The work of one operation of a benchmark case, in the unit the header names times 10^9.</param>
public sealed class ThroughputColumn(string name, string legend, Func<BenchmarkCase, double> workPerOperation) : IColumn
{
    public string Id => nameof(ThroughputColumn) + "." + name;

    public string ColumnName => name;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => legend;

    /// <summary>Reads an integer parameter of a benchmark case, e.g. its dimension.</summary>
    public static int Parameter(BenchmarkCase benchmarkCase, string parameterName) =>
        Convert.ToInt32(benchmarkCase.Parameters[parameterName], CultureInfo.InvariantCulture);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? nanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
        double work = workPerOperation(benchmarkCase);
        if (nanoseconds is not > 0 || work <= 0)
        {
            return "-";
        }

        // Work per nanosecond is work per second divided by 10^9: GB/s from bytes, GFLOP/s from operations.
        return (work / nanoseconds.Value).ToString("F1", CultureInfo.InvariantCulture);
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public override string ToString() => ColumnName;
}
