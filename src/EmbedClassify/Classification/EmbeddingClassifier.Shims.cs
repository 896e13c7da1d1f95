namespace EmbedClassify;

// TEMPORARY: stands in for the linear-time leave-one-out of the perf branch until it is merged.
public sealed partial class EmbeddingClassifier
{
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

    internal (float[][] Scores, int[] Truth) LeaveOneOutScores(int[] candidates)
    {
        var scores = new float[candidates.Length][];
        var truth = new int[candidates.Length];
        for (int n = 0; n < candidates.Length; n++)
        {
            int held = candidates[n];
            int d = Dimensions;
            float[] rest = [.. _inputExamples.AsSpan(0, held * d), .. _inputExamples.AsSpan((held + 1) * d)];
            int[] restClasses = [.. _exampleClasses.AsSpan(0, held), .. _exampleClasses.AsSpan(held + 1)];
            EmbeddingClassifier refit = Build(_labels, d, rest, restClasses, _inputUnlabeled, _options, []);
            scores[n] = new float[_labels.Length];
            refit.Score(_inputExamples.AsSpan(held * d, d), scores[n]);
            truth[n] = _exampleClasses[held];
        }

        return (scores, truth);
    }
}
