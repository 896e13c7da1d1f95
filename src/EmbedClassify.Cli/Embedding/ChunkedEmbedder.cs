using System.Diagnostics;
using Microsoft.Extensions.AI;
using Spectre.Console;

namespace EmbedClassify.Cli.Embedding;

/// <summary>Embeds texts in chunks so that a progress bar on standard error can show real progress, rate and ETA.</summary>
internal static class ChunkedEmbedder
{
    // Large enough to fill a couple of ONNX batches per call, small enough that the bar moves often on a few hundred texts.
    private const int ChunkSize = 64;

    public static async Task<ReadOnlyMemory<float>[]> EmbedAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator, IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var vectors = new ReadOnlyMemory<float>[texts.Count];
        if (texts.Count <= ChunkSize)
        {
            // One chunk finishes before a bar would be worth drawing.
            await EmbedChunkAsync(generator, texts, vectors, 0, texts.Count, cancellationToken).ConfigureAwait(false);
            return vectors;
        }

        if (Console.IsErrorRedirected)
        {
            await EmbedWithPlainProgressAsync(generator, texts, vectors, cancellationToken).ConfigureAwait(false);
            return vectors;
        }

        IAnsiConsole error = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        await error.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                ProgressTask task = context.AddTask("Embedding", maxValue: texts.Count);
                var clock = Stopwatch.StartNew();
                for (int start = 0; start < texts.Count; start += ChunkSize)
                {
                    int count = Math.Min(ChunkSize, texts.Count - start);
                    await EmbedChunkAsync(generator, texts, vectors, start, count, cancellationToken).ConfigureAwait(false);
                    task.Increment(count);
                    task.Description = $"Embedding {start + count}/{texts.Count} ({Rate(start + count, clock.Elapsed)})";
                }
            }).ConfigureAwait(false);
        return vectors;
    }

    private static async Task EmbedWithPlainProgressAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator, IReadOnlyList<string> texts, ReadOnlyMemory<float>[] vectors, CancellationToken cancellationToken)
    {
        // Logs and pipes get a line per tenth instead of an animation that would fill them with redraws.
        var clock = Stopwatch.StartNew();
        int reportedTenths = 0;
        for (int start = 0; start < texts.Count; start += ChunkSize)
        {
            int count = Math.Min(ChunkSize, texts.Count - start);
            await EmbedChunkAsync(generator, texts, vectors, start, count, cancellationToken).ConfigureAwait(false);
            int done = start + count;
            int tenths = done * 10 / texts.Count;
            if (tenths > reportedTenths)
            {
                reportedTenths = tenths;
                TimeSpan elapsed = clock.Elapsed;
                TimeSpan remaining = TimeSpan.FromSeconds(elapsed.TotalSeconds / done * (texts.Count - done));
                Console.Error.WriteLine($"embedclassify: embedded {done}/{texts.Count} texts ({Rate(done, elapsed)}, ETA {remaining:hh\\:mm\\:ss})");
            }
        }
    }

    private static async Task EmbedChunkAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator,
        IReadOnlyList<string> texts,
        ReadOnlyMemory<float>[] vectors,
        int start,
        int count,
        CancellationToken cancellationToken)
    {
        string[] chunk = new string[count];
        for (int i = 0; i < count; i++)
        {
            chunk[i] = texts[start + i];
        }

        GeneratedEmbeddings<Embedding<float>> embedded = await generator.GenerateAsync(chunk, cancellationToken: cancellationToken).ConfigureAwait(false);
        for (int i = 0; i < count; i++)
        {
            vectors[start + i] = embedded[i].Vector;
        }
    }

    private static string Rate(int done, TimeSpan elapsed) =>
        FormattableString.Invariant($"{done / Math.Max(elapsed.TotalSeconds, 1e-3):0} texts/s");
}
