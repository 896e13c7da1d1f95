namespace EmbedClassify.Onnx;

/// <summary>
/// Groups tokenized texts into model batches so that little time goes to padding.
/// </summary>
internal static class BatchPlanner
{
    /// <summary>
    /// Splits texts into batches of similar length, longest first.
    /// </summary>
    /// <param name="lengths">The token count of each text, by input index.</param>
    /// <param name="maxRows">The most texts in one batch.</param>
    /// <param name="maxPaddedTokens">
    /// The most tokens in one batch after padding every row to the batch's longest text; a text
    /// longer than this still gets a batch of its own.
    /// </param>
    /// <returns>Batches of input indexes; every index appears exactly once.</returns>
    public static List<int[]> Plan(ReadOnlySpan<int> lengths, int maxRows, int maxPaddedTokens)
    {
        var order = new int[lengths.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        // Longest first so the slowest batches start first and the short tail fills idle cores;
        // ties keep input order so equal inputs always land in equal batches.
        int[] keys = lengths.ToArray();
        Array.Sort(order, (a, b) => keys[a] != keys[b] ? keys[b].CompareTo(keys[a]) : a.CompareTo(b));

        var batches = new List<int[]>();
        int start = 0;
        while (start < order.Length)
        {
            int padTo = keys[order[start]];
            int rows = 1;
            while (start + rows < order.Length && rows < maxRows && (long)(rows + 1) * padTo <= maxPaddedTokens)
            {
                rows++;
            }

            batches.Add(order.AsSpan(start, rows).ToArray());
            start += rows;
        }

        return batches;
    }
}
