namespace EmbedClassify.FineTuning;

/// <summary>
/// sentence-transformers' CosineSimilarityLoss, as SetFit uses it: the mean over pairs of (cos(u, v) − label)².
/// </summary>
internal static class CosineSimilarityLoss
{
    // torch.nn.functional.cosine_similarity's floor on the product of the norms, so a zero vector gives 0, not NaN.
    private const double NormFloor = 1e-8;

    /// <summary>
    /// Returns the loss of <paramref name="pairs"/> over <paramref name="vectors"/> ([count, dimension] row-major)
    /// and writes d(loss)/d(vectors) to <paramref name="gradient"/> (same shape; rows in no pair get zeros).
    /// Sums run in double so that finite-difference checks of the whole model see the float model's precision.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> is not positive.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="vectors"/> is not a whole number of rows, <paramref name="gradient"/> differs in length,
    /// <paramref name="pairs"/> is empty, or a pair names a missing row or has a label that is not finite.
    /// </exception>
    public static double Compute(ReadOnlySpan<float> vectors, int dimension, ReadOnlySpan<SentencePair> pairs, Span<float> gradient)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        if (vectors.Length % dimension != 0)
        {
            throw new ArgumentException("The vectors are not a whole number of rows of the dimension.", nameof(vectors));
        }

        if (gradient.Length != vectors.Length)
        {
            throw new ArgumentException("The gradient must be as long as the vectors.", nameof(gradient));
        }

        if (pairs.IsEmpty)
        {
            throw new ArgumentException("There is no pair.", nameof(pairs));
        }

        int count = vectors.Length / dimension;
        foreach (SentencePair pair in pairs)
        {
            if ((uint)pair.First >= (uint)count || (uint)pair.Second >= (uint)count || !float.IsFinite(pair.Label))
            {
                throw new ArgumentException($"The pair {pair} names a row outside 0..{count - 1} or has a label that is not finite.", nameof(pairs));
            }
        }

        gradient.Clear();
        double loss = 0;
        foreach (SentencePair pair in pairs)
        {
            ReadOnlySpan<float> u = vectors.Slice(pair.First * dimension, dimension);
            ReadOnlySpan<float> v = vectors.Slice(pair.Second * dimension, dimension);
            double dot = 0, uu = 0, vv = 0;
            for (int i = 0; i < dimension; i++)
            {
                dot += (double)u[i] * v[i];
                uu += (double)u[i] * u[i];
                vv += (double)v[i] * v[i];
            }

            double norms = Math.Sqrt(uu * vv);
            bool floored = norms < NormFloor;
            double denominator = floored ? NormFloor : norms;
            double cosine = dot / denominator;
            double error = cosine - pair.Label;
            loss += error * error;

            // d(error²/P)/d(cos) times d(cos)/du = v/(|u||v|) − cos·u/|u|² (and symmetrically for v).
            double outer = 2.0 * error / pairs.Length;
            double uScale = floored ? 0 : cosine / uu;
            double vScale = floored ? 0 : cosine / vv;
            Span<float> du = gradient.Slice(pair.First * dimension, dimension);
            Span<float> dv = gradient.Slice(pair.Second * dimension, dimension);
            for (int i = 0; i < dimension; i++)
            {
                du[i] += (float)(outer * (v[i] / denominator - uScale * u[i]));
                dv[i] += (float)(outer * (u[i] / denominator - vScale * v[i]));
            }
        }

        return loss / pairs.Length;
    }
}
