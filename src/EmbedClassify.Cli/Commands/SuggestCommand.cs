using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using EmbedClassify.Cli.Arguments;
using EmbedClassify.Cli.Data;
using EmbedClassify.Cli.Embedding;

namespace EmbedClassify.Cli.Commands;

/// <summary>
/// <c>embedclassify suggest</c>: reads a pool of unlabelled texts and writes the ones worth labelling next with a saved
/// model, each with why, as JSON lines.
/// </summary>
internal static class SuggestCommand
{
    public const string Usage = "embedclassify suggest <model.ecm> <unlabeled.csv|txt> [--count n] [options]";

    private const string CountOption = "--count";

    public static readonly string Help = $"""
        Writes the texts of a pool whose labels would help the model most, the most useful first, one JSON line each:
          {"{"}"index": ..., "text": ..., "reason": "uncertain"|"uncovered", "why": ..., "label": ..., "runnerUp": ...,
           "margin": ..., "entropy": ..., "distance": ...{"}"}
        "uncertain": the model is torn between "label" and "runnerUp" ("margin" is the difference of their calibrated
        probabilities); "uncovered": the text lies in a region of the pool far from every labelled example ("distance",
        0 to about 1). The suggestions are spread over the pool, so they are not near-duplicates of each other. Label them,
        add them to the training data and train again (a model from label names alone, too).

        Usage: {Usage}

        The pool is a CSV with a 'text' column, or one text per line, or JSON lines with a "text" member; "index" is the
        text's position among the pool's texts (from 0, blank lines skipped).

        Texts are embedded with the model(s) the model file names (see 'embedclassify inspect'): those 'train --model'
        picked, or the fine-tuned model saved beside the file; no option is needed.

        Options:
          --count <n>           how many texts to suggest (default 10)
        {EmbeddingSession.Help}

        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        ParsedArguments args = ParsedArguments.Parse("suggest", arguments, [EmbeddingSession.CacheOption, CountOption], [EmbeddingSession.NoCacheFlag]);
        if (args.Help)
        {
            Console.Out.Write(Help);
            return 0;
        }

        string modelPath = args.RequiredPositional(0, 2, Usage, "the model file");
        string poolPath = args.RequiredPositional(1, 2, Usage, "the file of unlabelled texts");
        int count = args.Int(CountOption, 10, 1);
        InputFiles.RequireExists(modelPath);
        string[] pool = PoolReader.Read(poolPath);

        using EmbeddingSession session = EmbeddingSession.Open(
            args.Value(EmbeddingSession.CacheOption),
            args.Flag(EmbeddingSession.NoCacheFlag),
            memoryEntries: pool.Length,
            models: await ModelLoader.CreateModelsAsync(modelPath, cancellationToken).ConfigureAwait(false));
        FewShotClassifier classifier = await ModelLoader.LoadAsync(session.Generator, modelPath, cancellationToken).ConfigureAwait(false);

        // Embedding is the slow part: the chunked embedder draws its bar (or plain lines in a log) on standard error.
        ReadOnlyMemory<float>[] vectors = await ChunkedEmbedder.EmbedAsync(session.Generator, pool, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<LabelingSuggestion> suggestions = classifier.SuggestExamplesToLabel(pool, vectors, count, cancellationToken);

        using Stream stdout = Console.OpenStandardOutput();
        using var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        foreach (LabelingSuggestion suggestion in suggestions)
        {
            Write(writer, suggestion);
            writer.Flush();
            writer.Reset();
            stdout.WriteByte((byte)'\n');
        }

        return 0;
    }

    private static void Write(Utf8JsonWriter writer, LabelingSuggestion suggestion)
    {
        writer.WriteStartObject();
        writer.WriteNumber("index", suggestion.Index);
        writer.WriteString("text", suggestion.Text);
        writer.WriteString("reason", suggestion.Reason == SuggestionReason.Uncertain ? "uncertain" : "uncovered");
        writer.WriteString("why", Why(suggestion));
        writer.WriteString("label", suggestion.Label);
        writer.WriteString("runnerUp", suggestion.RunnerUp);
        writer.WriteNumber("margin", Math.Round(suggestion.Margin, 6));
        writer.WriteNumber("entropy", Math.Round(suggestion.Entropy, 6));
        writer.WriteNumber("distance", Math.Round(suggestion.Distance, 6));
        writer.WriteEndObject();
    }

    private static string Why(LabelingSuggestion s) => s.Reason == SuggestionReason.Uncertain
        ? string.Create(CultureInfo.InvariantCulture, $"uncertain between '{s.Label}' and '{s.RunnerUp}' (margin {s.Margin:F2}, entropy {s.Entropy:F2})")
        : string.Create(CultureInfo.InvariantCulture, $"far from every labelled example (distance {s.Distance:F2}); nearest class '{s.Label}'");
}
