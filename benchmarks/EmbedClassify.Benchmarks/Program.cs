using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using EmbedClassify.Benchmarks;

// "once <case>" runs one FitBenchmarks case a single time, so /usr/bin/time -v can measure its peak memory alone.
if (args is ["once", string fitCase])
{
    return await FitBenchmarks.RunOnce(fitCase);
}

// "finetuning-cache <tokens>" prints the fine-tuning step's activation cache and optimizer sizes (not a timing).
if (args is ["finetuning-cache", string tokens])
{
    FineTuningStepBenchmarks.PrintCacheBytes(int.Parse(tokens, System.Globalization.CultureInfo.InvariantCulture));
    return 0;
}

IEnumerable<Summary> summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

// A benchmark that throws, or fails validation, only shows up as an error in its report; the exit code makes CI fail.
bool failed = summaries.Any(summary => summary.HasCriticalValidationErrors || summary.Reports.Any(report => !report.Success));
return failed ? 1 : 0;

/// <summary>Entry point type, named so the switcher can find this assembly.</summary>
public partial class Program;
