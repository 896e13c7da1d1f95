using Microsoft.Extensions.AI;

namespace EmbedClassify;

/// <summary>
/// Sends texts to a generator once each and checks what comes back, so that a misbehaving provider is reported as such
/// instead of surfacing later as a confusing argument error.
/// </summary>
internal static class TextBatch
{
    /// <summary>
    /// Refuses null and blank texts (see <see cref="TextContent.IsBlank"/>) and texts with an unpaired surrogate, naming
    /// the first one's index.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// "{parameterName}[i] is null; …", "{parameterName}[i] is blank (empty, white space, or only control, format or
    /// unpaired surrogate characters); there is nothing to embed." or "{parameterName}[i] contains an unpaired surrogate …".
    /// </exception>
    public static void Validate(string[] texts, string parameterName)
    {
        for (int i = 0; i < texts.Length; i++)
        {
            TextContent.ThrowIfNotEmbeddable(texts[i], $"{parameterName}[{i}]", parameterName);
        }
    }

    /// <summary>
    /// Embeds <paramref name="texts"/> with one generator call for the distinct texts and returns one vector per input, in
    /// order: the classifier's own copies, which later generator calls cannot change.
    /// </summary>
    public static async Task<ReadOnlyMemory<float>[]> EmbedAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator,
        string[] texts,
        int? expectedDimensions,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (texts.Length == 0)
        {
            return [];
        }

        var slotOfText = new Dictionary<string, int>(StringComparer.Ordinal);
        var distinct = new List<string>(texts.Length);
        var slots = new int[texts.Length];
        for (int i = 0; i < texts.Length; i++)
        {
            if (!slotOfText.TryGetValue(texts[i], out int slot))
            {
                slot = distinct.Count;
                slotOfText.Add(texts[i], slot);
                distinct.Add(texts[i]);
            }

            slots[i] = slot;
        }

        GeneratedEmbeddings<Embedding<float>> generated = await generator
            .GenerateAsync(distinct, options: null, cancellationToken)
            .ConfigureAwait(false);
        if (generated is null || generated.Count != distinct.Count)
        {
            throw new InvalidOperationException(
                $"The embedding generator returned {generated?.Count ?? 0} embeddings for {distinct.Count} distinct inputs.");
        }

        for (int i = 0; i < generated.Count; i++)
        {
            if (generated[i] is null)
            {
                throw new InvalidOperationException(
                    $"The embedding generator returned a null embedding for input {Array.IndexOf(slots, i)}.");
            }
        }

        // Copies are checked and returned, because callers keep some of these vectors (label descriptions, an evaluator's
        // dataset) and a generator may hand out views of a buffer that its next call overwrites. Repeated texts share one.
        int dimensions = expectedDimensions ?? generated[0].Vector.Length;
        var copies = new ReadOnlyMemory<float>[generated.Count];
        for (int i = 0; i < generated.Count; i++)
        {
            float[] vector = generated[i].Vector.ToArray();
            if (vector.Length != dimensions)
            {
                throw new InvalidOperationException(expectedDimensions is null
                    ? $"The embedding generator returned vectors of different lengths ({dimensions} and {vector.Length}) in one call."
                    : $"The embedding generator returned a {vector.Length}-dimensional vector but the classifier holds {dimensions}-dimensional vectors; was it built with another model?");
            }

            float norm = VectorMath.Norm(vector);
            if (!float.IsFinite(norm) || norm == 0)
            {
                throw new InvalidOperationException(
                    $"The embedding generator returned a vector that is {(norm == 0 ? "all zeros" : "not finite (NaN or infinity)")} for input {Array.IndexOf(slots, i)}.");
            }

            copies[i] = vector;
        }

        var result = new ReadOnlyMemory<float>[texts.Length];
        for (int i = 0; i < texts.Length; i++)
        {
            result[i] = copies[slots[i]];
        }

        return result;
    }
}
