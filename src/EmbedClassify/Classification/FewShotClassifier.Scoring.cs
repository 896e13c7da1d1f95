using System.Numerics.Tensors;

namespace EmbedClassify;

public sealed partial class FewShotClassifier
{
    /// <summary>Classifies a text whose vector is already known.</summary>
    internal Prediction Predict(string text, ReadOnlySpan<float> vector)
    {
        string[] labels = _embedding.LabelArray;
        int classCount = labels.Length;
        var probabilities = new float[classCount];
        int best = _embedding.Score(vector, probabilities);
        if (_words is not null)
        {
            Span<float> scratch = classCount <= 256 ? stackalloc float[classCount] : new float[classCount];
            Combine(probabilities, _words, _words.Vectorize(text), scratch, _calibration);
            best = SphericalKMeans.ArgMax(probabilities);
        }
        else
        {
            // Without a word view the embedding view decides alone, so kNN keeps its vote.
            Combine(probabilities, null, null, [], _calibration);
        }

        var scores = new ClassScore[classCount];
        for (int c = 0; c < classCount; c++)
        {
            scores[c] = new ClassScore(labels[c], probabilities[c]);
        }

        return new Prediction(labels[best], probabilities[best], scores)
        {
            IsUnknown = _options.DetectUnknown && probabilities[best] < _calibration.UnknownThreshold,
            EmbeddingSimilarity = _embedding.ExampleSimilarity(vector, best),
        };
    }

    /// <summary>
    /// Turns the embedding view's similarities in <paramref name="scores"/> into calibrated probabilities in place, adding
    /// the word view's when there is one.
    /// </summary>
    private static void Combine(Span<float> scores, WordView? words, TermVector? terms, Span<float> scratch, Calibration calibration)
    {
        TensorPrimitives.Multiply(scores, calibration.EmbeddingScale, scores);
        if (words is not null && terms is { } text)
        {
            words.Score(text, scratch);
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(scratch, calibration.WordScale, scores, scores);
        }

        EmbeddingClassifier.Softmax(scores, calibration.Temperature);
    }
}
