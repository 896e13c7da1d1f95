namespace EmbedClassify;

/// <summary>
/// A nearest-centroid classifier over word unigrams and bigrams weighted by TF-IDF, the lexical view of
/// <see cref="FewShotClassifier"/>. It sees the exact words an embedding smooths away (product names, "unsubscribe",
/// "click here") and costs no provider call.
/// </summary>
/// <remarks>
/// Term frequencies are dampened (1 + ln tf) so one repeated word cannot dominate a text; inverse document frequencies
/// come from the examples alone (smoothed: ln((1 + N) / (1 + df)) + 1), so the view needs no corpus. A term no example
/// has gets the weight of a term in no document: it adds nothing to any class score but still lowers the text's cosine
/// to every class, as a text mostly made of unseen words should score low everywhere. Immutable once built.
/// </remarks>
internal sealed partial class WordView
{
    private readonly int _classCount;
    private readonly Dictionary<string, int> _terms;
    private readonly float[] _inverseDocumentFrequency;
    private readonly float _unseenInverseDocumentFrequency;

    // Each term's weight in each class's unit-length centroid, term-major: [term * classCount + class].
    private readonly float[] _centroids;

    // Kept for leave-one-out and refinement: each example's unit vector and class, and each class's vector sum (term-major).
    private readonly TermVector[] _exampleVectors;
    private readonly int[] _exampleClasses;
    private readonly double[] _classSums;
    private readonly double[] _classSquaredNorms;
    private readonly int[] _classCounts;

    private WordView(string[] texts, int[] classes, int classCount)
    {
        _classCount = classCount;
        _exampleClasses = classes;
        Dictionary<string, int>[] counts = [.. texts.Select(Count)];

        _terms = new Dictionary<string, int>(StringComparer.Ordinal);
        var documentFrequency = new List<int>();
        foreach (Dictionary<string, int> document in counts)
        {
            foreach (string term in document.Keys)
            {
                if (_terms.TryGetValue(term, out int index))
                {
                    documentFrequency[index]++;
                }
                else
                {
                    _terms.Add(term, documentFrequency.Count);
                    documentFrequency.Add(1);
                }
            }
        }

        int n = texts.Length;
        _inverseDocumentFrequency = [.. documentFrequency.Select(df => (float)(Math.Log((1.0 + n) / (1.0 + df)) + 1))];
        _unseenInverseDocumentFrequency = (float)(Math.Log(1.0 + n) + 1);

        _exampleVectors = [.. counts.Select(Weigh)];
        _classSums = new double[_terms.Count * classCount];
        _classCounts = new int[classCount];
        for (int i = 0; i < n; i++)
        {
            _classCounts[classes[i]]++;
            TermVector example = _exampleVectors[i];
            for (int k = 0; k < example.Terms.Length; k++)
            {
                _classSums[(example.Terms[k] * classCount) + classes[i]] += example.Weights[k];
            }
        }

        _classSquaredNorms = new double[classCount];
        for (int j = 0; j < _classSums.Length; j++)
        {
            _classSquaredNorms[j % classCount] += _classSums[j] * _classSums[j];
        }

        _centroids = UnitCentroids(_classSums, _classSquaredNorms, classCount);
    }

    private WordView(WordView fitted, float[] centroids)
    {
        _classCount = fitted._classCount;
        _terms = fitted._terms;
        _inverseDocumentFrequency = fitted._inverseDocumentFrequency;
        _unseenInverseDocumentFrequency = fitted._unseenInverseDocumentFrequency;
        _exampleVectors = fitted._exampleVectors;
        _exampleClasses = fitted._exampleClasses;
        _classSums = fitted._classSums;
        _classSquaredNorms = fitted._classSquaredNorms;
        _classCounts = fitted._classCounts;
        _centroids = centroids;
    }

    /// <summary>Fits the view to the examples' texts and class indices (already validated by the caller).</summary>
    public static WordView Fit(string[] texts, int[] classes, int classCount) => new(texts, classes, classCount);

    /// <summary>Returns the text as this view sees it: the weights of the examples' terms, scaled so that the whole text has unit length.</summary>
    public TermVector Vectorize(string text) => Weigh(Count(text));

    /// <summary>Writes the cosine of the text to each class centroid into <paramref name="scores"/>.</summary>
    public void Score(string text, Span<float> scores) => Score(Vectorize(text), scores);

    /// <summary>Writes the cosine of a vectorized text to each class centroid into <paramref name="scores"/>.</summary>
    public void Score(TermVector text, Span<float> scores)
    {
        scores.Clear();
        for (int k = 0; k < text.Terms.Length; k++)
        {
            ReadOnlySpan<float> perClass = _centroids.AsSpan(text.Terms[k] * _classCount, _classCount);
            for (int c = 0; c < perClass.Length; c++)
            {
                scores[c] += text.Weights[k] * perClass[c];
            }
        }
    }

    /// <summary>
    /// Returns a view whose class centroids are the examples' sums plus <paramref name="texts"/> weighted per class by
    /// <paramref name="classWeights"/> (row-major, one row of class weights per text); terms no example has stay out.
    /// </summary>
    public WordView WithWeightedTexts(TermVector[] texts, ReadOnlySpan<float> classWeights)
    {
        var sums = (double[])_classSums.Clone();
        for (int i = 0; i < texts.Length; i++)
        {
            ReadOnlySpan<float> weights = classWeights.Slice(i * _classCount, _classCount);
            TermVector text = texts[i];
            for (int k = 0; k < text.Terms.Length; k++)
            {
                Span<double> perClass = sums.AsSpan(text.Terms[k] * _classCount, _classCount);
                for (int c = 0; c < perClass.Length; c++)
                {
                    perClass[c] += weights[c] * text.Weights[k];
                }
            }
        }

        var squaredNorms = new double[_classCount];
        for (int j = 0; j < sums.Length; j++)
        {
            squaredNorms[j % _classCount] += sums[j] * sums[j];
        }

        return new WordView(this, UnitCentroids(sums, squaredNorms, _classCount));
    }

    /// <summary>
    /// Scores each example of a class with more than one example against centroids built without it, with the
    /// vocabulary and weights of the whole fit (refitting the weights per example changes them very little).
    /// </summary>
    /// <remarks>
    /// Removing one example changes only its own class's sum, so the cosine to that class is worked out from the full
    /// sum (s − x)·x / |s − x| with |s − x|² = |s|² − 2 s·x + |x|², in time proportional to the example's own terms.
    /// </remarks>
    public (float[][] Scores, int[] Truth) LeaveOneOutScores()
    {
        var scores = new List<float[]>();
        var truth = new List<int>();
        var dots = new double[_classCount];
        for (int i = 0; i < _exampleVectors.Length; i++)
        {
            int own = _exampleClasses[i];
            if (_classCounts[own] < 2)
            {
                continue;
            }

            Array.Clear(dots);
            double ownSquaredNorm = 0;
            TermVector example = _exampleVectors[i];
            for (int k = 0; k < example.Terms.Length; k++)
            {
                float weight = example.Weights[k];
                ownSquaredNorm += (double)weight * weight;
                ReadOnlySpan<double> perClass = _classSums.AsSpan(example.Terms[k] * _classCount, _classCount);
                for (int c = 0; c < _classCount; c++)
                {
                    dots[c] += weight * perClass[c];
                }
            }

            var row = new float[_classCount];
            for (int c = 0; c < _classCount; c++)
            {
                (double dot, double squaredNorm) = c == own
                    ? (dots[c] - ownSquaredNorm, _classSquaredNorms[c] - (2 * dots[c]) + ownSquaredNorm)
                    : (dots[c], _classSquaredNorms[c]);
                row[c] = squaredNorm > 1e-12 ? (float)(dot / Math.Sqrt(squaredNorm)) : 0;
            }

            scores.Add(row);
            truth.Add(own);
        }

        return ([.. scores], [.. truth]);
    }

    /// <summary>Splits a text into lower-case words (runs of letters and digits) and their adjacent pairs, with counts.</summary>
    internal static Dictionary<string, int> Count(string text)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
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

    /// <summary>Divides each class's sum by its length; a class with no terms keeps a zero centroid.</summary>
    private static float[] UnitCentroids(double[] sums, double[] squaredNorms, int classCount)
    {
        // The mean's length is irrelevant to a cosine, so the sums are normalized directly.
        double[] inverseNorms = [.. squaredNorms.Select(s => s > 0 ? 1 / Math.Sqrt(s) : 0)];
        var centroids = new float[sums.Length];
        for (int j = 0; j < sums.Length; j++)
        {
            centroids[j] = (float)(sums[j] * inverseNorms[j % classCount]);
        }

        return centroids;
    }

    /// <summary>Weighs term counts by dampened frequency and inverse document frequency, to unit length.</summary>
    private TermVector Weigh(Dictionary<string, int> counts)
    {
        var terms = new List<int>(counts.Count);
        var weights = new List<float>(counts.Count);
        double squares = 0;
        foreach ((string term, int count) in counts)
        {
            bool known = _terms.TryGetValue(term, out int index);
            float weight = (float)(1 + Math.Log(count)) * (known ? _inverseDocumentFrequency[index] : _unseenInverseDocumentFrequency);
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
            VectorMath.Scale(unit, (float)(1 / Math.Sqrt(squares)));
        }

        return new TermVector([.. terms], unit);
    }
}

/// <summary>A text as <see cref="WordView"/> sees it: indices of the examples' terms and their weights.</summary>
/// <param name="Terms">The term indices.</param>
/// <param name="Weights">Each term's weight, scaled so that the whole text (unseen terms included) has unit length.</param>
internal readonly record struct TermVector(int[] Terms, float[] Weights);
