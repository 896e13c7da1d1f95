namespace EmbedClassify.Benchmarks.Infrastructure;

/// <summary>
/// Seeded short texts for fit benchmarks: words from a fixed pseudo-word list, half of each text drawn from its class's
/// own topic words, so the word view has terms that tell classes apart and terms every class shares.
/// </summary>
internal static class FitData
{
    public const int VocabularySize = 5000;
    public const int TopicWords = 20;

    private static readonly string[] Vocabulary = [.. Enumerable.Range(0, VocabularySize).Select(Word)];

    /// <summary>Returns <paramref name="count"/> labelled texts over <paramref name="classCount"/> classes, every class used (count ≥ classCount).</summary>
    public static LabeledExample[] Examples(int count, int classCount, int wordsPerText, int seed = TestData.Seed)
    {
        var random = new Random(seed);
        int[][] topics = Topics(classCount);
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            // The first classCount examples cover every class once; the rest are drawn at random.
            int c = i < classCount ? i : random.Next(classCount);
            return new LabeledExample(Text(random, topics[c], wordsPerText), $"class {c}");
        })];
    }

    /// <summary>Returns <paramref name="count"/> texts like those of <see cref="Examples"/>, without labels.</summary>
    public static string[] Unlabeled(int count, int classCount, int wordsPerText, int seed = TestData.Seed + 1)
    {
        var random = new Random(seed);
        int[][] topics = Topics(classCount);
        return [.. Enumerable.Range(0, count).Select(_ => Text(random, topics[random.Next(classCount)], wordsPerText))];
    }

    private static int[][] Topics(int classCount)
    {
        var random = new Random(TestData.Seed + 2);
        return [.. Enumerable.Range(0, classCount).Select(_ => Enumerable.Range(0, TopicWords).Select(_ => random.Next(VocabularySize)).ToArray())];
    }

    private static string Text(Random random, int[] topic, int words) =>
        string.Join(' ', Enumerable.Range(0, words).Select(_ => Vocabulary[random.Next(2) == 0 ? topic[random.Next(topic.Length)] : random.Next(VocabularySize)]));

    /// <summary>Spells a number in base 26 with a fixed prefix, so every word is a distinct lower-case token.</summary>
    private static string Word(int n)
    {
        var letters = new Stack<char>();
        do
        {
            letters.Push((char)('a' + (n % 26)));
            n /= 26;
        }
        while (n > 0);

        return "w" + new string([.. letters]);
    }
}
