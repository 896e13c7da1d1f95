using EmbedClassify.Tests.TestDoubles;

namespace EmbedClassify.Tests.Monitoring;

/// <summary>
/// Seeded classes in a 32-dimensional embedding space: each a Gaussian blob around a random direction, a classifier
/// fitted on a few examples of each, and streams of new vectors from the same blobs or from elsewhere.
/// </summary>
internal sealed class SyntheticClasses
{
    public const int Dimensions = 32;
    private const double Spread = 0.12;

    private readonly float[][] _directions;
    private readonly Random _random;

    public SyntheticClasses(int classCount, int examplesPerClass, bool detectUnknown = false, int seed = 7)
    {
        _random = new Random(seed);
        _directions = [.. Enumerable.Range(0, classCount).Select(_ => Unit(Vectors.RandomDirection(Dimensions, _random)))];
        var examples = new List<LabeledEmbedding>();
        for (int k = 0; k < examplesPerClass; k++)
        {
            for (int c = 0; c < classCount; c++)
            {
                examples.Add(new LabeledEmbedding(Label(c), InClass(c)));
            }
        }

        Examples = examples;
        var generator = new FakeEmbeddingGenerator(_ => throw new InvalidOperationException("The tests pass vectors, not texts."));
        Classifier = new FewShotClassifier(generator, EmbeddingClassifier.Fit(examples, new FewShotClassifierOptions { DetectUnknown = detectUnknown }));
    }

    public FewShotClassifier Classifier { get; }

    public IReadOnlyList<LabeledEmbedding> Examples { get; }

    /// <summary>The mean of a class's example vectors (each already unit length), as a reference for the similarity.</summary>
    public float[] ExampleMean(string label)
    {
        var mean = new float[Dimensions];
        foreach (LabeledEmbedding e in Examples.Where(e => e.Label == label))
        {
            for (int i = 0; i < Dimensions; i++)
            {
                mean[i] += e.Vector.Span[i];
            }
        }

        return mean;
    }

    public static string Label(int c) => $"class {c}";

    /// <summary>A new vector of class <paramref name="c"/>, drawn as the examples were.</summary>
    public float[] InClass(int c) => Unit(Vectors.Near(_directions[c], Spread, _random));

    /// <summary>A vector from none of the classes: a blob around a direction of its own.</summary>
    public float[] Elsewhere(float[] direction) => Unit(Vectors.Near(direction, Spread, _random));

    public float[] NewDirection() => Unit(Vectors.RandomDirection(Dimensions, _random));

    /// <summary>The classifier's prediction of a vector, as <see cref="FewShotClassifier.PredictAsync"/> makes it.</summary>
    public Prediction Predict(float[] vector) => Classifier.Predict("unused", vector);

    /// <summary>A prediction of a vector of class <paramref name="c"/>.</summary>
    public Prediction PredictInClass(int c) => Predict(InClass(c));

    private static float[] Unit(float[] v)
    {
        float norm = MathF.Sqrt(v.Sum(x => x * x));
        return [.. v.Select(x => x / norm)];
    }
}
