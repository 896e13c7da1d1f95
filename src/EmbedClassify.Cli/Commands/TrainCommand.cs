using EmbedClassify.Cli.Arguments;
using EmbedClassify.Cli.Data;
using EmbedClassify.Cli.Embedding;
using EmbedClassify.FineTuning;
using EmbedClassify.Onnx;
using Microsoft.Extensions.AI;

namespace EmbedClassify.Cli.Commands;

/// <summary><c>embedclassify train</c>: fits a classifier to labelled texts and saves it.</summary>
internal static class TrainCommand
{
    public const string Usage = "embedclassify train <data.csv|data.jsonl> -o <model.ecm> [options]";

    public const string ZeroShotUsage = "embedclassify train --labels <a,b,...> -o <model.ecm> [--describe <file>] [options]";

    public static readonly string Help = $"""
        Fits a few-shot classifier to labelled texts and saves it as a model file.

        Usage: {Usage}
               {ZeroShotUsage}

        The second form starts from label descriptions alone, with no examples: each class is its description (from
        --describe, or the label itself when it reads as words); 'suggest' then says which texts to label first.
        The data is a CSV with a header naming 'text' and 'label' columns, or JSON lines {"{"}"text": ..., "label": ...{"}"}.

        Options:
          -o, --output <path>   the model file to write (required)
          --labels <a,b,...>    the classes, comma-separated, in place of a data file (a start from descriptions alone)
          --include-texts       store the training texts in the model (they are left out by default, for privacy)
          --unlabeled <file>    unlabelled texts like those to classify (one per line, or JSON lines with "text"):
                                the class centroids are refined on them
          --fine-tune           first fine-tune the local model on the examples (SetFit's contrastive step, minutes
                                on a CPU); the tuned model is saved beside the model file, in <model.ecm>.tuned/,
                                and 'predict' loads it from there (minilm only: not with another --model)
        {ModelArguments.Help}
        {FineTuneArguments.Help}
        {ClassifierArguments.Help}
        {EmbeddingSession.Help}

        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        ParsedArguments args = ParsedArguments.Parse(
            "train",
            arguments,
            [.. ClassifierArguments.ValueOptions, "-o", "--output", "--unlabeled", "--labels", EmbeddingSession.CacheOption, ModelArguments.Option, .. FineTuneArguments.ValueOptions],
            [.. ClassifierArguments.Flags, "--include-texts", EmbeddingSession.NoCacheFlag, FineTuneArguments.Flag]);
        if (args.Help)
        {
            Console.Out.Write(Help);
            return 0;
        }

        if (args.Value("--labels") is { } labelList)
        {
            return await TrainFromDescriptionsAsync(args, labelList, cancellationToken).ConfigureAwait(false);
        }

        string dataPath = args.RequiredPositional(0, 1, Usage, "the data file");
        string output = args.Value("-o") ?? args.Value("--output") ?? throw new UsageException($"train: missing -o <model.ecm>. Usage: {Usage}");
        FewShotClassifierOptions options = ClassifierArguments.Parse("train", args);
        IReadOnlyList<LocalModel> models = ModelArguments.Parse("train", args);
        FineTuningOptions? fineTuning = FineTuneArguments.Parse("train", args);
        if (fineTuning is not null)
        {
            ModelArguments.RequireDefaultForFineTuning("train", args, models);
        }

        LabeledExample[] examples = DatasetReader.Read(dataPath);

        string[] unlabeled = [];
        if (args.Value("--unlabeled") is { } unlabeledPath)
        {
            InputFiles.RequireExists(unlabeledPath);
            using var reader = new StreamReader(unlabeledPath);
            unlabeled = TextInput.Read(reader, unlabeledPath);
        }

        FineTunedModel? tuned = fineTuning is null ? null : await FineTuneAsync(dataPath, examples, fineTuning, cancellationToken).ConfigureAwait(false);

        using EmbeddingSession session = EmbeddingSession.Open(
            args.Value(EmbeddingSession.CacheOption),
            args.Flag(EmbeddingSession.NoCacheFlag),
            models: tuned is not null ? [tuned.CreateGenerator()] : LocalModel.CreateAll(models));

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
            + $"{model.ExampleCount} examples{(classifier.UnlabeledCount > 0 ? $", {classifier.UnlabeledCount} unlabelled texts" : "")}, {Dimensions(classifier)} dimensions.");
        if (tuned is not null)
        {
            Console.Error.WriteLine($"embedclassify: fine-tuned model {tuned.ModelId} saved in {FineTunedClassifier.ModelFolder(output)}.");
        }

        return 0;
    }

    private static async Task<int> TrainFromDescriptionsAsync(ParsedArguments args, string labelList, CancellationToken cancellationToken)
    {
        if (args.Positionals.Count > 0)
        {
            throw new UsageException($"train: --labels replaces the data file; give one or the other. Usage: {ZeroShotUsage}");
        }

        if (args.Flag(FineTuneArguments.Flag) || args.Value("--unlabeled") is not null)
        {
            throw new UsageException($"train: {FineTuneArguments.Flag} and --unlabeled need labelled examples; --labels starts from descriptions alone.");
        }

        string output = args.Value("-o") ?? args.Value("--output") ?? throw new UsageException($"train: missing -o <model.ecm>. Usage: {ZeroShotUsage}");
        FewShotClassifierOptions options = ClassifierArguments.Parse("train", args);
        IReadOnlyList<LocalModel> models = ModelArguments.Parse("train", args);
        string[] labels = [.. labelList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        using EmbeddingSession session = EmbeddingSession.Open(
            args.Value(EmbeddingSession.CacheOption), args.Flag(EmbeddingSession.NoCacheFlag), models: LocalModel.CreateAll(models));
        FewShotClassifier classifier;
        try
        {
            classifier = await FewShotClassifier.CreateFromDescriptionsAsync(session.Generator, labels, options, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            throw new CommandException($"--labels: {CommandText.FirstSentence(e.Message)}", e);
        }

        await classifier.SaveAsync(output, args.Flag("--include-texts"), cancellationToken).ConfigureAwait(false);
        Console.Error.WriteLine(
            $"embedclassify: saved {output}: {classifier.Labels.Count} classes from their descriptions alone ({string.Join(", ", classifier.Labels)}), {Dimensions(classifier)} dimensions.");
        return 0;
    }

    // The embedding view's length is the first model's alone; with several models, each one's counts.
    private static string Dimensions(FewShotClassifier classifier) =>
        classifier.Generator.GetService<MultiViewEmbeddingGenerator>() is { } views
            ? $"{views.Dimensions} ({string.Join(" + ", views.Models.Select(m => m.Dimensions))})"
            : $"{classifier.Model.Dimensions}";

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
