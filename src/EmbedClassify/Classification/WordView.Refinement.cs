using System.Buffers;

namespace EmbedClassify;

internal sealed partial class WordView
{
    // A text adds nothing to a class whose weight is below this fraction of the text's largest class weight: its share of
    // that centroid is a millionth of what it gives its best class, below what a float score resolves, and skipping it
    // keeps refinement over thousands of classes proportional to the weights that matter, not to texts × classes.
    private const float NegligibleWeight = 1e-6f;

    // Refinement keeps one dense row of class sums per term the texts have while there are at most this many
    // (term, class) cells (128 MiB of doubles): with dense weights every such cell is filled anyway, and a dense row is
    // the fastest way to add them. Past it (thousands of classes), sums are built class by class over the weights that
    // are not negligible.
    private const long DenseRefinementCells = 1L << 24;

    /// <summary>
    /// Returns a view whose class centroids are the examples' sums plus <paramref name="texts"/> weighted per class by
    /// <paramref name="classWeights"/> (row-major, one row of class weights per text); terms no example has stay out.
    /// </summary>
    /// <remarks>
    /// Sums are added in the order a dense term × class table adds them. While the terms the texts have times the classes
    /// stay under <see cref="DenseRefinementCells"/>, every weight is added and the centroids are those of the dense table
    /// to the bit; past it, a weight below a millionth of its text's largest weight is skipped
    /// (see <see cref="NegligibleWeight"/>). The result keeps this view's examples: its
    /// <see cref="LeaveOneOutScores()"/> and <see cref="WithExamples"/> are those of the unrefined view.
    /// </remarks>
    public WordView WithWeightedTexts(TermVector[] texts, ReadOnlySpan<float> classWeights)
    {
        // Each term the texts have gets a slot, in ascending term order.
        var slots = new int[_terms.Count];
        foreach (TermVector text in texts)
        {
            foreach (int term in text.Terms)
            {
                slots[term] = 1;
            }
        }

        int touched = 0;
        for (int t = 0; t < slots.Length; t++)
        {
            slots[t] = slots[t] == 1 ? touched++ : -1;
        }

        return (long)touched * _classCount <= DenseRefinementCells
            ? WithWeightedTextsDense(texts, classWeights, slots, touched)
            : WithWeightedTextsSparse(texts, classWeights);
    }

    /// <summary>Refines with one dense row of class sums per term the texts have; the other terms keep the examples' sums.</summary>
    private WordView WithWeightedTextsDense(TermVector[] texts, ReadOnlySpan<float> classWeights, int[] slots, int touched)
    {
        int classCount = _classCount;

        // Refinement calls this once per round with the same texts; a pooled table is reused instead of leaving one
        // large table per round for the collector.
        double[] rented = ArrayPool<double>.Shared.Rent(touched * classCount);
        try
        {
            return WithWeightedTextsDense(texts, classWeights, slots, rented.AsSpan(0, touched * classCount));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    private WordView WithWeightedTextsDense(TermVector[] texts, ReadOnlySpan<float> classWeights, int[] slots, Span<double> rows)
    {
        int classCount = _classCount;
        rows.Clear();
        for (int t = 0; t < slots.Length; t++)
        {
            if (slots[t] >= 0)
            {
                for (int p = _sumOffsets[t]; p < _sumOffsets[t + 1]; p++)
                {
                    rows[(slots[t] * classCount) + _sumClasses[p]] = _sumValues[p];
                }
            }
        }

        for (int i = 0; i < texts.Length; i++)
        {
            ReadOnlySpan<float> weights = classWeights.Slice(i * classCount, classCount);
            TermVector text = texts[i];
            for (int k = 0; k < text.Terms.Length; k++)
            {
                VectorMath.MultiplyAddWidening(weights, text.Weights[k], rows.Slice(slots[text.Terms[k]] * classCount, classCount));
            }
        }

        // Terms ascending, as the dense table's squared norms and the term-major layout both need; zero cells are left out.
        var squaredNorms = new double[classCount];
        var offsets = new int[slots.Length + 1];
        for (int t = 0; t < slots.Length; t++)
        {
            int entries = 0;
            if (slots[t] < 0)
            {
                for (int p = _sumOffsets[t]; p < _sumOffsets[t + 1]; p++)
                {
                    squaredNorms[_sumClasses[p]] += _sumValues[p] * _sumValues[p];
                }

                entries = _sumOffsets[t + 1] - _sumOffsets[t];
            }
            else
            {
                ReadOnlySpan<double> row = rows.Slice(slots[t] * classCount, classCount);
                for (int c = 0; c < row.Length; c++)
                {
                    squaredNorms[c] += row[c] * row[c];
                    entries += row[c] != 0 ? 1 : 0;
                }
            }

            offsets[t + 1] = offsets[t] + entries;
        }

        double[] inverseNorms = [.. squaredNorms.Select(s => s > 0 ? 1 / Math.Sqrt(s) : 0)];
        var classes = new int[offsets[^1]];
        var centroids = new float[offsets[^1]];
        for (int t = 0; t < slots.Length; t++)
        {
            int slot = offsets[t];
            if (slots[t] < 0)
            {
                for (int p = _sumOffsets[t]; p < _sumOffsets[t + 1]; p++, slot++)
                {
                    classes[slot] = _sumClasses[p];
                    centroids[slot] = (float)(_sumValues[p] * inverseNorms[_sumClasses[p]]);
                }
            }
            else
            {
                ReadOnlySpan<double> row = rows.Slice(slots[t] * classCount, classCount);
                for (int c = 0; c < row.Length; c++)
                {
                    if (row[c] != 0)
                    {
                        classes[slot] = c;
                        centroids[slot++] = (float)(row[c] * inverseNorms[c]);
                    }
                }
            }
        }

        return new WordView(this, offsets, classes, centroids);
    }

    /// <summary>Refines class by class over the weights that are not negligible, for more (term, class) cells than a dense row per term allows.</summary>
    internal WordView WithWeightedTextsSparse(TermVector[] texts, ReadOnlySpan<float> classWeights)
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

        return Build(new Dictionary<ulong, int>(_terms), _exampleCounts, _exampleClasses, texts, classes, classCount);
    }
}
