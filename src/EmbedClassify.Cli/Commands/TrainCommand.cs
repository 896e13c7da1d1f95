using EmbedClassify.Cli.Arguments;
using EmbedClassify.Cli.Data;
using EmbedClassify.Cli.Embedding;
using EmbedClassify.FineTuning;
using EmbedClassify.Onnx;

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
          --fine-tune           first fine-tune the local model on the examples (SetFit's contrastive step, minutes
                                on a CPU); the tuned model is saved beside the model file, in <model.ecm>.tuned/,
                                and 'predict' loads it from there
        {FineTuneArguments.Help}
        {ClassifierArguments.Help}
        {EmbeddingSession.Help}

        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        ParsedArguments args = ParsedArguments.Parse(
            "train",
            arguments,
            [.. ClassifierArguments.ValueOptions, "-o", "--output", "--unlabeled", EmbeddingSession.CacheOption, .. FineTuneArguments.ValueOptions],
            [.. ClassifierArguments.Flags, "--include-texts", EmbeddingSession.NoCacheFlag, FineTuneArguments.Flag]);
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

        FineTuningOptions? fineTuning = FineTuneArguments.Parse("train", args);
        FineTunedModel? tuned = fineTuning is null ? null : await FineTuneAsync(dataPath, examples, fineTuning, cancellationToken).ConfigureAwait(false);

        using EmbeddingSession session = EmbeddingSession.Open(
            args.Value(EmbeddingSession.CacheOption), args.Flag(EmbeddingSession.NoCacheFlag), model: tuned?.CreateGenerator());

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

        if (tuned is not null)
        {
            // The tuned model first: a model file is never left without the embedding model it needs.
            await tuned.SaveAsync(FineTunedClassifier.ModelFolder(output), cancellationToken).ConfigureAwait(false);
        }

        await classifier.SaveAsync(output, args.Flag("--include-texts"), cancellationToken).ConfigureAwait(false);
        EmbeddingClassifier model = classifier.Model;
        Console.Error.WriteLine(
            $"embedclassify: saved {output}: {model.Strategy}, views {string.Join(" + ", classifier.Views.Select(v => v.Name))}, {model.Labels.Count} classes, "
            + $"{model.ExampleCount} examples{(classifier.UnlabeledCount > 0 ? $", {classifier.UnlabeledCount} unlabelled texts" : "")}, {model.Dimensions} dimensions.");
        if (tuned is not null)
        {
            Console.Error.WriteLine($"embedclassify: fine-tuned model {tuned.ModelId} saved in {FineTunedClassifier.ModelFolder(output)}.");
        }

        return 0;
    }

    private static async Task<FineTunedModel> FineTuneAsync(
        string dataPath, LabeledExample[] examples, FineTuningOptions options, CancellationToken cancellationToken)
    {
        try
        {
            FineTunedModel model = await FineTunedModel.TrainAsync(examples, options, FineTuneArguments.Progress(), cancellationToken).ConfigureAwait(false);
            Console.Error.WriteLine(
                $"embedclassify: fine-tuned in {model.Summary.Duration.TotalSeconds:F0} s ({model.Summary.Steps} steps, loss {model.Summary.InitialLoss:F3} -> {model.Summary.FinalLoss:F3}).");
            return model;
        }
        catch (ArgumentException e)
        {
            throw new CommandException($"{dataPath}: {CommandText.FirstSentence(e.Message)}", e);
        }
    }
}
