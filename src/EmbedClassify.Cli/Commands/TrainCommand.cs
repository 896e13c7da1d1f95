using EmbedClassify.Cli.Arguments;
using EmbedClassify.Cli.Data;
using EmbedClassify.Cli.Embedding;

namespace EmbedClassify.Cli.Commands;

/// <summary><c>embedclassify train</c>: fits a classifier to labelled texts and saves it.</summary>
internal static class TrainCommand
{
    public const string Usage = "embedclassify train <data.csv|data.jsonl> -o <model.ecm> [options]";

    public static readonly string Help = $"""
        Fits a few-shot classifier to labelled texts and saves it as a model file.

        Usage: {Usage}

        The data is a CSV with a header naming 'text' and 'label' columns, or JSON lines {"{"}"text": ..., "label": ...{"}"}.

        Options:
          -o, --output <path>   the model file to write (required)
          --include-texts       store the training texts in the model (they are left out by default, for privacy)
          --unlabeled <file>    unlabelled texts like those to classify (one per line, or JSON lines with "text"):
                                the class centroids are refined on them
        {ClassifierArguments.Help}
        {EmbeddingSession.Help}

        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        ParsedArguments args = ParsedArguments.Parse(
            "train",
            arguments,
            [.. ClassifierArguments.ValueOptions, "-o", "--output", "--unlabeled", EmbeddingSession.CacheOption],
            [.. ClassifierArguments.Flags, "--include-texts", EmbeddingSession.NoCacheFlag]);
        if (args.Help)
        {
            Console.Out.Write(Help);
            return 0;
        }

        string dataPath = args.RequiredPositional(0, 1, Usage, "the data file");
        string output = args.Value("-o") ?? args.Value("--output") ?? throw new UsageException($"train: missing -o <model.ecm>. Usage: {Usage}");
        FewShotClassifierOptions options = ClassifierArguments.Parse("train", args);
        LabeledExample[] examples = DatasetReader.Read(dataPath);

        string[] unlabeled = [];
        if (args.Value("--unlabeled") is { } unlabeledPath)
        {
            InputFiles.RequireExists(unlabeledPath);
            using var reader = new StreamReader(unlabeledPath);
            unlabeled = TextInput.Read(reader, unlabeledPath);
        }

        using EmbeddingSession session = EmbeddingSession.Open(args.Value(EmbeddingSession.CacheOption), args.Flag(EmbeddingSession.NoCacheFlag));

        // Embedded here in chunks, with progress, into the session's cache; the classifier then finds every vector there.
        _ = await ChunkedEmbedder.EmbedAsync(session.Generator, [.. examples.Select(e => e.Text), .. unlabeled], cancellationToken).ConfigureAwait(false);
        FewShotClassifier classifier;
        try
        {
            classifier = await FewShotClassifier.CreateAsync(session.Generator, examples, unlabeled, options, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            throw new CommandException($"{dataPath}: {CommandText.FirstSentence(e.Message)}", e);
        }

        await classifier.SaveAsync(output, args.Flag("--include-texts"), cancellationToken).ConfigureAwait(false);
        EmbeddingClassifier model = classifier.Model;
        Console.Error.WriteLine(
            $"embedclassify: saved {output}: {model.Strategy}, views {string.Join(" + ", classifier.Views.Select(v => v.Name))}, {model.Labels.Count} classes, "
            + $"{model.ExampleCount} examples{(classifier.UnlabeledCount > 0 ? $", {classifier.UnlabeledCount} unlabelled texts" : "")}, {model.Dimensions} dimensions.");
        return 0;
    }
}
