using System.Buffers;
using System.Numerics.Tensors;

namespace EmbedClassify;

public sealed partial class EmbeddingClassifier
{
    // Past this many held-out examples a seeded sample of them is enough to fit one temperature and one threshold.
    private const int MaxCalibrationExamples = 200;

    // With no example that can be held out (one per class), cosine gaps of a few hundredths should still separate
    // probabilities clearly, which a temperature of 1/20 does.
    private const float FallbackTemperature = 0.05f;

    /// <summary>
    /// Gets the softmax temperature that turns class scores into the probabilities of <see cref="PredictProbabilities"/>,
    /// fitted on first use by leave-one-out on the examples (each example scored by a classifier fitted without it) to
    /// minimize the negative log-likelihood of the true labels.
    /// </summary>
    /// <remarks>
    /// When no example can be held out (every class has a single example), the temperature is 0.05. Thread-safe: the fit
    /// runs once.
    /// </remarks>
    public float Temperature => _temperature.Value;

    /// <summary>
    /// Classifies one vector and returns every class's probability: a softmax of the class scores divided by
    /// <see cref="Temperature"/>.
    /// </summary>
    /// <param name="embedding">The vector, of length <see cref="Dimensions"/>.</param>
    /// <returns>One probability per class, in <see cref="Labels"/> order; they sum to 1.</returns>
    /// <exception cref="ArgumentException"><paramref name="embedding"/> has the wrong length or holds NaN or infinity.</exception>
    public IReadOnlyList<ClassScore> PredictProbabilities(ReadOnlySpan<float> embedding)
    {
        var scores = new float[_labels.Length];
        Score(embedding, scores);
        Softmax(scores, Temperature);
        return [.. scores.Select((p, c) => new ClassScore(_labels[c], p))];
    }

    /// <summary>
    /// Returns the labelled examples most similar to a vector, most similar first, so a prediction can be explained.
    /// </summary>
    /// <param name="embedding">The vector, of length <see cref="Dimensions"/>.</param>
    /// <param name="count">How many examples to return at most.</param>
    /// <returns>The nearest examples; ties go to the example fitted first.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is less than 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="embedding"/> has the wrong length or holds NaN or infinity.</exception>
    public IReadOnlyList<NearestExample> NearestExamples(ReadOnlySpan<float> embedding, int count = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        float[] query = PrepareQuery(embedding);
        var similarities = new float[ExampleCount];
        VectorMath.DotRows(query, _examples, similarities);
        var nearest = new int[Math.Min(count, ExampleCount)];
        int found = VectorMath.TopK(similarities, nearest);
        return [.. nearest.Take(found).Select(i => new NearestExample(i, _labels[_exampleClasses[i]], similarities[i]))];
    }

    /// <summary>
    /// Gets the top score below which <see cref="FewShotClassifierOptions.DetectUnknown"/> flags an input as belonging to no
    /// class, fitted on first use from the examples by leave-one-out: the 5th percentile of the top scores that held-out
    /// examples receive, so that about 19 in 20 texts like the examples pass. With "none" examples
    /// (<see cref="FewShotClassifierOptions.NoneLabel"/>), it is instead the threshold that best separates the held-out
    /// examples' top scores from the none examples' (highest mean of both pass rates; the lowest such threshold).
    /// </summary>
    /// <remarks>When no example can be held out, it is -1, so nothing is flagged. Thread-safe: the fit runs once.</remarks>
    public float UnknownThreshold => _unknownThreshold.Value;

    private float FitUnknownThreshold()
    {
        (float[][] scores, _) = LeaveOneOutScores();
        if (scores.Length == 0)
        {
            return -1f;
        }

        float[] known = [.. scores.Select(s => s.Max())];
        int noneCount = _noneExamples.Length / Dimensions;
        var none = new float[noneCount];
        var classScores = new float[_labels.Length];
        for (int i = 0; i < noneCount; i++)
        {
            Score(_noneExamples.AsSpan(i * Dimensions, Dimensions), classScores);
            none[i] = classScores.Max();
        }

        return ThresholdBetween(known, none);
    }

    /// <summary>
    /// Returns the top score below which a text counts as unknown, from the top scores of held-out examples
    /// (<paramref name="known"/>, at least one) and of "none" examples: without none examples, the 5th percentile of
    /// the known ones, so that about 19 in 20 texts like the examples pass; with them, the cut that best separates both
    /// groups (highest mean of both pass rates; the lowest such cut). Shared by both classifiers, on their own scales.
    /// </summary>
    internal static float ThresholdBetween(float[] known, float[] none)
    {
        known = [.. known.Order()];
        if (none.Length == 0)
        {
            double position = 0.05 * (known.Length - 1);
            int below = (int)Math.Floor(position);
            int above = Math.Min(below + 1, known.Length - 1);
            return (float)(known[below] + ((position - below) * (known[above] - known[below])));
        }

        // A text passes when its top score is at least the cut, so the candidate cuts are each known score (it still
        // passes) and the next float above each none score (it no longer does). Both lists are sorted, so each pass
        // rate is a binary search.
        float[] sortedNone = [.. none.Order()];
        float best = known[0];
        double bestBalance = -1;
        foreach (float cut in known.Concat(none.Select(MathF.BitIncrement)).Order())
        {
            double balance = ((known.Length - LowerBound(known, cut)) / (double)known.Length) + (LowerBound(sortedNone, cut) / (double)sortedNone.Length);
            if (balance > bestBalance)
            {
                bestBalance = balance;
                best = cut;
            }
        }

        return best;
    }

    /// <summary>Returns the number of values below <paramref name="cut"/> in a sorted array.</summary>
    private static int LowerBound(float[] sorted, float cut)
    {
        int low = 0, high = sorted.Length;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (sorted[middle] < cut)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    /// <summary>Turns <paramref name="scores"/> into probabilities in place: softmax of the scores divided by <paramref name="temperature"/>.</summary>
    internal static void Softmax(Span<float> scores, float temperature)
    {
        float max = float.NegativeInfinity;
        foreach (float s in scores)
        {
            max = Math.Max(max, s);
        }

        double sum = 0;
        for (int c = 0; c < scores.Length; c++)
        {
            scores[c] = MathF.Exp((scores[c] - max) / temperature);
            sum += scores[c];
        }

        TensorPrimitives.Multiply(scores, (float)(1 / sum), scores);
    }

    /// <summary>Returns the query as the stored vectors are kept: unit length, centered when centering is on; zero stays zero.</summary>
    private float[] PrepareQuery(ReadOnlySpan<float> embedding)
    {
        float inverseNorm = InverseNormOf(embedding);
        var query = new float[Dimensions];
        if (_center is null || inverseNorm == 0)
        {
            embedding.CopyTo(query);
            TensorPrimitives.Multiply(query, inverseNorm, query);
        }
        else
        {
            TensorPrimitives.Multiply(query, CenterQuery(embedding, inverseNorm, query), query);
        }

        return query;
    }

    private float FitTemperature()
    {
        (float[][] scores, int[] truth) = LeaveOneOutScores();
        return FitTemperature(scores, truth, _labels.Length);
    }

    /// <summary>
    /// Fits the softmax temperature that minimizes the negative log-likelihood of the true classes of leave-one-out
    /// score rows; <see cref="FallbackTemperature"/> when there are none.
    /// </summary>
    internal static float FitTemperature(float[][] scores, int[] truth, int classCount) =>
        FitTemperature(scores, truth, classCount, smoothing: 0, maxTemperature: 10);

    /// <summary>
    /// Fits the temperature as above, against targets that keep <paramref name="smoothing"/> of the probability for the
    /// other classes (label smoothing), searching T in [0.001, <paramref name="maxTemperature"/>].
    /// </summary>
    /// <remarks>
    /// Without smoothing, held-out scores that all rank the true class first are fitted best by the lowest temperature,
    /// which calls every later prediction certain; a few examples cannot justify that. With smoothing, the fit stops where
    /// the true class gets about 1 − <paramref name="smoothing"/> of the probability.
    /// </remarks>
    internal static float FitTemperature(float[][] scores, int[] truth, int classCount, double smoothing, double maxTemperature)
    {
        if (truth.Length == 0)
        {
            return FallbackTemperature;
        }

        // The negative log-likelihood is smooth and unimodal in log T, so a golden-section search over
        // T in [0.001, 10] finds its minimum without derivatives.
        double NegativeLogLikelihood(double logT)
        {
            float t = (float)Math.Exp(logT);
            double total = 0;
            float[] p = ArrayPool<float>.Shared.Rent(classCount);
            try
            {
                for (int i = 0; i < truth.Length; i++)
                {
                    Span<float> probabilities = p.AsSpan(0, classCount);
                    scores[i].CopyTo(probabilities);
                    Softmax(probabilities, t);
                    total -= (1 - smoothing) * Math.Log(Math.Max(probabilities[truth[i]], 1e-12));
                    if (smoothing > 0)
                    {
                        double other = 0;
                        for (int c = 0; c < classCount; c++)
                        {
                            other += c == truth[i] ? 0 : Math.Log(Math.Max(probabilities[c], 1e-12));
                        }

                        total -= smoothing / (classCount - 1) * other;
                    }
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(p);
            }

            return total;
        }

        double low = Math.Log(0.001), high = Math.Log(maxTemperature);
        double ratio = (Math.Sqrt(5) - 1) / 2;
        for (int step = 0; step < 60; step++)
        {
            double a = high - (ratio * (high - low)), b = low + (ratio * (high - low));
            // Ties move up: scores that say nothing about the classes (a flat likelihood) must get a high temperature,
            // or a view with no evidence would be trusted most.
            if (NegativeLogLikelihood(a) < NegativeLogLikelihood(b))
            {
                high = b;
            }
            else
            {
                low = a;
            }
        }

        return (float)Math.Exp((low + high) / 2);
    }
}
