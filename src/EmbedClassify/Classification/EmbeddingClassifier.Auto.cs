namespace EmbedClassify;

public sealed partial class EmbeddingClassifier
{
    /// <summary>
    /// Fits each candidate rule and keeps the one whose held-out examples are classified best. The candidates are ordered
    /// from simplest to most elaborate, and a later one must be strictly better to win: with a handful of examples,
    /// leave-one-out is noisy, and the simpler rule is the safer bet on a tie.
    /// </summary>
    private static EmbeddingClassifier BuildAuto(
        string[] labels,
        int dimensions,
        float[] examples,
        int[] exampleClasses,
        float[] unlabeled,
        FewShotClassifierOptions options,
        float[] noneExamples)
    {
        var candidates = new List<FewShotClassifierOptions>
        {
            With(ClassificationStrategy.NearestCentroid, centered: false),
            With(ClassificationStrategy.NearestCentroid, centered: true),
            With(ClassificationStrategy.KNearestNeighbors, centered: false),
        };
        if (unlabeled.Length > 0)
        {
            candidates.Add(With(ClassificationStrategy.KMeans, centered: false));
            candidates.Add(With(ClassificationStrategy.KMeans, centered: true));
        }

        EmbeddingClassifier? best = null;
        double bestAccuracy = -1;
        foreach (FewShotClassifierOptions candidate in candidates)
        {
            // Unlabelled vectors only matter to k-means; the others are fitted without them, as Fit requires.
            float[] candidateUnlabeled = candidate.Strategy == ClassificationStrategy.KMeans ? unlabeled : [];
            EmbeddingClassifier fitted = Build(labels, dimensions, examples, exampleClasses, candidateUnlabeled, candidate, noneExamples);
            (float[][] scores, int[] truth) = fitted.LeaveOneOutScores();
            int correct = 0;
            for (int i = 0; i < truth.Length; i++)
            {
                correct += SphericalKMeans.ArgMax(scores[i]) == truth[i] ? 1 : 0;
            }

            // A rate, not a count: k-means holds out fewer examples than the others (its refits cost more).
            double accuracy = truth.Length == 0 ? 0 : correct / (double)truth.Length;
            if (accuracy > bestAccuracy)
            {
                best = fitted;
                bestAccuracy = accuracy;
            }
        }

        return best!;

        FewShotClassifierOptions With(ClassificationStrategy strategy, bool centered)
        {
            FewShotClassifierOptions candidate = options.Clone();
            candidate.Strategy = strategy;
            candidate.CenterEmbeddings = centered;
            if (strategy == ClassificationStrategy.KMeans)
            {
                candidate.Initialization = KMeansInitialization.ClassCentroids;
                candidate.Clusters = null;
            }

            return candidate;
        }
    }
}
