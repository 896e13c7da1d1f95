namespace EmbedClassify.FineTuning;

/// <summary>
/// A batch of token-id sequences laid end to end without padding: sequence s holds rows
/// [<see cref="Offsets"/>[s], <see cref="Offsets"/>[s] + <see cref="Lengths"/>[s]) of every [tokens, width] matrix.
/// </summary>
internal sealed class TokenBatch
{
    private TokenBatch(int[] ids, int[] offsets, int[] lengths)
    {
        Ids = ids;
        Offsets = offsets;
        Lengths = lengths;
    }

    /// <summary>Gets every token id of the batch, sequence after sequence.</summary>
    public int[] Ids { get; }

    /// <summary>Gets the first row of each sequence.</summary>
    public int[] Offsets { get; }

    /// <summary>Gets the token count of each sequence.</summary>
    public int[] Lengths { get; }

    /// <summary>Gets the number of sequences.</summary>
    public int Count => Lengths.Length;

    /// <summary>Gets the total number of tokens.</summary>
    public int TokenCount => Ids.Length;

    /// <summary>Checks <paramref name="ids"/> against <paramref name="configuration"/> and lays it out.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="ids"/> or one of its sequences is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="ids"/> is empty, or a sequence is empty, longer than the position table, or holds an id
    /// outside the vocabulary.
    /// </exception>
    public static TokenBatch Create(BertConfiguration configuration, int[][] ids)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Length == 0)
        {
            throw new ArgumentException("The batch holds no sequence.", nameof(ids));
        }

        var offsets = new int[ids.Length];
        var lengths = new int[ids.Length];
        long tokens = 0;
        for (int s = 0; s < ids.Length; s++)
        {
            int[] sequence = ids[s] ?? throw new ArgumentNullException(nameof(ids), $"Sequence {s} is null.");
            if (sequence.Length == 0 || sequence.Length > configuration.MaxPositions)
            {
                throw new ArgumentException(
                    $"Sequence {s} has {sequence.Length} tokens; the model reads 1 to {configuration.MaxPositions}.",
                    nameof(ids));
            }

            foreach (int id in sequence)
            {
                if ((uint)id >= (uint)configuration.VocabularySize)
                {
                    throw new ArgumentException(
                        $"Sequence {s} holds token id {id}, outside the vocabulary of {configuration.VocabularySize}.",
                        nameof(ids));
                }
            }

            offsets[s] = (int)tokens;
            lengths[s] = sequence.Length;
            tokens += sequence.Length;
        }

        if (tokens * Math.Max(configuration.HiddenSize, configuration.IntermediateSize) > Array.MaxLength)
        {
            throw new ArgumentException("The batch is too large for one pass; split it.", nameof(ids));
        }

        var flat = new int[tokens];
        for (int s = 0; s < ids.Length; s++)
        {
            ids[s].CopyTo(flat, offsets[s]);
        }

        return new TokenBatch(flat, offsets, lengths);
    }
}
