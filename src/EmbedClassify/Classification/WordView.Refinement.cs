namespace EmbedClassify;

internal sealed partial class WordView
{
    // A text adds nothing to a class whose weight is below this fraction of the text's largest class weight: its share of
    // that centroid is a millionth of what it gives its best class, below what a float score resolves, and skipping it
    // keeps refinement over thousands of classes proportional to the weights that matter, not to texts × classes.
    private const float NegligibleWeight = 1e-6f;

    /// <summary>
    /// Returns a view whose class centroids are the examples' sums plus <paramref name="texts"/> weighted per class by
    /// <paramref name="classWeights"/> (row-major, one row of class weights per text); terms no example has stay out.
    /// </summary>
    /// <remarks>
    /// A weight below a millionth of its text's largest weight is skipped (see <see cref="NegligibleWeight"/>); the
    /// others are added in the order a dense term × class table adds them, so with no skipped weight the centroids are
    /// the same to the bit. The result keeps this view's examples: its <see cref="LeaveOneOutScores()"/> and
    /// <see cref="WithExamples"/> are those of the unrefined view.
    /// </remarks>
    public WordView WithWeightedTexts(TermVector[] texts, ReadOnlySpan<float> classWeights)
    {
        // Each class's texts with the weights worth adding, texts ascending, from one pass over the dense weights.
        var counts = new int[_classCount + 1];
        var thresholds = new float[texts.Length];
        for (int i = 0; i < texts.Length; i++)
        {
            ReadOnlySpan<float> row = classWeights.Slice(i * _classCount, _classCount);
            float max = 0;
            foreach (float w in row)
            {
                max = Math.Max(max, w);
            }

            thresholds[i] = max * NegligibleWeight;
            for (int c = 0; c < row.Length; c++)
            {
                counts[c + 1] += Kept(row[c], thresholds[i]) ? 1 : 0;
            }
        }

        for (int c = 0; c < _classCount; c++)
        {
            counts[c + 1] += counts[c];
        }

        int[] next = counts[.._classCount];
        var members = new int[counts[_classCount]];
        for (int i = 0; i < texts.Length; i++)
        {
            ReadOnlySpan<float> row = classWeights.Slice(i * _classCount, _classCount);
            for (int c = 0; c < row.Length; c++)
            {
                if (Kept(row[c], thresholds[i]))
                {
                    members[next[c]++] = i;
                }
            }
        }

        (int[] sumOffsets, int[] sumTerms, double[] sumValues) = ToClassMajor(_sumOffsets, _sumClasses, _sumValues, _classCount);
        var accumulator = new SparseAccumulator(_terms.Count);
        var byClass = new ClassMajor(_classCount);
        for (int c = 0; c < _classCount; c++)
        {
            // The examples' sum first, then each text in order: the order in which a dense table's cell grew.
            for (int p = sumOffsets[c]; p < sumOffsets[c + 1]; p++)
            {
                accumulator.Add(sumTerms[p], sumValues[p]);
            }

            for (int m = counts[c]; m < counts[c + 1]; m++)
            {
                int i = members[m];
                float weight = classWeights[(i * _classCount) + c];
                TermVector text = texts[i];
                for (int k = 0; k < text.Terms.Length; k++)
                {
                    accumulator.Add(text.Terms[k], weight * text.Weights[k]);
                }
            }

            accumulator.MoveTo(byClass);
        }

        double[] squaredNorms = byClass.SquaredNorms();
        (int[] offsets, int[] classes, double[] sums) = byClass.ToTermMajor(_terms.Count);
        return new WordView(this, offsets, classes, UnitCentroids(classes, sums, squaredNorms));

        static bool Kept(float weight, float threshold) => weight > 0 && weight >= threshold;
    }

    /// <summary>
    /// Returns a view fitted to this view's examples followed by <paramref name="texts"/>: the same as
    /// <see cref="Fit"/> on all the texts in that order, without needing the old texts (their term counts are kept).
    /// </summary>
    /// <remarks>
    /// Document frequencies, IDF weights, example vectors and class sums are recomputed over all examples, so every
    /// score equals a fresh fit's to the bit. Old term ids and class indices are kept; new terms are numbered after them
    /// in order of first appearance. Refined centroids (<see cref="WithWeightedTexts"/>) are not carried over: the
    /// result is an unrefined fit, to refine again with the new examples' weight.
    /// </remarks>
    /// <param name="texts">The new examples' texts.</param>
    /// <param name="classes">Their class indices, in [0, <paramref name="classCount"/>).</param>
    /// <param name="classCount">The number of classes, at least this view's; new classes come after the old ones.</param>
    /// <returns>A new view; this one is unchanged.</returns>
    public WordView WithExamples(string[] texts, int[] classes, int classCount)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, _classCount);
        if (texts.Length != classes.Length)
        {
            throw new ArgumentException($"There are {texts.Length} texts but {classes.Length} class indices.", nameof(classes));
        }

        if (classes.Any(c => (uint)c >= (uint)classCount))
        {
            throw new ArgumentOutOfRangeException(nameof(classes), "A class index is outside [0, classCount).");
        }

        return Build(new Dictionary<string, int>(_terms, StringComparer.Ordinal), _exampleCounts, _exampleClasses, texts, classes, classCount);
    }
}
