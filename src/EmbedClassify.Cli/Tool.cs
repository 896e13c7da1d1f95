using EmbedClassify.Cli.Arguments;
using EmbedClassify.Cli.Commands;

namespace EmbedClassify.Cli;

/// <summary>Dispatches a command and turns every failure into one line on standard error and an exit code.</summary>
internal static class Tool
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int UsageError = 2;

    private const string Help = """
        embedclassify: few-shot text classification with local embeddings (all-MiniLM-L6-v2 by default,
        snowflake-arctic-embed-xs or both with train/eval --model; offline).

        Usage: embedclassify <command> [arguments] [options]

        Commands:
          train     fit a classifier to a CSV or JSON lines file of text,label and save it
          predict   classify texts (a file or standard input) with a saved model; writes JSON lines
          suggest   which texts of an unlabelled pool to label next, and why
          eval      cross-validated accuracy, per-class metrics and confusion matrix on labelled texts
          inspect   describe a saved model

        Run 'embedclassify <command> --help' for a command's options.

        """;

    public static async Task<int> RunAsync(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // The first Ctrl+C cancels cleanly (the cache keeps what was embedded); a second one kills the process.
            e.Cancel = !cancellation.IsCancellationRequested;
            cancellation.Cancel();
        };

        try
        {
            return await DispatchAsync(args, cancellation.Token).ConfigureAwait(false);
        }
        catch (UsageException e)
        {
            return Report(e.Message, UsageError);
        }
        catch (CommandException e)
        {
            return Report(e.Message, Failure);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return Report("canceled.", 130);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or InvalidOperationException or ArgumentException or NotImplementedException)
        {
            return Report(e.Message, Failure);
        }
    }

    private static Task<int> DispatchAsync(string[] args, CancellationToken cancellationToken)
    {
        if (args.Length == 0)
        {
            Console.Error.Write(Help);
            return Task.FromResult(UsageError);
        }

        string[] rest = args[1..];
        return args[0] switch
        {
            "train" => TrainCommand.RunAsync(rest, cancellationToken),
            "predict" => PredictCommand.RunAsync(rest, cancellationToken),
            "eval" => EvalCommand.RunAsync(rest, cancellationToken),
            "suggest" => SuggestCommand.RunAsync(rest, cancellationToken),
            "inspect" => Task.FromResult(InspectCommand.Run(rest)),
            "-h" or "--help" or "-?" or "help" => PrintHelp(),
            "--version" => PrintVersion(),
            _ => throw new UsageException($"unknown command '{args[0]}'; the commands are train, predict, suggest, eval and inspect (see 'embedclassify --help')."),
        };
    }

    private static Task<int> PrintHelp()
    {
        Console.Out.Write(Help);
        return Task.FromResult(Success);
    }

    private static Task<int> PrintVersion()
    {
        Console.Out.WriteLine(typeof(Tool).Assembly.GetName().Version?.ToString(3) ?? "unknown");
        return Task.FromResult(Success);
    }

    private static int Report(string message, int exitCode)
    {
        // One line, whatever the exception said, so scripts can show or grep it.
        string line = string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Console.Error.WriteLine($"embedclassify: error: {line}");
        return exitCode;
    }
}
