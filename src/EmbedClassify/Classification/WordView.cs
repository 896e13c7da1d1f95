namespace EmbedClassify;

/// <summary>
/// A nearest-centroid classifier over word unigrams and bigrams weighted by TF-IDF, the lexical view of
/// <see cref="HybridClassifier"/>. It sees the exact words an embedding smooths away (product names, "unsubscribe",
/// "click here") and costs no provider call.
/// </summary>
/// <remarks>
/// Term frequencies are dampened (1 + ln tf) so one repeated word cannot dominate a text; inverse document frequencies
/// come from the examples alone (smoothed: ln((1 + N) / (1 + df)) + 1), so the view needs no corpus. A term no example
/// has gets the weight of a term in no document: it adds nothing to any class score but still lowers the text's cosine
/// to every class, as a text mostly made of unseen words should score low everywhere. Immutable once built.
/// </remarks>
internal sealed class WordView
{
    private readonly int _classCount;
    private readonly Dictionary<string, float> _inverseDocumentFrequency;
    private readonly float _unseenInverseDocumentFrequency;

    // Term → its weight in each class's unit-length centroid.
    private readonly Dictionary<string, float[]> _centroids;

    // Kept for leave-one-out: each example's unit vector and class, and each class's vector sum and its squared length.
    private readonly Dictionary<string, float>[] _exampleVectors;
    private readonly int[] _exampleClasses;
    private readonly Dictionary<string, double>[] _classSums;
    private readonly double[] _classSquaredNorms;
    private readonly int[] _classCounts;

    private WordView(string[] texts, int[] classes, int classCount)
    {
        _classCount = classCount;
        _exampleClasses = classes;
        Dictionary<string, int>[] counts = [.. texts.Select(Count)];

        var documentFrequency = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Dictionary<string, int> document in counts)
        {
            foreach (string term in document.Keys)
            {
                documentFrequency[term] = documentFrequency.GetValueOrDefault(term) + 1;
            }
        }

        int n = texts.Length;
        _inverseDocumentFrequency = documentFrequency.ToDictionary(
            p => p.Key,
            p => (float)(Math.Log((1.0 + n) / (1.0 + p.Value)) + 1),
            StringComparer.Ordinal);
        _unseenInverseDocumentFrequency = (float)(Math.Log(1.0 + n) + 1);

        _exampleVectors = [.. counts.Select(Weigh)];
        _classSums = [.. Enumerable.Range(0, classCount).Select(_ => new Dictionary<string, double>(StringComparer.Ordinal))];
        _classCounts = new int[classCount];
        for (int i = 0; i < n; i++)
        {
            _classCounts[classes[i]]++;
            foreach ((string term, float weight) in _exampleVectors[i])
            {
                _classSums[classes[i]][term] = _classSums[classes[i]].GetValueOrDefault(term) + weight;
            }
        }

        _classSquaredNorms = [.. _classSums.Select(sum => sum.Values.Sum(v => v * v))];
        _centroids = BuildCentroids();
    }

    /// <summary>Fits the view to the examples' texts and class indices (already validated by the caller).</summary>
    public static WordView Fit(string[] texts, int[] classes, int classCount) => new(texts, classes, classCount);

    /// <summary>Writes the cosine of the text to each class centroid into <paramref name="scores"/>.</summary>
    public void Score(string text, Span<float> scores)
    {
        scores.Clear();
        foreach ((string term, float weight) in Weigh(Count(text)))
        {
            if (_centroids.TryGetValue(term, out float[]? perClass))
            {
                for (int c = 0; c < perClass.Length; c++)
                {
                    scores[c] += weight * perClass[c];
                }
            }
        }
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
            foreach ((string term, float weight) in _exampleVectors[i])
            {
                ownSquaredNorm += (double)weight * weight;
                for (int c = 0; c < _classCount; c++)
                {
                    dots[c] += weight * _classSums[c].GetValueOrDefault(term);
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

    /// <summary>Weighs term counts by dampened frequency and inverse document frequency, to unit length.</summary>
    private Dictionary<string, float> Weigh(Dictionary<string, int> counts)
    {
        var vector = new Dictionary<string, float>(counts.Count, StringComparer.Ordinal);
        double squares = 0;
        foreach ((string term, int count) in counts)
        {
            float weight = (float)(1 + Math.Log(count)) * _inverseDocumentFrequency.GetValueOrDefault(term, _unseenInverseDocumentFrequency);
            squares += (double)weight * weight;
            if (_inverseDocumentFrequency.ContainsKey(term))
            {
                vector[term] = weight;
            }
        }

        if (squares > 0)
        {
            float inverseNorm = (float)(1 / Math.Sqrt(squares));
            foreach (string term in vector.Keys)
            {
                vector[term] *= inverseNorm;
            }
        }

        return vector;
    }

    /// <summary>Builds the unit-length class centroids: each class's vector sum divided by its length.</summary>
    private Dictionary<string, float[]> BuildCentroids()
    {
        var centroids = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (int c = 0; c < _classCount; c++)
        {
            // The mean's length is irrelevant to a cosine, so the sums are normalized directly.
            double inverseNorm = _classSquaredNorms[c] > 0 ? 1 / Math.Sqrt(_classSquaredNorms[c]) : 0;
            foreach ((string term, double sum) in _classSums[c])
            {
                if (!centroids.TryGetValue(term, out float[]? perClass))
                {
                    perClass = new float[_classCount];
                    centroids[term] = perClass;
                }

                perClass[c] = (float)(sum * inverseNorm);
            }
        }

        return centroids;
    }
}
