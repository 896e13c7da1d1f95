using System.Numerics.Tensors;

namespace EmbedClassify;

public sealed partial class EmbeddingClassifier
{
    private static EmbeddingClassifier Build(
        string[] labels,
        int dimensions,
        float[] examples,
        int[] exampleClasses,
        float[] unlabeled,
        FewShotClassifierOptions options,
        float[] noneExamples)
    {
        float[] inputExamples = examples;
        float[] inputUnlabeled = unlabeled;
        float[]? center = null;
        if (options.CenterEmbeddings)
        {
            center = Mean(dimensions, examples, unlabeled);
            examples = Centered(dimensions, examples, center);

            // Only k-means reads the unlabelled vectors after this; centering a large batch for every leave-one-out
            // refit of another strategy would copy it once per example.
            unlabeled = options.Strategy == ClassificationStrategy.KMeans ? Centered(dimensions, unlabeled, center) : unlabeled;
        }

        float[] centroids = ClassCentroids(labels.Length, dimensions, examples, exampleClasses);
        (float[] prototypes, int[] prototypeClasses) = options.Strategy switch
        {
            ClassificationStrategy.NearestCentroid => (centroids, Enumerable.Range(0, labels.Length).ToArray()),
            ClassificationStrategy.KMeans => FitKMeans(labels.Length, dimensions, examples, exampleClasses, unlabeled, centroids, options),

            // kNN compares against the examples themselves; it keeps no prototypes.
            _ => ([], []),
        };

        return new EmbeddingClassifier(
            labels, dimensions, inputExamples, inputUnlabeled, exampleClasses, center, examples, prototypes, prototypeClasses, options, noneExamples);
    }

    /// <summary>Returns the mean of the rows of both matrices (the unit vectors of examples and unlabelled texts).</summary>
    private static float[] Mean(int dimensions, float[] examples, float[] unlabeled)
    {
        var sum = new float[dimensions];
        int count = 0;
        foreach (float[] matrix in (ReadOnlySpan<float[]>)[examples, unlabeled])
        {
            for (int offset = 0; offset < matrix.Length; offset += dimensions, count++)
            {
                TensorPrimitives.Add(sum, matrix.AsSpan(offset, dimensions), sum);
            }
        }

        TensorPrimitives.Multiply(sum, 1f / count, sum);
        return sum;
    }

    /// <summary>Returns each row minus <paramref name="center"/>, renormalized; a row equal to the center stays zero.</summary>
    private static float[] Centered(int dimensions, float[] matrix, float[] center)
    {
        var result = new float[matrix.Length];
        for (int offset = 0; offset < matrix.Length; offset += dimensions)
        {
            Span<float> row = result.AsSpan(offset, dimensions);
            for (int i = 0; i < dimensions; i++)
            {
                row[i] = matrix[offset + i] - center[i];
            }

            VectorMath.Normalize(row);
        }

        return result;
    }

    /// <summary>Returns each class's sum of its examples, row-major, one row per class.</summary>
    private static float[] ClassSums(int classCount, int dimensions, float[] examples, int[] exampleClasses)
    {
        var sums = new float[classCount * dimensions];
        for (int i = 0; i < exampleClasses.Length; i++)
        {
            Span<float> sum = sums.AsSpan(exampleClasses[i] * dimensions, dimensions);
            TensorPrimitives.Add(sum, examples.AsSpan(i * dimensions, dimensions), sum);
        }

        return sums;
    }

    private static float[] ClassCentroids(int classCount, int dimensions, float[] examples, int[] exampleClasses)
    {
        float[] centroids = ClassSums(classCount, dimensions, examples, exampleClasses);
        for (int c = 0; c < classCount; c++)
        {
            // A class whose unit examples cancel out exactly has a zero centroid; it then scores 0 against everything,
            // which is the honest answer for a class with no direction.
            VectorMath.Normalize(centroids.AsSpan(c * dimensions, dimensions));
        }

        return centroids;
    }

    private static (float[] Centers, int[] Classes) FitKMeans(
        int classCount,
        int dimensions,
        float[] examples,
        int[] exampleClasses,
        float[] unlabeled,
        float[] centroids,
        FewShotClassifierOptions options)
    {
        int labeledCount = exampleClasses.Length;
        int count = labeledCount + (unlabeled.Length / dimensions);
        float[] points = unlabeled.Length == 0 ? examples : [.. examples, .. unlabeled];

        if (options.Initialization == KMeansInitialization.ClassCentroids)
        {
            if (options.Clusters is { } requested && requested != classCount)
            {
                throw new ArgumentException(
                    $"Seeding k-means from class centroids makes one cluster per class ({classCount}), but {requested} clusters were requested.",
                    nameof(options));
            }

            float[] centers = (float[])centroids.Clone();
            var pinned = new int[count];
            exampleClasses.CopyTo(pinned, 0);
            pinned.AsSpan(labeledCount).Fill(-1);
            _ = SphericalKMeans.Run(points, count, dimensions, centers, classCount, pinned, options.MaxIterations);
            return (centers, Enumerable.Range(0, classCount).ToArray());
        }

        int k = options.Clusters ?? classCount;
        if (k > count)
        {
            throw new ArgumentException(
                $"k-means was asked for {k} clusters but there are only {count} vectors to cluster.",
                nameof(options));
        }

        float[] seeded = SphericalKMeans.SeedPlusPlus(points, count, dimensions, k, new Random(options.Seed));
        int[] assignment = SphericalKMeans.Run(points, count, dimensions, seeded, k, [], options.MaxIterations);
        return (seeded, NameClusters(classCount, dimensions, seeded, k, assignment, exampleClasses, centroids));
    }

    /// <summary>
    /// Names each cluster by the majority label of its labelled members. A tie, or a cluster with no labelled member,
    /// goes to the candidate class whose centroid is nearest to the cluster's center, so naming never depends on order.
    /// </summary>
    private static int[] NameClusters(
        int classCount,
        int dimensions,
        float[] centers,
        int k,
        int[] assignment,
        int[] exampleClasses,
        float[] centroids)
    {
        var votes = new int[k * classCount];
        for (int i = 0; i < exampleClasses.Length; i++)
        {
            votes[(assignment[i] * classCount) + exampleClasses[i]]++;
        }

        var names = new int[k];
        for (int cluster = 0; cluster < k; cluster++)
        {
            ReadOnlySpan<int> clusterVotes = votes.AsSpan(cluster * classCount, classCount);
            int most = 0;
            foreach (int v in clusterVotes)
            {
                most = Math.Max(most, v);
            }

            ReadOnlySpan<float> center = centers.AsSpan(cluster * dimensions, dimensions);
            int best = -1;
            float bestSimilarity = float.NegativeInfinity;
            for (int c = 0; c < classCount; c++)
            {
                if (clusterVotes[c] != most)
                {
                    continue;
                }

                float similarity = VectorMath.Dot(center, centroids.AsSpan(c * dimensions, dimensions));
                if (best < 0 || similarity > bestSimilarity)
                {
                    best = c;
                    bestSimilarity = similarity;
                }
            }

            names[cluster] = best;
        }

        return names;
    }
}
