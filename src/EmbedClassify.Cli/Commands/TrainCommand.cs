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
        {ClassifierArguments.Help}{EmbeddingSession.Help}
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        ParsedArguments args = ParsedArguments.Parse(
            "train",
            arguments,
            [.. ClassifierArguments.ValueOptions, "-o", "--output", EmbeddingSession.CacheOption],
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

        using EmbeddingSession session = EmbeddingSession.Open(args.Value(EmbeddingSession.CacheOption), args.Flag(EmbeddingSession.NoCacheFlag));
        string[] texts = [.. examples.Select(e => e.Text)];
        ReadOnlyMemory<float>[] vectors = await ChunkedEmbedder.EmbedAsync(session.Generator, texts, cancellationToken).ConfigureAwait(false);
        EmbeddingClassifier model = EmbeddingClassifier.Fit(examples.Select((e, i) => new LabeledEmbedding(e.Label, vectors[i])), options);
        var classifier = new FewShotClassifier(session.Generator, model, texts);
        await classifier.SaveAsync(output, args.Flag("--include-texts"), cancellationToken).ConfigureAwait(false);

        Console.Error.WriteLine(
            $"embedclassify: saved {output}: {model.Strategy}, {model.Labels.Count} classes, {model.ExampleCount} examples, {model.Dimensions} dimensions.");
        return 0;
    }
}
