using System.Numerics.Tensors;

namespace EmbedClassify;

public sealed partial class EmbeddingClassifier
{
    /// <summary>Gets each example's class index, in fitting order (shared with the views fitted beside this one; do not modify).</summary>
    internal int[] ExampleClasses => _exampleClasses;

    /// <summary>Returns the examples' vectors as given (normalized only), in fitting order.</summary>
    internal ReadOnlyMemory<float>[] InputExampleRows() => Rows(_inputExamples);

    /// <summary>Returns the "none" examples' vectors (normalized).</summary>
    internal ReadOnlyMemory<float>[] NoneRows() => Rows(_noneExamples);

    /// <summary>Returns the unlabelled vectors the classifier was fitted with (normalized).</summary>
    internal ReadOnlyMemory<float>[] UnlabeledRows() => Rows(_inputUnlabeled);

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
            TensorPrimitives.Multiply(destination, inverseNorm, destination);
            return;
        }

        TensorPrimitives.Multiply(destination, CenterQuery(embedding, inverseNorm, destination), destination);
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

    private ReadOnlyMemory<float>[] Rows(float[] matrix)
    {
        var rows = new ReadOnlyMemory<float>[matrix.Length / Dimensions];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = matrix.AsMemory(i * Dimensions, Dimensions);
        }

        return rows;
    }
}
