using Microsoft.Extensions.AI;

/// <summary>Embeds texts in chunks and draws a progress bar as each chunk comes back.</summary>
internal static class Progress
{
    // Small enough that the bar moves several times for the sample's 400 emails, large enough that each chunk still
    // fills a provider request (or several ONNX runs) rather than paying a round trip per text.
    private const int ChunkSize = 50;
    private const int Width = 40;

    public static async Task<ReadOnlyMemory<float>[]> EmbedAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator, string[] texts, CancellationToken cancellationToken = default)
    {
        var vectors = new ReadOnlyMemory<float>[texts.Length];
        Draw(0, texts.Length);
        for (int start = 0; start < texts.Length; start += ChunkSize)
        {
            int count = Math.Min(ChunkSize, texts.Length - start);
            GeneratedEmbeddings<Embedding<float>> embedded =
                await generator.GenerateAsync(texts[start..(start + count)], cancellationToken: cancellationToken);
            for (int i = 0; i < count; i++)
            {
                vectors[start + i] = embedded[i].Vector;
            }

            Draw(start + count, texts.Length);
        }

        Console.WriteLine();
        return vectors;
    }

    private static void Draw(int done, int total)
    {
        // Redirected output (CI logs, pipes) gets one line instead of a carriage-return animation.
        if (Console.IsOutputRedirected)
        {
            if (done == total)
            {
                Console.Write($"  embedded {done} of {total} texts.");
            }

            return;
        }

        int filled = total == 0 ? Width : done * Width / total;
        Console.Write($"\r  [{new string('#', filled)}{new string('-', Width - filled)}] {done}/{total}");
    }
}
