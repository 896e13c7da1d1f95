using System.Globalization;
using EmbedClassify.Cli.Arguments;
using EmbedClassify.Cli.Data;
using EmbedClassify.Cli.Embedding;
using EmbedClassify.Cli.Output;
using EmbedClassify.Cli.Plotting;
using EmbedClassify.FineTuning;
using Spectre.Console;

namespace EmbedClassify.Cli.Commands;

/// <summary><c>embedclassify eval</c>: cross-validated few-shot accuracy on labelled texts.</summary>
internal static class EvalCommand
{
    public const string Usage = "embedclassify eval <data.csv|data.jsonl> [options]";

    public static readonly string Help = $"""
        Measures few-shot accuracy on labelled texts: draws n training examples per class, tests on the rest, and repeats
        with seeded draws. Prints the learning curve, then per-class precision/recall and the confusion matrix at the
        largest n.

        Usage: {Usage}

        Options:
          --n <list>            examples per class to try, comma-separated (default 1,2,5,10); values that would leave
                                a class with nothing to test on are skipped
          --repetitions <r>     draws per n (default 20)
          --seed <s>            seed of the draws (default 0)
          --loo                 leave-one-out over the whole file instead of draws
          --plot <out.png>      also save a figure: the examples and centroids in 2-D, and the confusion matrix
          --fine-tune           instead of the learning curve, estimate whether fine-tuning the local model helps on
                                this file: each of --folds stratified folds is predicted by the classifier fitted on
                                the others, on frozen and on tuned vectors (costs about folds - 1 tuning runs;
                                minilm only: not with another --model)
          --folds <k>           folds of the --fine-tune estimate (default 2; every label needs k examples)
        {ModelArguments.Help}
        {FineTuneArguments.Help}
        {ClassifierArguments.Help}
        {EmbeddingSession.Help}

        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        ParsedArguments args = ParsedArguments.Parse(
            "eval",
            arguments,
            [.. ClassifierArguments.ValueOptions, "--n", "--repetitions", "--seed", "--plot", "--folds", EmbeddingSession.CacheOption, ModelArguments.Option, .. FineTuneArguments.ValueOptions],
            [.. ClassifierArguments.Flags, "--loo", EmbeddingSession.NoCacheFlag, FineTuneArguments.Flag]);
        if (args.Help)
        {
            Console.Out.Write(Help);
            return 0;
        }

        string dataPath = args.RequiredPositional(0, 1, Usage, "the data file");
        FewShotClassifierOptions options = ClassifierArguments.Parse("eval", args);
        int[] sizes = args.IntList("--n", [1, 2, 5, 10], 1);
        var evaluation = new FewShotEvaluationOptions { Repetitions = args.Int("--repetitions", 20, 1), Seed = args.Int("--seed", 0, 0) };
        bool leaveOneOut = args.Flag("--loo");
        string? plot = args.Value("--plot");
        IReadOnlyList<LocalModel> models = ModelArguments.Parse("eval", args);
        FineTuningOptions? fineTuning = FineTuneArguments.Parse("eval", args);
        if (fineTuning is not null)
        {
            // The estimate compares frozen vectors with vectors of the tuned built-in model: another model's frozen
            // vectors would credit the tuning with the difference between the models.
            ModelArguments.RequireDefaultForFineTuning("eval", args, models);
        }

        if (fineTuning is null && args.Value("--folds") is not null)
        {
            throw new UsageException("eval: --folds applies only with --fine-tune.");
        }

        if (fineTuning is not null && (leaveOneOut || plot is not null || args.Value("--n") is not null || args.Value("--repetitions") is not null))
        {
            throw new UsageException("eval: --fine-tune estimates by --folds; --n, --repetitions, --loo and --plot do not apply to it.");
        }

        LabeledExample[] examples = DatasetReader.Read(dataPath);

        using EmbeddingSession session = EmbeddingSession.Open(
            args.Value(EmbeddingSession.CacheOption), args.Flag(EmbeddingSession.NoCacheFlag), models: LocalModel.CreateAll(models));
        ReadOnlyMemory<float>[] vectors = await ChunkedEmbedder.EmbedAsync(session.Generator, [.. examples.Select(e => e.Text)], cancellationToken).ConfigureAwait(false);
        LabeledEmbedding[] data = [.. examples.Select((e, i) => new LabeledEmbedding(e.Label, vectors[i]))];
        if (fineTuning is not null)
        {
            fineTuning.Seed = evaluation.Seed;
            int folds = args.Int("--folds", FineTunedClassifier.DefaultEstimateFolds, 2);
            FineTuningGainEstimate estimate = await FailAsync(
                dataPath,
                () => FineTunedClassifier.EstimateGainAsync(examples, fineTuning, options, session.Generator, folds, FineTuneArguments.Progress(("fold", folds)), cancellationToken)).ConfigureAwait(false);
            WriteEstimate(estimate);
            return 0;
        }

        // Every vector is in the session's cache now, so the evaluator's own embedding pass costs nothing.
        FewShotEvaluator evaluator = await FewShotEvaluator.CreateAsync(session.Generator, examples, cancellationToken).ConfigureAwait(false);
        EvaluationReport final;
        if (leaveOneOut)
        {
            final = await FailAsync(dataPath, () => evaluator.LeaveOneOutAsync(options, cancellationToken)).ConfigureAwait(false);
            ReportConsole.Out.MarkupLine(Markup.Escape(string.Create(
                CultureInfo.InvariantCulture,
                $"Leave-one-out over {data.Length} examples: accuracy {final.Accuracy.Mean:P1}, macro F1 {final.MacroF1.Mean:F3}")));
        }
        else
        {
            IReadOnlyList<EvaluationReport> curve = await FailAsync(
                dataPath, () => evaluator.LearningCurveAsync(sizes, options, evaluation, cancellationToken)).ConfigureAwait(false);
            if (curve.Count == 0)
            {
                int smallest = data.GroupBy(d => d.Label).Min(g => g.Count());
                throw new CommandException(
                    $"{dataPath}: the smallest class has {smallest} examples, so no --n of {string.Join(",", sizes)} leaves any to test on; use --n below {smallest} or --loo.");
            }

            ReportConsole.Out.Write(CurveTable(curve, evaluation.Repetitions));
            final = curve.MaxBy(r => r.ExamplesPerClass)!;
        }

        ReportConsole.Out.Write(ClassTable(final));
        ConfusionReport.Write(ReportConsole.Out, final.ConfusionMatrix, ReportConsole.MatrixWidth);

        if (plot is not null)
        {
            // The figure shows the embedding view of the classifier fitted on the whole file (with several models, their
            // vectors end to end).
            FewShotClassifier classifier = await FailAsync(dataPath, () => FewShotClassifier.CreateAsync(session.Generator, examples, options, cancellationToken)).ConfigureAwait(false);
            EvaluationPlot.Save(plot, data, classifier.Model, final.ConfusionMatrix);
            Console.Error.WriteLine($"embedclassify: saved {plot}.");
        }

        return 0;
    }

    private static void WriteEstimate(FineTuningGainEstimate estimate)
    {
        string verdict = estimate.DifferenceLow > 0 ? "fine-tuning helped on the held-out examples"
            : estimate.DifferenceHigh < 0 ? "fine-tuning hurt on the held-out examples"
            : "no clear difference: the interval includes 0 (more examples narrow it)";
        ReportConsole.Out.MarkupLine(Markup.Escape(string.Create(
            CultureInfo.InvariantCulture,
            $"Fine-tuning, {estimate.Folds}-fold estimate over {estimate.HeldOutCount} examples: frozen {estimate.FrozenAccuracy:P1} -> tuned {estimate.TunedAccuracy:P1}, "
            + $"difference {Points(estimate.Difference)} points (95% interval {Points(estimate.DifferenceLow)} to {Points(estimate.DifferenceHigh)}): {verdict}.")));
    }

    private static string Points(double difference) => (difference * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture);

    private static async Task<T> FailAsync<T>(string path, Func<Task<T>> evaluate)
    {
        try
        {
            return await evaluate().ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            throw new CommandException($"{path}: {CommandText.FirstSentence(e.Message)}", e);
        }
    }

    private static Table CurveTable(IReadOnlyList<EvaluationReport> curve, int repetitions)
    {
        // The title names the classifier's views and is wider than the table: as a table title it would wrap.
        ReportConsole.Out.WriteLine($"Learning curve ({curve[0].Method}, {repetitions} draws per n, 95% intervals)");
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn(new TableColumn("n per class").RightAligned())
            .AddColumn(new TableColumn("Accuracy").RightAligned())
            .AddColumn(new TableColumn("95% interval").RightAligned())
            .AddColumn(new TableColumn("Macro F1").RightAligned());
        foreach (EvaluationReport report in curve)
        {
            table.AddRow(
                report.ExamplesPerClass.ToString(CultureInfo.InvariantCulture),
                report.Accuracy.Mean.ToString("P1", CultureInfo.InvariantCulture),
                string.Create(CultureInfo.InvariantCulture, $"{Math.Max(report.Accuracy.Lower, 0):P1} - {Math.Min(report.Accuracy.Upper, 1):P1}"),
                report.MacroF1.Mean.ToString("F3", CultureInfo.InvariantCulture));
        }

        return table;
    }

    private static Table ClassTable(EvaluationReport report)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title(Markup.Escape(report.ExamplesPerClass == 0 ? "Per class (leave-one-out)" : $"Per class at n = {report.ExamplesPerClass}"))
            .AddColumn("Class")
            .AddColumn(new TableColumn("Precision").RightAligned())
            .AddColumn(new TableColumn("Recall").RightAligned())
            .AddColumn(new TableColumn("F1").RightAligned())
            .AddColumn(new TableColumn("Support").RightAligned());
        foreach (ClassMetrics metrics in report.Classes)
        {
            table.AddRow(
                Markup.Escape(metrics.Label),
                metrics.Precision.ToString("F3", CultureInfo.InvariantCulture),
                metrics.Recall.ToString("F3", CultureInfo.InvariantCulture),
                metrics.F1.ToString("F3", CultureInfo.InvariantCulture),
                metrics.Support.ToString(CultureInfo.InvariantCulture));
        }

        return table;
    }
}
