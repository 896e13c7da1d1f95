namespace EmbedClassify.FineTuning;

/// <summary>
/// SetFit's pair generation: for each of R iterations, every example is paired once with another example of its label
/// (target 1) and once with an example of another label (target 0), so the pairs are balanced whatever the class sizes;
/// then all pairs are shuffled. Seeded, so the same examples and seed give the same pairs.
/// </summary>
internal static class ContrastivePairs
{
    /// <summary>Generates 2 × <paramref name="iterations"/> × labels.Count pairs.</summary>
    /// <param name="labels">Each example's class index.</param>
    /// <param name="iterations">R: how many positive and how many negative pairs each example starts.</param>
    /// <param name="seed">Seed of the random choices and the shuffle.</param>
    /// <exception cref="ArgumentException">Fewer than two classes: no negative pair exists.</exception>
    public static SentencePair[] Generate(IReadOnlyList<int> labels, int iterations, int seed)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        var byClass = new Dictionary<int, List<int>>();
        var positionInClass = new int[labels.Count];
        for (int i = 0; i < labels.Count; i++)
        {
            if (!byClass.TryGetValue(labels[i], out List<int>? members))
            {
                byClass[labels[i]] = members = [];
            }

            positionInClass[i] = members.Count;
            members.Add(i);
        }

        if (byClass.Count < 2)
        {
            throw new ArgumentException("Fine-tuning needs examples of at least two labels: every negative pair joins two labels.", nameof(labels));
        }

        var grouped = new int[labels.Count];
        var blocks = new Dictionary<int, (int Start, int Length)>(byClass.Count);
        int offset = 0;
        foreach ((int label, List<int> members) in byClass)
        {
            members.CopyTo(grouped, offset);
            blocks[label] = (offset, members.Count);
            offset += members.Count;
        }

        var random = new Random(seed);
        var pairs = new SentencePair[2 * iterations * labels.Count];
        int count = 0;
        for (int iteration = 0; iteration < iterations; iteration++)
        {
            for (int i = 0; i < labels.Count; i++)
            {
                List<int> same = byClass[labels[i]];

                // Another member of the class when there is one; a lone example pairs with itself (a zero-loss pair
                // that keeps the positive/negative balance).
                int positive = same.Count == 1 ? i : same[(positionInClass[i] + 1 + random.Next(same.Count - 1)) % same.Count];
                pairs[count++] = new SentencePair(i, positive, 1f);

                // Uniform over the examples of other labels: a draw among the n − |class| others, mapped past the
                // class's block in the class-grouped order (constant time, however skewed the classes are).
                (int blockStart, int blockLength) = blocks[labels[i]];
                int draw = random.Next(labels.Count - blockLength);
                int negative = grouped[draw < blockStart ? draw : draw + blockLength];

                pairs[count++] = new SentencePair(i, negative, 0f);
            }
        }

        random.Shuffle(pairs);
        return pairs;
    }
}
