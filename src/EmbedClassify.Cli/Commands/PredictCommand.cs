using System.Text.Encodings.Web;
using System.Text.Json;
using EmbedClassify.Cli.Arguments;
using EmbedClassify.Cli.Data;
using EmbedClassify.Cli.Embedding;

namespace EmbedClassify.Cli.Commands;

/// <summary><c>embedclassify predict</c>: classifies texts with a saved model and writes JSON lines.</summary>
internal static class PredictCommand
{
    public const string Usage = "embedclassify predict <model.ecm> [<file>|-] [options]";

    public static readonly string Help = $"""
        Classifies texts with a saved model and writes one JSON line per text to standard output:
          {"{"}"text": ..., "label": ..., "score": ..., "scores": {"{"}...{"}"}{"}"}   (plus "unknown": true when the model flags it)
        "score" is the calibrated probability of the label and "scores" every class's: one threshold means the same
        thing for every model.

        Usage: {Usage}

        The input is a file of one text per line, or JSON lines with a "text" member; '-' or no file reads standard input.

        Options:
        {EmbeddingSession.Help}
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        ParsedArguments args = ParsedArguments.Parse("predict", arguments, [EmbeddingSession.CacheOption], [EmbeddingSession.NoCacheFlag]);
        if (args.Help)
        {
            Console.Out.Write(Help);
            return 0;
        }

        string modelPath = args.RequiredPositional(0, 2, Usage, "the model file");
        string input = args.Positional(1, 2, Usage) ?? "-";
        InputFiles.RequireExists(modelPath);
        string[] texts;
        if (input == "-")
        {
            texts = TextInput.Read(Console.In, "<stdin>");
        }
        else
        {
            InputFiles.RequireExists(input);
            using var reader = new StreamReader(input);
            texts = TextInput.Read(reader, input);
        }

        using EmbeddingSession session = EmbeddingSession.Open(args.Value(EmbeddingSession.CacheOption), args.Flag(EmbeddingSession.NoCacheFlag));
        FewShotClassifier classifier = await ModelLoader.LoadAsync(session.Generator, modelPath, cancellationToken).ConfigureAwait(false);
        // Embedded in chunks with progress into the session's cache, where the classifier finds them.
        _ = await ChunkedEmbedder.EmbedAsync(session.Generator, texts, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<Prediction> predictions = await classifier.PredictBatchAsync(texts, cancellationToken).ConfigureAwait(false);

        using Stream stdout = Console.OpenStandardOutput();
        // Unicode stays readable in the output; the JSON is still valid because only the characters JSON requires are escaped.
        using var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        for (int i = 0; i < texts.Length; i++)
        {
            Prediction prediction = predictions[i];
            writer.WriteStartObject();
            writer.WriteString("text", texts[i]);
            writer.WriteString("label", prediction.Label);
            writer.WriteNumber("score", Math.Round(prediction.Score, 6));
            writer.WriteStartObject("scores");
            foreach (ClassScore score in prediction.Scores)
            {
                writer.WriteNumber(score.Label, Math.Round(score.Score, 6));
            }

            writer.WriteEndObject();
            if (prediction.IsUnknown)
            {
                writer.WriteBoolean("unknown", true);
            }

            writer.WriteEndObject();
            writer.Flush();
            // One JSON document per line: the writer accepts one root value, so it is reset after each.
            writer.Reset();
            stdout.WriteByte((byte)'\n');
        }

        return 0;
    }
}
