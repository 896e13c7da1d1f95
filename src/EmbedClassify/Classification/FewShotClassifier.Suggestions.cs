using System.Numerics.Tensors;

namespace EmbedClassify;

public sealed partial class FewShotClassifier
{
    // Candidates per suggestion before the diversity step: enough that the clusters have texts to choose among, few
    // enough that clustering them stays cheap next to scoring the pool (Zhdanov 2019, "Diverse mini-batch active
    // learning", used 10).
    private const int CandidatesPerSuggestion = 10;

    private const int ClusteringIterations = 20;

    // Below this margin the classifier cannot say which of two classes a text belongs to; a text chosen with a larger
    // margin was chosen for its distance from every labelled example.
    internal const float UncertainMargin = 0.5f;

    /// <summary>
    /// Embeds a pool of unlabelled texts and returns the ones whose labels would help the classifier most, each with why:
    /// texts it is uncertain about, and texts in regions of the pool far from every labelled example, spread over the pool
    /// so that the suggestions are not near-duplicates of each other.
    /// </summary>
    /// <param name="unlabeledTexts">The pool to choose from.</param>
    /// <param name="count">How many texts to suggest at most (fewer when the pool has fewer distinct texts).</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The suggestions, the most useful first.</returns>
    /// <remarks>See <see cref="SuggestExamplesToLabel"/> for how texts are chosen. The pool is embedded in one generator call.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="unlabeledTexts"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="unlabeledTexts"/> is empty or holds a null or blank text (checked before anything is embedded).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is less than 1.</exception>
    /// <exception cref="InvalidOperationException">The generator returned unusable vectors.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public async Task<IReadOnlyList<LabelingSuggestion>> SuggestExamplesToLabelAsync(
        IEnumerable<string> unlabeledTexts, int count = 10, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(unlabeledTexts);
        string[] pool = [.. unlabeledTexts];
        ValidatePool(pool, count);
        ReadOnlyMemory<float>[] vectors = await TextBatch.EmbedAsync(Generator, pool, VectorLength, cancellationToken).ConfigureAwait(false);
        return SuggestExamplesToLabel(pool, vectors, count, cancellationToken);
    }

    /// <summary>
    /// Returns the texts of a pool whose labels would help the classifier most, from their vectors (embedded by
    /// <see cref="Generator"/>, for example in chunks with progress), each with why.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Each text gets two scores, ranked over the pool: its uncertainty (one minus the margin between its two most probable
    /// classes, calibrated) and its distance to the nearest labelled example (a region no class covers yet). The texts
    /// with the highest mean rank, ten per suggestion, are clustered (spherical k-means, one cluster per suggestion,
    /// seeded by <see cref="FewShotClassifierOptions.Seed"/>), and from each cluster the text nearest its center is
    /// suggested: informative texts, typical of their region, and not near-duplicates of one another (an identical text
    /// is never suggested twice). A suggestion's reason is <see cref="SuggestionReason.Uncertain"/> when its margin is
    /// below 0.5, otherwise <see cref="SuggestionReason.Uncovered"/>. With no examples (a classifier from descriptions), distances are to the descriptions, so
    /// the first suggestions cover the pool.
    /// </para>
    /// <para>
    /// Cost: one prediction and one comparison with every example per text (linear in the pool), a sort of the pool, and
    /// a clustering of 10 × <paramref name="count"/> candidates (quadratic in <paramref name="count"/>, independent of the
    /// pool). Memory: one vector per text. Thread-safe; the result depends only on the inputs and the classifier.
    /// </para>
    /// </remarks>
    /// <param name="unlabeledTexts">The pool's texts (the word view reads them).</param>
    /// <param name="vectors">Each text's vector, from <see cref="Generator"/>.</param>
    /// <param name="count">How many texts to suggest at most.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The suggestions, the most useful first.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="unlabeledTexts"/> or <paramref name="vectors"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="unlabeledTexts"/> is empty or holds a null or blank text, or <paramref name="vectors"/> does not
    /// hold one finite, nonzero vector per text of the generator's length (<see cref="EmbeddingClassifier.Dimensions"/>, or
    /// every model's summed for a <see cref="MultiViewEmbeddingGenerator"/>).
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is less than 1.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public IReadOnlyList<LabelingSuggestion> SuggestExamplesToLabel(
        IReadOnlyList<string> unlabeledTexts, IReadOnlyList<ReadOnlyMemory<float>> vectors, int count = 10, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(unlabeledTexts);
        ArgumentNullException.ThrowIfNull(vectors);
        string[] pool = [.. unlabeledTexts];
        ValidatePool(pool, count);
        if (vectors.Count != pool.Length)
        {
            throw new ArgumentException($"There are {vectors.Count} vectors for {pool.Length} texts.", nameof(vectors));
        }

        int n = pool.Length;
        int dimensions = _embedding.Dimensions;
        if ((long)n * dimensions > Array.MaxLength)
        {
            throw new ArgumentException($"{n} vectors of {dimensions} values do not fit in one array; suggest from smaller pools.", nameof(vectors));
        }

        var compared = new float[n * dimensions];
        var uncertainty = new float[n];
        var margins = new float[n];
        var entropies = new float[n];
        var runnerUp = new int[n];
        var best = new int[n];
        for (int i = 0; i < n; i++)
        {
            if ((i & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            ReadOnlySpan<float> vector = vectors[i].Span;
            if (vector.Length != VectorLength)
            {
                throw new ArgumentException($"vectors[{i}] has {vector.Length} values; the classifier's model has {VectorLength}.", nameof(vectors));
            }

            // Checked here rather than left to the prediction, which would name its own parameter, not this vector; a
            // zero vector would be scored as a text with no direction instead of refused as the generator's is.
            float norm = UnusablePartLength(vector, _viewOffsets);
            if (!float.IsFinite(norm) || norm == 0)
            {
                throw new ArgumentException(
                    $"vectors[{i}] is {(norm == 0 ? "all zeros" : "not finite (NaN or infinity, or too large to measure)")}; pass the vectors the generator returned.",
                    nameof(vectors));
            }

            _embedding.Compared(PrimaryPart(vector), compared.AsSpan(i * dimensions, dimensions));
            Prediction prediction = Predict(pool[i], vector);
            (best[i], runnerUp[i], margins[i], entropies[i]) = Spread(prediction.Scores);
            uncertainty[i] = 1 - margins[i];
        }

        float[] distances = DistancesToExamples(compared, n, dimensions, cancellationToken);
        float[] uncertaintyRank = Ranks(uncertainty);
        float[] distanceRank = Ranks(distances);
        var informativeness = new float[n];
        for (int i = 0; i < n; i++)
        {
            informativeness[i] = (uncertaintyRank[i] + distanceRank[i]) / 2;
        }

        int[] chosen = Diverse(pool, compared, dimensions, informativeness, count, cancellationToken);
        return [.. chosen.Select(i => new LabelingSuggestion(
            i,
            pool[i],
            margins[i] < UncertainMargin ? SuggestionReason.Uncertain : SuggestionReason.Uncovered,
            Labels[best[i]],
            Labels[runnerUp[i]],
            margins[i],
            entropies[i],
            distances[i]))];
    }

    private static void ValidatePool(string[] pool, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (pool.Length == 0)
        {
            throw new ArgumentException("The pool is empty; there is nothing to suggest.", "unlabeledTexts");
        }

        TextBatch.Validate(pool, "unlabeledTexts");
    }

    /// <summary>Returns the top class, the runner-up, their margin and the normalized entropy of calibrated probabilities.</summary>
    private static (int Best, int RunnerUp, float Margin, float Entropy) Spread(IReadOnlyList<ClassScore> scores)
    {
        int first = -1, second = -1;
        double entropy = 0;
        for (int c = 0; c < scores.Count; c++)
        {
            float p = scores[c].Score;
            entropy -= p > 0 ? p * Math.Log(p) : 0;
            if (first < 0 || p > scores[first].Score)
            {
                second = first;
                first = c;
            }
            else if (second < 0 || p > scores[second].Score)
            {
                second = c;
            }
        }

        return (first, second, scores[first].Score - scores[second].Score, (float)(entropy / Math.Log(scores.Count)));
    }

    /// <summary>Returns each pool text's cosine distance, as the embedding view compares, to the nearest labelled example.</summary>
    private float[] DistancesToExamples(float[] compared, int n, int dimensions, CancellationToken cancellationToken)
    {
        ReadOnlyMemory<float>[] rows = [.. _embedding.InputExampleRows(), .. _embedding.NoneRows()];
        var examples = new float[rows.Length * dimensions];
        for (int j = 0; j < rows.Length; j++)
        {
            _embedding.Compared(rows[j].Span, examples.AsSpan(j * dimensions, dimensions));
        }

        var distances = new float[n];
        for (int i = 0; i < n; i++)
        {
            if ((i & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            ReadOnlySpan<float> text = compared.AsSpan(i * dimensions, dimensions);
            float nearest = float.NegativeInfinity;
            for (int j = 0; j < rows.Length; j++)
            {
                nearest = Math.Max(nearest, TensorPrimitives.Dot(text, examples.AsSpan(j * dimensions, dimensions)));
            }

            // A text that is an example can have a dot product a rounding above 1; a distance is never below 0.
            distances[i] = Math.Max(0, 1 - nearest);
        }

        return distances;
    }

    /// <summary>Returns each value's rank in (0, 1], ties sharing their highest rank, so that scales of different kinds can be added.</summary>
    private static float[] Ranks(float[] values)
    {
        int[] order = [.. Enumerable.Range(0, values.Length)];
        float[] keys = [.. values];
        Array.Sort(keys, order);
        var ranks = new float[values.Length];
        for (int k = 0; k < order.Length;)
        {
            int end = k;
            while (end + 1 < order.Length && keys[end + 1] == keys[k])
            {
                end++;
            }

            for (int t = k; t <= end; t++)
            {
                ranks[order[t]] = (end + 1f) / values.Length;
            }

            k = end + 1;
        }

        return ranks;
    }

    /// <summary>
    /// Clusters the most informative texts into <paramref name="count"/> groups and returns, per group, the distinct
    /// text nearest its center, ordered by informativeness.
    /// </summary>
    private int[] Diverse(string[] pool, float[] compared, int dimensions, float[] informativeness, int count, CancellationToken cancellationToken)
    {
        // One candidate per distinct text: a repeated text must not take two clusters.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int[] byInformativeness = [.. Enumerable.Range(0, pool.Length).OrderByDescending(i => informativeness[i]).ThenBy(i => i)];
        var candidates = new List<int>();
        long wanted = (long)count * CandidatesPerSuggestion;
        foreach (int i in byInformativeness)
        {
            if (candidates.Count >= wanted)
            {
                break;
            }

            if (seen.Add(pool[i]))
            {
                candidates.Add(i);
            }
        }

        int k = Math.Min(count, candidates.Count);
        if (k == candidates.Count)
        {
            return [.. candidates];
        }

        cancellationToken.ThrowIfCancellationRequested();
        var points = new float[candidates.Count * dimensions];
        for (int c = 0; c < candidates.Count; c++)
        {
            compared.AsSpan(candidates[c] * dimensions, dimensions).CopyTo(points.AsSpan(c * dimensions, dimensions));
        }

        // Clustering is quadratic in count and can take longer than scoring the whole pool: it watches the token too.
        float[] centers = SphericalKMeans.SeedPlusPlus(points, candidates.Count, dimensions, k, new Random(_options.Seed), cancellationToken);
        int[] assignment = SphericalKMeans.Run(points, candidates.Count, dimensions, centers, k, [], ClusteringIterations, cancellationToken);
        var nearest = new int[k];
        var nearestSimilarity = new float[k];
        Array.Fill(nearest, -1);
        for (int c = 0; c < candidates.Count; c++)
        {
            int cluster = assignment[c];
            float similarity = TensorPrimitives.Dot(points.AsSpan(c * dimensions, dimensions), centers.AsSpan(cluster * dimensions, dimensions));
            if (nearest[cluster] < 0 || similarity > nearestSimilarity[cluster])
            {
                nearest[cluster] = c;
                nearestSimilarity[cluster] = similarity;
            }
        }

        return [.. nearest.Where(c => c >= 0).Select(c => candidates[c]).OrderByDescending(i => informativeness[i]).ThenBy(i => i)];
    }
}
