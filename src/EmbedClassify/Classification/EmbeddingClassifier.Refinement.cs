namespace EmbedClassify;

public sealed partial class EmbeddingClassifier
{
    /// <summary>
    /// Returns each class's sum of its examples as the decision rule compares them (unit length, centered when the
    /// options ask for it), row-major, one row per class.
    /// </summary>
    internal float[] ComparedClassSums() => ClassSums(_labels.Length, Dimensions, _examples, _exampleClasses);

    /// <summary>
    /// Writes <paramref name="embedding"/> as the decision rule compares it (unit length, centered when the options ask
    /// for it) into <paramref name="destination"/>; a vector equal to the center stays zero.
    /// </summary>
    internal void Compared(ReadOnlySpan<float> embedding, Span<float> destination)
    {
        float inverseNorm = InverseNormOf(embedding);
        if (_center is null || inverseNorm == 0)
        {
            embedding.CopyTo(destination);
            VectorMath.Scale(destination, inverseNorm);
            return;
        }

        VectorMath.Scale(destination, CenterQuery(embedding, inverseNorm, destination));
    }

    /// <summary>
    /// Returns a nearest-centroid classifier that keeps this one's examples, center and calibration data but compares
    /// queries with <paramref name="centroids"/> (one unit row per class, in the space of <see cref="ComparedClassSums"/>).
    /// </summary>
    internal EmbeddingClassifier WithCentroids(float[] centroids)
    {
        if (_options.Strategy != ClassificationStrategy.NearestCentroid || centroids.Length != _labels.Length * Dimensions)
        {
            throw new InvalidOperationException("Only a nearest-centroid classifier takes one centroid per class.");
        }

        return new EmbeddingClassifier(
            _labels, Dimensions, _inputExamples, _inputUnlabeled, _exampleClasses, _center, _examples, centroids,
            [.. Enumerable.Range(0, _labels.Length)], _options, _noneExamples);
    }
}
