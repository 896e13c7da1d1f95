using EmbedClassify.FineTuning;

namespace EmbedClassify.Cli.Arguments;

/// <summary>The fine-tuning options shared by <c>train --fine-tune</c> and <c>eval --fine-tune</c>.</summary>
internal static class FineTuneArguments
{
    public const string Flag = "--fine-tune";

    public static readonly string[] ValueOptions = ["--fine-tune-layers", "--pair-iterations", "--max-steps"];

    public const string Help = """
          --fine-tune-layers <k>  train only the top k of the model's 6 layers (faster, smaller gains); all by default
          --pair-iterations <r> pairs each example starts per label and per other label (default 5)
          --max-steps <n>       stop fine-tuning after n steps (a random part of the pairs), to bound its time
        """;

    /// <summary>The settings, or <see langword="null"/> without <see cref="Flag"/> (then the other options are usage errors).</summary>
    public static FineTuningOptions? Parse(string command, ParsedArguments args)
    {
        if (!args.Flag(Flag))
        {
            return ValueOptions.Any(o => args.Value(o) is not null)
                ? throw new UsageException($"{command}: {string.Join(", ", ValueOptions)} apply only with {Flag}.")
                : null;
        }

        var options = new FineTuningOptions { PairIterations = args.Int("--pair-iterations", FineTuningOptions.DefaultPairIterations, 1) };
        if (args.Value("--fine-tune-layers") is not null)
        {
            int layers = args.Int("--fine-tune-layers", 6, 1);
            options.TrainedLayers = layers <= 6 ? layers : throw new UsageException($"{command}: --fine-tune-layers must be 1 to 6, not {layers}.");
        }

        if (args.Value("--max-steps") is not null)
        {
            options.MaxSteps = args.Int("--max-steps", 1, 1);
        }

        return options;
    }

    /// <summary>Prints about ten lines a run to standard error: each tenth of the steps, and the last.</summary>
    /// <param name="runs">When one call makes several runs (the folds of an estimate), their name and count: lines then say which run.</param>
    public static IProgress<FineTuningProgress> Progress((string Name, int Count)? runs = null)
    {
        int reported = -1;
        int lastStep = int.MaxValue;
        int run = 0;
        return new InlineProgress(p =>
        {
            // Steps rise within a run; the next fold's run starts over at 1 (and a one-step run repeats step 1).
            if (p.Step <= lastStep)
            {
                reported = -1;
                run++;
            }

            lastStep = p.Step;
            string prefix = runs is { } r ? $"{r.Name} {run}/{r.Count}: " : string.Empty;
            int tenth = p.Step * 10 / p.TotalSteps;
            if (tenth > reported || p.Step == p.TotalSteps)
            {
                reported = tenth;
                Console.Error.WriteLine($"embedclassify: {prefix}fine-tuning step {p.Step}/{p.TotalSteps}, loss {p.Loss:F4}, {p.Elapsed.TotalSeconds:F0} s");
            }
        });
    }

    // Reports on the training thread, in step order (Progress<T> would post each report to the thread pool).
    private sealed class InlineProgress(Action<FineTuningProgress> report) : IProgress<FineTuningProgress>
    {
        public void Report(FineTuningProgress value) => report(value);
    }
}
