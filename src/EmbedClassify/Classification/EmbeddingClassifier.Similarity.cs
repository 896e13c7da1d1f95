namespace EmbedClassify;

public sealed partial class EmbeddingClassifier
{
    // Built on first use and never changed after: two threads racing to build it build equal arrays, and either may win.
    private float[]? _exampleMeans;

    /// <summary>
    /// Returns the cosine between <paramref name="embedding"/> and the mean of class <paramref name="c"/>'s examples as
    /// given (unit rows, not centered, not refined): how close a text is to the examples themselves, which
    /// <see cref="Prediction.EmbeddingSimilarity"/> carries. Centered scores cannot say that: with two classes both
    /// centered centroids lie on one axis, and a text from elsewhere can score as high on it as the examples do.
    /// </summary>
    internal float ExampleSimilarity(ReadOnlySpan<float> embedding, int c)
    {
        float[] means = _exampleMeans ??= ExampleMeans(_labels.Length, Dimensions, _inputExamples, _exampleClasses);
        return VectorMath.CosineSimilarity(embedding, means.AsSpan(c * Dimensions, Dimensions));
    }

    /// <summary>Each class's mean of its examples' unit vectors, normalized; a class whose examples cancel out stays zero.</summary>
    internal static float[] ExampleMeans(int classCount, int dimensions, float[] examples, int[] exampleClasses)
    {
        var unit = new float[dimensions];
        var means = new float[classCount * dimensions];
        for (int i = 0; i < exampleClasses.Length; i++)
        {
            examples.AsSpan(i * dimensions, dimensions).CopyTo(unit);
            VectorMath.Normalize(unit);
            Span<float> mean = means.AsSpan(exampleClasses[i] * dimensions, dimensions);
            System.Numerics.Tensors.TensorPrimitives.Add(mean, unit, mean);
        }

        for (int c = 0; c < classCount; c++)
        {
            VectorMath.Normalize(means.AsSpan(c * dimensions, dimensions));
        }

        return means;
    }
}
