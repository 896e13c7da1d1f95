using System.Text.Encodings.Web;
using System.Text.Json;
using EmbedClassify.Cli.Arguments;
using EmbedClassify.Cli.Data;
using EmbedClassify.Cli.Embedding;
using EmbedClassify.Cli.Output;

namespace EmbedClassify.Cli.Commands;

/// <summary>
/// <c>embedclassify predict</c>: classifies texts with a saved model and writes JSON lines, streaming: the input is
/// read, embedded and written a chunk at a time, so a file of any size runs in bounded memory.
/// </summary>
internal static class PredictCommand
{
    public const string Usage = "embedclassify predict <model.ecm> [<file>|-] [options]";

    private const string ChunkSizeOption = "--chunk-size";

    public static readonly string Help = $"""
        Classifies texts with a saved model and writes one JSON line per text to standard output, in input order:
          {"{"}"text": ..., "label": ..., "score": ..., "scores": {"{"}...{"}"}{"}"}   (plus "unknown": true when the model flags it)
        "score" is the calibrated probability of the label and "scores" every class's: one threshold means the same
        thing for every model.

        Usage: {Usage}

        The input is a file of one text per line, or JSON lines with a "text" member; '-' or no file reads standard input.
        Lines with nothing to classify are skipped. Inputs of any size stream through in chunks: each chunk is one call to
        the model and is saved in the cache before its lines are written, so a run that is stopped and started again
        embeds only what it had not reached.

        Texts are embedded with the model(s) the model file names (see 'embedclassify inspect'): those 'train --model'
        picked, or the fine-tuned model saved beside the file; no option is needed.

        Options:
          --shard <i/n>         classify only shard i of n (0 <= i < n), for n workers sharing a cache: a line belongs to
                                shard XxHash3(UTF-8 of its text) mod n, whatever its position, so every line goes to
                                exactly one shard and a repeated text always to the same one; each JSON line then
                                also has "line" (its 1-based line number in the input) to merge the shards' outputs
          --chunk-size <k>      texts per model call and cache checkpoint (default {FewShotClassifier.DefaultStreamChunkSize})
        {EmbeddingSession.Help}

        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        ParsedArguments args = ParsedArguments.Parse(
            "predict", arguments, [EmbeddingSession.CacheOption, Shard.Option, ChunkSizeOption], [EmbeddingSession.NoCacheFlag]);
        if (args.Help)
        {
            Console.Out.Write(Help);
            return 0;
        }

        string modelPath = args.RequiredPositional(0, 2, Usage, "the model file");
        string input = args.Positional(1, 2, Usage) ?? "-";
        Shard shard = Shard.Parse("predict", args.Value(Shard.Option));
        int chunkSize = args.Int(ChunkSizeOption, FewShotClassifier.DefaultStreamChunkSize, 1);
        InputFiles.RequireExists(modelPath);
        if (input != "-")
        {
            InputFiles.RequireExists(input);
        }

        using EmbeddingSession session = EmbeddingSession.Open(
            args.Value(EmbeddingSession.CacheOption),
            args.Flag(EmbeddingSession.NoCacheFlag),
            memoryEntries: 2 * chunkSize,
            models: await ModelLoader.CreateModelsAsync(modelPath, cancellationToken).ConfigureAwait(false));
        FewShotClassifier classifier = await ModelLoader.LoadAsync(session.Generator, modelPath, cancellationToken).ConfigureAwait(false);

        // Standard input is read through its own buffered reader: Console.In takes a lock on every line.
        using TextReader reader = input == "-" ? new StreamReader(Console.OpenStandardInput(), bufferSize: 1 << 16) : new StreamReader(File.OpenRead(input), bufferSize: 1 << 16);
        var progress = new StreamProgress(Console.Error, input == "-" ? 0 : new FileInfo(input).Length, quietBelow: chunkSize);

        // Written through a buffer and flushed once per chunk: a write per line would cost more than the classifying.
        using Stream stdout = Console.OpenStandardOutput();
        using var buffered = new BufferedStream(stdout, 1 << 16);
        // Unicode stays readable in the output; the JSON is still valid because only the characters JSON requires are escaped.
        using var writer = new Utf8JsonWriter(buffered, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        IAsyncEnumerable<InputLine> lines = TextStream.ReadAsync(reader, input == "-" ? "<stdin>" : input, shard, cancellationToken);

        // A bar only when standard output goes elsewhere: on a terminal it would be drawn over the JSON lines.
        bool bar = !Console.IsErrorRedirected && Console.IsOutputRedirected;
        await progress.RunAsync(bar, async report =>
        {
            long done = 0;
            long position = 0;
            await foreach ((InputLine line, Prediction prediction) in classifier
                .PredictStreamAsync(lines, static line => line.Text, chunkSize, cancellationToken).ConfigureAwait(false))
            {
                Write(writer, buffered, line, prediction, withLineNumber: !shard.IsWhole);
                position = line.End;
                if (++done % chunkSize == 0)
                {
                    await buffered.FlushAsync(cancellationToken).ConfigureAwait(false);
                    report(done, position);
                }
            }

            // The lines after the last text (blank, or another shard's) count as read.
            report(done, long.MaxValue);
        }).ConfigureAwait(false);

        await buffered.FlushAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    private static void Write(Utf8JsonWriter writer, Stream output, InputLine line, Prediction prediction, bool withLineNumber)
    {
        writer.WriteStartObject();
        if (withLineNumber)
        {
            writer.WriteNumber("line", line.Number);
        }

        writer.WriteString("text", line.Text);
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
        output.WriteByte((byte)'\n');
    }
}
