namespace EmbedClassify;

public sealed partial class EmbeddingClassifier
{
    // Leave-one-out scores cost one fit per example for k-means; past this many held-out examples the refits dominate
    // any fit, while 50 still place one temperature.
    private const int MaxKMeansCalibrationExamples = 50;

    // Candidates scored per DotMatrix call by the kNN leave-one-out: up to 64 rows of similarities to every example,
    // fewer when the examples are so many that the block would pass this many floats (16 MiB).
    private const int NeighborBlock = 64;
    private const int NeighborBlockFloats = 1 << 22;

    /// <summary>
    /// Picks the examples a leave-one-out calibration holds out: those whose class has at least two examples (counted
    /// in one pass), in index order, or a seeded sample of <paramref name="max"/> of them when there are more.
    /// </summary>
    /// <param name="exampleClasses">Each example's class index, in [0, <paramref name="classCount"/>).</param>
    /// <param name="classCount">The number of classes.</param>
    /// <param name="seed">The seed of the sample's shuffle.</param>
    /// <param name="max">The most candidates to return.</param>
    /// <returns>Example indices; the same for the same arguments, so that several views can score aligned rows.</returns>
    internal static int[] CalibrationCandidates(int[] exampleClasses, int classCount, int seed, int max)
    {
        var counts = new int[classCount];
        foreach (int c in exampleClasses)
        {
            counts[c]++;
        }

        int[] candidates = [.. Enumerable.Range(0, exampleClasses.Length).Where(i => counts[exampleClasses[i]] > 1)];
        if (candidates.Length > max)
        {
            new Random(seed).Shuffle(candidates);
            candidates = candidates[..max];
        }

        return candidates;
    }

    /// <summary>
    /// Scores each (sampled) example with a classifier fitted to all the other examples. Examples whose class would be
    /// left empty are skipped: there is no honest score for a class the classifier has never seen.
    /// </summary>
    internal (float[][] Scores, int[] Truth) LeaveOneOutScores()
    {
        int max = _options.Strategy == ClassificationStrategy.KMeans ? MaxKMeansCalibrationExamples : MaxCalibrationExamples;
        return LeaveOneOutScores(CalibrationCandidates(_exampleClasses, _labels.Length, _options.Seed, max));
    }

    /// <summary>
    /// Scores exactly the examples <paramref name="candidates"/> each with a classifier fitted without it, row n for
    /// candidate n. The caller guarantees that each candidate's class has another example.
    /// </summary>
    /// <remarks>
    /// Nearest centroid and kNN need no refit. Their scores are taken in the space the examples are compared in, with the
    /// center of the whole fit: a refit without one example would move the center (when centering is on) by 1/n of that
    /// example, which changes no score measurably past a handful of examples, and keeping it fixed is what makes the
    /// scores a closed form of sums already held (the word view makes the same approximation with its IDF weights).
    /// Without centering they equal a refit's up to rounding. K-means refits once per candidate.
    /// </remarks>
    internal (float[][] Scores, int[] Truth) LeaveOneOutScores(int[] candidates)
    {
        int[] truth = [.. candidates.Select(i => _exampleClasses[i])];
        float[][] scores = _options.Strategy switch
        {
            ClassificationStrategy.NearestCentroid => CentroidLeaveOneOut(candidates),
            ClassificationStrategy.KNearestNeighbors => NeighborLeaveOneOut(candidates),
            _ => RefitLeaveOneOut(candidates),
        };
        return (scores, truth);
    }

    /// <summary>
    /// Removing example x from its class changes only that class's sum s, so its cosine to the rest of its class is
    /// (s·x − x·x) / |s − x| with |s − x|² = |s|² − 2 s·x + x·x; every other class keeps the centroid of the full fit.
    /// </summary>
    private float[][] CentroidLeaveOneOut(int[] candidates)
    {
        int d = Dimensions;
        int classCount = _labels.Length;
        float[] sums = ClassSums(classCount, d, _examples, _exampleClasses);
        var squaredNorms = new double[classCount];
        for (int c = 0; c < classCount; c++)
        {
            ReadOnlySpan<float> sum = sums.AsSpan(c * d, d);
            squaredNorms[c] = VectorMath.Dot(sum, sum);
        }

        var scores = new float[candidates.Length][];
        var dots = new float[classCount];
        for (int n = 0; n < candidates.Length; n++)
        {
            int held = candidates[n];
            int own = _exampleClasses[held];
            ReadOnlySpan<float> x = _examples.AsSpan(held * d, d);
            VectorMath.DotRows(x, sums, dots);
            double selfDot = VectorMath.Dot(x, x);
            var row = new float[classCount];
            for (int c = 0; c < classCount; c++)
            {
                (double dot, double squaredNorm) = c == own
                    ? (dots[c] - selfDot, squaredNorms[c] - (2.0 * dots[c]) + selfDot)
                    : (dots[c], squaredNorms[c]);

                // A class sum that cancels out (or is just the held example) has no direction: it scores 0, as the
                // zero centroid of a refit does.
                row[c] = squaredNorm > 1e-12 ? (float)(dot / Math.Sqrt(squaredNorm)) : 0;
            }

            scores[n] = row;
        }

        return scores;
    }

    /// <summary>
    /// Scores each candidate as kNN scores a query (each class's best cosine over its examples) with the held example
    /// itself left out; the candidates' similarities to every example come from one blocked matrix product per block.
    /// </summary>
    private float[][] NeighborLeaveOneOut(int[] candidates)
    {
        int d = Dimensions;
        int count = ExampleCount;
        int classCount = _labels.Length;
        var scores = new float[candidates.Length][];
        int block = Math.Clamp(Math.Min(NeighborBlock, NeighborBlockFloats / Math.Max(count, 1)), 1, Math.Max(candidates.Length, 1));
        var queries = new float[block * d];
        var similarities = new float[block * count];
        for (int start = 0; start < candidates.Length; start += block)
        {
            int size = Math.Min(block, candidates.Length - start);
            for (int q = 0; q < size; q++)
            {
                _examples.AsSpan(candidates[start + q] * d, d).CopyTo(queries.AsSpan(q * d, d));
            }

            VectorMath.DotMatrix(queries.AsSpan(0, size * d), _examples, d, similarities.AsSpan(0, size * count));
            for (int q = 0; q < size; q++)
            {
                int held = candidates[start + q];
                ReadOnlySpan<float> toExamples = similarities.AsSpan(q * count, count);
                var row = new float[classCount];

                // -1 is the lowest cosine there is, as in ScoreNeighbors.
                Array.Fill(row, -1f);
                for (int i = 0; i < count; i++)
                {
                    if (i != held)
                    {
                        int c = _exampleClasses[i];
                        row[c] = Math.Max(row[c], toExamples[i]);
                    }
                }

                scores[start + q] = row;
            }
        }

        return scores;
    }

    /// <summary>
    /// Refits without each candidate in turn (k-means: its clusters depend on every point). The candidates are visited
    /// in index order so that one buffer of the other examples is updated by the rows between two candidates, instead of
    /// the whole matrix being copied per refit.
    /// </summary>
    private float[][] RefitLeaveOneOut(int[] candidates)
    {
        int d = Dimensions;
        int count = ExampleCount;
        var scores = new float[candidates.Length][];
        if (candidates.Length == 0)
        {
            return scores;
        }

        int[] order = [.. Enumerable.Range(0, candidates.Length).OrderBy(n => candidates[n])];

        // rest holds every example but 'previous': rows below it in place, rows above it one row up.
        int previous = candidates[order[0]];
        float[] rest = [.. _inputExamples.AsSpan(0, previous * d), .. _inputExamples.AsSpan((previous + 1) * d)];
        int[] restClasses = [.. _exampleClasses.AsSpan(0, previous), .. _exampleClasses.AsSpan(previous + 1)];
        foreach (int n in order)
        {
            int held = candidates[n];
            if (held != previous)
            {
                // Rows previous..held-1 move back to their own places; held's row is the one left out.
                _inputExamples.AsSpan(previous * d, (held - previous) * d).CopyTo(rest.AsSpan(previous * d));
                _exampleClasses.AsSpan(previous, held - previous).CopyTo(restClasses.AsSpan(previous));
                previous = held;
            }

            // Class indices stay those of this classifier, so the refit's scores line up with ours. The refit is scored
            // before the buffers change and is then dropped, so sharing them is safe.
            EmbeddingClassifier refit = Build(_labels, d, rest, restClasses, _inputUnlabeled, _options, []);
            scores[n] = new float[_labels.Length];
            refit.Score(_inputExamples.AsSpan(held * d, d), scores[n]);
        }

        return scores;
    }
}
