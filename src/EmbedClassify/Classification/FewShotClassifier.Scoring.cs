using System.Numerics.Tensors;

namespace EmbedClassify;

public sealed partial class FewShotClassifier
{
    /// <summary>Classifies a text whose vector (every embedding view's, laid end to end) is already known.</summary>
    internal Prediction Predict(string text, ReadOnlySpan<float> vector)
    {
        string[] labels = _embedding.LabelArray;
        int classCount = labels.Length;
        var probabilities = new float[classCount];
        ReadOnlySpan<float> primary = PrimaryPart(vector);
        int best = _embedding.Score(primary, probabilities);
        if (_words is not null || _extraViews.Length > 0)
        {
            Span<float> scratch = classCount <= 256 ? stackalloc float[classCount] : new float[classCount];
            Combine(probabilities, vector, _extraViews, _viewOffsets, _words, _words?.Vectorize(text), scratch, _calibration);
            best = SphericalKMeans.ArgMax(probabilities);
        }
        else
        {
            // With one view the embedding view decides alone, so kNN keeps its vote.
            Combine(probabilities, vector, [], _viewOffsets, null, null, [], _calibration);
        }

        var scores = new ClassScore[classCount];
        for (int c = 0; c < classCount; c++)
        {
            scores[c] = new ClassScore(labels[c], probabilities[c]);
        }

        return new Prediction(labels[best], probabilities[best], scores)
        {
            IsUnknown = _options.DetectUnknown && probabilities[best] < _calibration.UnknownThreshold,
            EmbeddingSimilarity = _embedding.ExampleSimilarity(primary, best),
        };
    }

    /// <summary>
    /// Turns the first embedding view's similarities in <paramref name="scores"/> into calibrated probabilities in place,
    /// adding the other embedding views' (scored on their parts of <paramref name="vector"/>) and the word view's when
    /// there are any.
    /// </summary>
    private static void Combine(
        Span<float> scores,
        ReadOnlySpan<float> vector,
        EmbeddingClassifier[] extraViews,
        int[] offsets,
        WordView? words,
        TermVector? terms,
        Span<float> scratch,
        Calibration calibration)
    {
        TensorPrimitives.Multiply(scores, calibration.EmbeddingScale, scores);
        for (int v = 0; v < extraViews.Length; v++)
        {
            extraViews[v].Score(ViewPart(vector, offsets, v + 1), scratch);
            TensorPrimitives.MultiplyAdd(scratch, calibration.ExtraScales[v], scores, scores);
        }

        if (words is not null && terms is { } text)
        {
            words.Score(text, scratch);
            TensorPrimitives.MultiplyAdd(scratch, calibration.WordScale, scores, scores);
        }

        EmbeddingClassifier.Softmax(scores, calibration.Temperature);
    }
}
