namespace EmbedClassify;

internal sealed partial class WordView
{
    // As for the embedding view: past this many held-out examples a seeded sample places one temperature as well.
    private const int MaxCalibrationExamples = 200;

    // The seed of that sample; the embedding view's default seed, so that both views pick the same rows by default.
    private const int CalibrationSeed = 42;

    /// <summary>
    /// Scores examples of classes with more than one example (a seeded sample of 200 when there are more) against
    /// centroids built without them; see <see cref="LeaveOneOutScores(int[])"/>.
    /// </summary>
    public (float[][] Scores, int[] Truth) LeaveOneOutScores() =>
        LeaveOneOutScores(EmbeddingClassifier.CalibrationCandidates(_exampleClasses, _classCount, CalibrationSeed, MaxCalibrationExamples));

    /// <summary>
    /// Scores exactly the examples <paramref name="candidates"/> (row n for candidate n) against centroids built without
    /// each, with the vocabulary and weights of the whole fit (refitting the weights per example changes them very
    /// little). The caller guarantees that each candidate's class has another example.
    /// </summary>
    /// <remarks>
    /// Removing one example changes only its own class's sum, so the cosine to that class is worked out from the full
    /// sum (s − x)·x / |s − x| with |s − x|² = |s|² − 2 s·x + |x|², in time proportional to the example's own terms and
    /// the classes that share them. Refined centroids play no part: these are the examples' own scores.
    /// </remarks>
    public (float[][] Scores, int[] Truth) LeaveOneOutScores(int[] candidates)
    {
        var scores = new float[candidates.Length][];
        var truth = new int[candidates.Length];
        var dots = new double[_classCount];
        var touched = new List<int>();
        for (int n = 0; n < candidates.Length; n++)
        {
            int held = candidates[n];
            int own = _exampleClasses[held];
            double ownSquaredNorm = 0;
            TermVector example = _exampleVectors[held];
            for (int k = 0; k < example.Terms.Length; k++)
            {
                float weight = example.Weights[k];
                ownSquaredNorm += (double)weight * weight;
                int term = example.Terms[k];
                for (int p = _sumOffsets[term]; p < _sumOffsets[term + 1]; p++)
                {
                    int c = _sumClasses[p];
                    touched.Add(c);
                    dots[c] += weight * _sumValues[p];
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

            foreach (int c in touched)
            {
                dots[c] = 0;
            }

            touched.Clear();
            scores[n] = row;
            truth[n] = own;
        }

        return (scores, truth);
    }
}
