using System.Numerics.Tensors;

namespace EmbedClassify;

/// <summary>
/// A nearest-centroid classifier over word unigrams and bigrams weighted by TF-IDF, the lexical view of
/// <see cref="FewShotClassifier"/>. It sees the exact words an embedding smooths away (product names, "unsubscribe",
/// "click here") and costs no provider call.
/// </summary>
/// <remarks>
/// <para>
/// Term frequencies are dampened (1 + ln tf) so one repeated word cannot dominate a text; inverse document frequencies
/// come from the examples alone (smoothed: ln((1 + N) / (1 + df)) + 1), so the view needs no corpus. A term no example
/// has gets the weight of a term in no document: it adds nothing to any class score but still lowers the text's cosine
/// to every class, as a text mostly made of unseen words should score low everywhere. Immutable once built.
/// </para>
/// <para>
/// Storage is sparse: a class's sum and centroid hold only the terms its examples (and, refined, its weighted texts)
/// have, kept term by term as (class, value) lists, so memory grows with those (term, class) pairs, not with terms ×
/// classes. Sums are added in the same order as a dense term × class table would add them, so scores are the same to
/// the bit.
/// </para>
/// </remarks>
internal sealed partial class WordView
{
    private readonly int _classCount;
    // Terms are kept as 64-bit hashes of their text, never as the text: a saved model must not hold the training
    // examples' words. Two distinct terms of one vocabulary share a hash with odds of about n² / 2⁶⁵.
    private readonly Dictionary<ulong, int> _terms;
    private readonly int[] _documentFrequency;
    private readonly float[] _inverseDocumentFrequency;
    private readonly float _unseenInverseDocumentFrequency;

    // Kept so that WithExamples refits without the texts, and for leave-one-out and refinement: each example's term
    // counts (in the order its text first had them), its unit vector and its class.
    private readonly TermCounts[] _exampleCounts;
    private readonly TermVector[] _exampleVectors;
    private readonly int[] _exampleClasses;
    private readonly int[] _classCounts;

    // The examples' class sums, term-major: the classes that have term t and their sums are at
    // [_sumOffsets[t], _sumOffsets[t + 1]), classes ascending.
    private readonly int[] _sumOffsets;
    private readonly int[] _sumClasses;
    private readonly double[] _sumValues;
    private readonly double[] _classSquaredNorms;

    // Each class's unit-length centroid, laid out like the sums (the same arrays until refinement adds pairs).
    private readonly int[] _centroidOffsets;
    private readonly int[] _centroidClasses;
    private readonly float[] _centroidWeights;

    private WordView(
        int classCount,
        Dictionary<ulong, int> terms,
        int[] documentFrequency,
        float[] inverseDocumentFrequency,
        float unseenInverseDocumentFrequency,
        TermCounts[] exampleCounts,
        int[] exampleClasses)
    {
        _classCount = classCount;
        _terms = terms;
        _documentFrequency = documentFrequency;
        _inverseDocumentFrequency = inverseDocumentFrequency;
        _unseenInverseDocumentFrequency = unseenInverseDocumentFrequency;
        _exampleCounts = exampleCounts;
        _exampleClasses = exampleClasses;
        _exampleVectors = [.. exampleCounts.Select(e => Weigh(e.Terms, e.Counts, 0))];
        _classCounts = new int[classCount];
        foreach (int c in exampleClasses)
        {
            _classCounts[c]++;
        }

        // Each class's examples in input order, so that every (term, class) sum adds them in the order a dense table did.
        var accumulator = new SparseAccumulator(terms.Count);
        var byClass = new ClassMajor(classCount);
        foreach (int[] members in ExamplesByClass(exampleClasses, classCount))
        {
            foreach (int i in members)
            {
                TermVector example = _exampleVectors[i];
                for (int k = 0; k < example.Terms.Length; k++)
                {
                    accumulator.Add(example.Terms[k], example.Weights[k]);
                }
            }

            accumulator.MoveTo(byClass);
        }

        _classSquaredNorms = byClass.SquaredNorms();
        (_sumOffsets, _sumClasses, _sumValues) = byClass.ToTermMajor(terms.Count);
        _centroidOffsets = _sumOffsets;
        _centroidClasses = _sumClasses;
        _centroidWeights = UnitCentroids(_sumClasses, _sumValues, _classSquaredNorms);
    }

    private WordView(WordView fitted, int[] centroidOffsets, int[] centroidClasses, float[] centroidWeights)
    {
        _classCount = fitted._classCount;
        _terms = fitted._terms;
        _documentFrequency = fitted._documentFrequency;
        _inverseDocumentFrequency = fitted._inverseDocumentFrequency;
        _unseenInverseDocumentFrequency = fitted._unseenInverseDocumentFrequency;
        _exampleCounts = fitted._exampleCounts;
        _exampleVectors = fitted._exampleVectors;
        _exampleClasses = fitted._exampleClasses;
        _classCounts = fitted._classCounts;
        _sumOffsets = fitted._sumOffsets;
        _sumClasses = fitted._sumClasses;
        _sumValues = fitted._sumValues;
        _classSquaredNorms = fitted._classSquaredNorms;
        _centroidOffsets = centroidOffsets;
        _centroidClasses = centroidClasses;
        _centroidWeights = centroidWeights;
    }

    /// <summary>Gets the number of classes.</summary>
    public int ClassCount => _classCount;

    /// <summary>Gets the number of examples the view was fitted on.</summary>
    public int ExampleCount => _exampleClasses.Length;

    /// <summary>Gets the number of distinct terms (words and word pairs) of the examples.</summary>
    public int TermCount => _terms.Count;

    /// <summary>Fits the view to the examples' texts and class indices (already validated by the caller).</summary>
    public static WordView Fit(string[] texts, int[] classes, int classCount) =>
        Build([], [], [], texts, classes, classCount);

    /// <summary>Returns the text as this view sees it: the weights of the examples' terms, scaled so that the whole text has unit length.</summary>
    public TermVector Vectorize(string text) => Vectorize(Hash(text));

    /// <summary>
    /// Returns a text given as its term hashes and counts (<see cref="Hash"/>) as this view sees it: exactly what
    /// <see cref="Vectorize(string)"/> gives for the text itself, weighed with this view's IDF.
    /// </summary>
    public TermVector Vectorize(TermHashes text)
    {
        var terms = new int[text.Hashes.Length];
        for (int k = 0; k < terms.Length; k++)
        {
            terms[k] = _terms.TryGetValue(text.Hashes[k], out int index) ? index : -1;
        }

        return Weigh(terms, text.Counts, _unseenInverseDocumentFrequency);
    }

    /// <summary>
    /// Returns what the view needs of a text to weigh it, under any vocabulary: every term's 64-bit hash (terms no
    /// example has included) and count, in the order the text first has them. The text itself is not kept.
    /// </summary>
    internal static TermHashes Hash(string text)
    {
        Dictionary<string, int> counts = Count(text);
        var hashes = new ulong[counts.Count];
        var values = new int[counts.Count];
        int k = 0;
        foreach ((string term, int count) in counts)
        {
            hashes[k] = Key(term);
            values[k++] = count;
        }

        return new TermHashes(hashes, values);
    }

    /// <summary>Writes the cosine of the text to each class centroid into <paramref name="scores"/>.</summary>
    public void Score(string text, Span<float> scores) => Score(Vectorize(text), scores);

    /// <summary>Writes the cosine of a vectorized text to each class centroid into <paramref name="scores"/>.</summary>
    public void Score(TermVector text, Span<float> scores)
    {
        scores.Clear();
        for (int k = 0; k < text.Terms.Length; k++)
        {
            int term = text.Terms[k];
            float weight = text.Weights[k];
            int start = _centroidOffsets[term];
            int length = _centroidOffsets[term + 1] - start;
            if (length == _classCount)
            {
                // Every class has the term (common words, refined centroids): its classes are 0, 1, ..., so the row is
                // read straight, without the class indices. Same additions in the same order.
                ReadOnlySpan<float> row = _centroidWeights.AsSpan(start, length);
                for (int c = 0; c < row.Length; c++)
                {
                    scores[c] += weight * row[c];
                }

                continue;
            }

            for (int p = start; p < start + length; p++)
            {
                scores[_centroidClasses[p]] += weight * _centroidWeights[p];
            }
        }
    }

    /// <summary>Splits a text into lower-case words (runs of letters and digits) and their adjacent pairs, with counts.</summary>
    internal static Dictionary<string, int> Count(string text)
    {
        // A word and its pair with the previous one take about a third of the characters' count in terms; sizing for
        // that skips the three or four regrowths of an empty dictionary (capped, so a long text grows as usual).
        var counts = new Dictionary<string, int>(Math.Min((text.Length / 3) + 1, 256), StringComparer.Ordinal);
        string? previous = null;
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool inWord = i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_');
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                string word = text[start..i].ToLowerInvariant();
                counts[word] = counts.GetValueOrDefault(word) + 1;
                if (previous is not null)
                {
                    string pair = string.Concat(previous, " ", word);
                    counts[pair] = counts.GetValueOrDefault(pair) + 1;
                }

                previous = word;
                start = -1;
            }
        }

        return counts;
    }

    /// <summary>Returns the 64-bit hash a term is kept as (XxHash3 of its UTF-16 code units).</summary>
    internal static ulong Key(string term) => System.IO.Hashing.XxHash3.HashToUInt64(System.Runtime.InteropServices.MemoryMarshal.AsBytes(term.AsSpan()));

    /// <summary>
    /// Fits a view to examples given as term counts (<paramref name="known"/>, over the ids of <paramref name="terms"/>)
    /// followed by <paramref name="texts"/>, whose new terms are appended to <paramref name="terms"/> in order of first
    /// appearance, as a fit of all the texts would number them; IDF is computed over all examples.
    /// </summary>
    private static WordView Build(
        Dictionary<ulong, int> terms, ReadOnlySpan<TermCounts> known, int[] knownClasses, string[] texts, int[] classes, int classCount)
    {
        var documentFrequency = new List<int>(terms.Count);
        documentFrequency.AddRange(new int[terms.Count]);
        var examples = new TermCounts[known.Length + texts.Length];
        for (int i = 0; i < known.Length; i++)
        {
            examples[i] = known[i];
            foreach (int term in known[i].Terms)
            {
                documentFrequency[term]++;
            }
        }

        for (int i = 0; i < texts.Length; i++)
        {
            Dictionary<string, int> counts = Count(texts[i]);
            var ids = new int[counts.Count];
            var values = new int[counts.Count];
            int k = 0;
            foreach ((string term, int count) in counts)
            {
                ulong key = Key(term);
                if (terms.TryGetValue(key, out int index))
                {
                    documentFrequency[index]++;
                }
                else
                {
                    index = documentFrequency.Count;
                    terms.Add(key, index);
                    documentFrequency.Add(1);
                }

                ids[k] = index;
                values[k++] = count;
            }

            examples[known.Length + i] = new TermCounts(ids, values);
        }

        int n = examples.Length;
        int[] frequencies = [.. documentFrequency];
        float[] inverse = [.. frequencies.Select(df => InverseDocumentFrequency(n, df))];
        return new WordView(classCount, terms, frequencies, inverse, InverseDocumentFrequency(n, 0), examples, [.. knownClasses, .. classes]);
    }

    /// <summary>The smoothed IDF of a term in <paramref name="df"/> of <paramref name="n"/> documents; df = 0 is the weight of an unseen term.</summary>
    private static float InverseDocumentFrequency(int n, int df) =>
        df == 0 ? (float)(Math.Log(1.0 + n) + 1) : (float)(Math.Log((1.0 + n) / (1.0 + df)) + 1);

    /// <summary>Returns each class's member indices, ascending.</summary>
    private static int[][] ExamplesByClass(int[] classes, int classCount)
    {
        var counts = new int[classCount];
        foreach (int c in classes)
        {
            counts[c]++;
        }

        int[][] members = [.. counts.Select(count => new int[count])];
        Array.Clear(counts);
        for (int i = 0; i < classes.Length; i++)
        {
            members[classes[i]][counts[classes[i]]++] = i;
        }

        return members;
    }

    /// <summary>Divides each class's sum by its length; a class with no terms keeps a zero centroid.</summary>
    private static float[] UnitCentroids(int[] classes, double[] sums, double[] squaredNorms)
    {
        // The mean's length is irrelevant to a cosine, so the sums are normalized directly.
        double[] inverseNorms = [.. squaredNorms.Select(s => s > 0 ? 1 / Math.Sqrt(s) : 0)];
        var centroids = new float[sums.Length];
        for (int p = 0; p < sums.Length; p++)
        {
            centroids[p] = (float)(sums[p] * inverseNorms[classes[p]]);
        }

        return centroids;
    }

    /// <summary>
    /// Weighs term counts by dampened frequency and inverse document frequency, to unit length; a term id of -1 is a
    /// term no example has, weighed by <paramref name="unseenWeight"/>, which counts in the length but is not kept.
    /// </summary>
    private TermVector Weigh(int[] termIds, int[] counts, float unseenWeight)
    {
        var terms = new List<int>(termIds.Length);
        var weights = new List<float>(termIds.Length);
        double squares = 0;
        for (int k = 0; k < termIds.Length; k++)
        {
            int index = termIds[k];
            bool known = index >= 0;
            float weight = (float)(1 + Math.Log(counts[k])) * (known ? _inverseDocumentFrequency[index] : unseenWeight);
            squares += (double)weight * weight;
            if (known)
            {
                terms.Add(index);
                weights.Add(weight);
            }
        }

        float[] unit = [.. weights];
        if (squares > 0)
        {
            TensorPrimitives.Multiply(unit, (float)(1 / Math.Sqrt(squares)), unit);
        }

        return new TermVector([.. terms], unit);
    }
}

/// <summary>A text as <see cref="WordView"/> sees it: indices of the examples' terms and their weights.</summary>
/// <param name="Terms">The term indices.</param>
/// <param name="Weights">Each term's weight, scaled so that the whole text (unseen terms included) has unit length.</param>
internal readonly record struct TermVector(int[] Terms, float[] Weights);

/// <summary>An example as <see cref="WordView"/> keeps it: its terms' ids, in the order its text first had them, and counts.</summary>
/// <param name="Terms">The term ids.</param>
/// <param name="Counts">How many times the text has each term.</param>
internal readonly record struct TermCounts(int[] Terms, int[] Counts);

/// <summary>
/// A text as <see cref="WordView"/> counts it, without its words: each term's 64-bit hash and count, in the order the
/// text first has them, terms no example has included, so that it can be weighed again under a larger vocabulary.
/// </summary>
/// <param name="Hashes">Each term's hash (<see cref="WordView.Key"/>); two terms of one text may share one.</param>
/// <param name="Counts">How many times the text has each term, at least 1.</param>
internal readonly record struct TermHashes(ulong[] Hashes, int[] Counts);
