namespace EmbedClassify;

public sealed partial class DriftMonitor
{
    private readonly SimilarityReference _reference;
    private readonly double[] _exampleMix;

    /// <summary>
    /// What the examples say a text's similarity to its predicted class's examples should be: each class's mean over its held-out
    /// examples, the pooled spread around those means, and the bound the window's mean shift is checked against.
    /// </summary>
    private sealed class SimilarityReference
    {
        private readonly float[] _means;
        private readonly double _windowCritical;
        private readonly double _referenceCritical;

        private SimilarityReference(float[] means, double spread, double windowCritical, double referenceCritical, bool available)
        {
            _means = means;
            Spread = spread;
            _windowCritical = windowCritical;
            _referenceCritical = referenceCritical;
            IsAvailable = available;
        }

        public bool IsAvailable { get; }

        /// <summary>Gets the examples' pooled standard deviation of similarity around their class means (1 when unavailable).</summary>
        public double Spread { get; }

        /// <summary>
        /// Calibrates on the examples by leave-one-out: each example's cosine to the mean of the other examples of its
        /// class is what a new text like it would show as <see cref="Prediction.EmbeddingSimilarity"/>. With unit rows
        /// and class sums s, that is (x·s − 1) / |s − x| with |s − x|² = |s|² − 2 x·s + 1: one pass over the examples.
        /// </summary>
        public static SimilarityReference Of(EmbeddingClassifier model, double falseAlarmRate, double windowQuantile)
        {
            int classCount = model.Labels.Count;
            int d = model.Dimensions;
            int[] classes = model.ExampleClasses;
            ReadOnlyMemory<float>[] rows = model.InputExampleRows();
            var unit = new float[rows.Length * d];
            var classSums = new float[classCount * d];
            var members = new int[classCount];
            for (int i = 0; i < rows.Length; i++)
            {
                Span<float> row = unit.AsSpan(i * d, d);
                rows[i].Span.CopyTo(row);
                VectorMath.Normalize(row);
                Span<float> sum = classSums.AsSpan(classes[i] * d, d);
                System.Numerics.Tensors.TensorPrimitives.Add(sum, row, sum);
                members[classes[i]]++;
            }

            var squaredNorms = new double[classCount];
            for (int c = 0; c < classCount; c++)
            {
                squaredNorms[c] = VectorMath.Dot(classSums.AsSpan(c * d, d), classSums.AsSpan(c * d, d));
            }

            var heldOut = new List<(int Class, float Similarity)>(rows.Length);
            for (int i = 0; i < rows.Length; i++)
            {
                int c = classes[i];
                double dot = VectorMath.Dot(unit.AsSpan(i * d, d), classSums.AsSpan(c * d, d));
                double rest = squaredNorms[c] - (2 * dot) + 1;
                if (members[c] > 1 && rest > 1e-9)
                {
                    heldOut.Add((c, (float)((dot - 1) / Math.Sqrt(rest))));
                }
            }

            int[] truth = [.. heldOut.Select(h => h.Class)];
            int m = truth.Length;
            var sums = new double[classCount];
            var counts = new int[classCount];
            var nearest = new float[m];
            double total = 0;
            for (int n = 0; n < m; n++)
            {
                nearest[n] = heldOut[n].Similarity;
                sums[truth[n]] += nearest[n];
                counts[truth[n]]++;
                total += nearest[n];
            }

            // Classes with no held-out example (one example) take the pooled mean: an estimate, not a measurement.
            float pooled = m > 0 ? (float)(total / m) : 0;
            var means = new float[classCount];
            int heldClasses = 0;
            double inverseCounts = 0;
            for (int c = 0; c < classCount; c++)
            {
                means[c] = counts[c] > 0 ? (float)(sums[c] / counts[c]) : pooled;
                if (counts[c] > 0)
                {
                    heldClasses++;
                    inverseCounts += 1.0 / counts[c];
                }
            }

            double squares = 0;
            for (int n = 0; n < m; n++)
            {
                double residual = nearest[n] - means[truth[n]];
                squares += residual * residual;
            }

            int degreesOfFreedom = m - heldClasses;
            double spread = degreesOfFreedom > 0 ? Math.Sqrt(squares / degreesOfFreedom) : 0;
            if (degreesOfFreedom < 1 || !(spread > 1e-6))
            {
                // Nothing to calibrate on: shifts are then raw similarities, reported but never checked.
                return new SimilarityReference(new float[classCount], 1, 0, 0, available: false);
            }

            // The window's mean shift has variance 1/n from the window and, because each class mean comes from a few
            // examples, the variance of a mean of class means (equal weights): Σ (1/k_c) / h². The first part is checked
            // over and over as the window slides (the sliding-window quantile); the second is one draw for the whole
            // stream, from a spread that is estimated too, hence Student's t with the residuals' degrees of freedom.
            double referenceVariance = inverseCounts / ((double)heldClasses * heldClasses);
            double critical = MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, degreesOfFreedom, 1 - falseAlarmRate);
            return new SimilarityReference(means, spread, windowQuantile * windowQuantile, critical * critical * referenceVariance, available: true);
        }

        public float MeanOf(int c) => _means[c];

        public float Shift(int c, float similarity) => (float)((similarity - _means[c]) / Spread);

        /// <summary>The shift below which a window of <paramref name="n"/> similarities is drift: each part of the variance times its own squared quantile.</summary>
        public double Threshold(int n) => -Math.Sqrt((_windowCritical / n) + _referenceCritical);
    }
}
