using EmbedClassify.Tests.TestDoubles;
using System.Numerics.Tensors;

namespace EmbedClassify.Tests.Classification;

public class EmbeddingClassifierLeaveOneOutTests
{
    // These tests were written for raw cosines, so they turn off the centering that is on by default.
    private static readonly FewShotClassifierOptions Raw = new() { CenterEmbeddings = false };

    private const int Dimensions = 16;

    /// <summary>Seeded blobs: <paramref name="classCount"/> classes of <paramref name="perClass"/> examples, plus one singleton class "solo".</summary>
    private static LabeledEmbedding[] Blobs(int classCount, int perClass, int seed = 7, double spread = 0.6)
    {
        var random = new Random(seed);
        float[][] centers = [.. Enumerable.Range(0, classCount).Select(_ => Vectors.RandomDirection(Dimensions, random))];
        var examples = new List<LabeledEmbedding>();
        for (int i = 0; i < classCount * perClass; i++)
        {
            int c = i % classCount;
            examples.Add(new LabeledEmbedding($"c{c}", Vectors.Near(centers[c], spread, random)));
        }

        examples.Add(new LabeledEmbedding("solo", Vectors.RandomDirection(Dimensions, random)));
        return [.. examples];
    }

    /// <summary>The refit's scores of a vector in <paramref name="labels"/> order (a refit numbers classes by first appearance, which the held example can change).</summary>
    private static float[] RefitScores(EmbeddingClassifier refit, IReadOnlyList<string> labels, ReadOnlyMemory<float> vector)
    {
        var scores = new float[refit.Labels.Count];
        refit.Score(vector.Span, scores);
        return [.. labels.Select(l => scores[refit.Labels.ToList().IndexOf(l)])];
    }

    private static float[] Normalized(ReadOnlyMemory<float> vector)
    {
        float[] v = vector.ToArray();
        VectorMath.Normalize(v);
        return v;
    }

    [Test]
    public void CalibrationCandidates_SkipsSingletonClasses_InIndexOrder()
    {
        int[] candidates = EmbeddingClassifier.CalibrationCandidates([0, 1, 0, 2, 1, 0], 3, seed: 1, max: 10);

        Assert.That(candidates, Is.EqualTo(new[] { 0, 1, 2, 4, 5 }));
    }

    [Test]
    public void CalibrationCandidates_SamplesTheSameAsTheQuadraticFilterDid_AndIsSeeded()
    {
        var random = new Random(3);
        int[] classes = [.. Enumerable.Range(0, 5000).Select(_ => random.Next(3000))];

        // The selection calibration made before: a per-example count over all examples, then a seeded shuffle.
        int[] reference = [.. Enumerable.Range(0, classes.Length).Where(i => classes.Count(c => c == classes[i]) > 1)];
        new Random(42).Shuffle(reference);

        int[] candidates = EmbeddingClassifier.CalibrationCandidates(classes, 3000, seed: 42, max: 200);
        int[] other = EmbeddingClassifier.CalibrationCandidates(classes, 3000, seed: 43, max: 200);

        Assert.Multiple(() =>
        {
            Assert.That(candidates, Is.EqualTo(reference[..200]));
            Assert.That(EmbeddingClassifier.CalibrationCandidates(classes, 3000, seed: 42, max: 200), Is.EqualTo(candidates));
            Assert.That(other, Is.Not.EqualTo(candidates));
            Assert.That(candidates.Distinct().Count(), Is.EqualTo(200));
        });
    }

    [Test]
    public void CalibrationCandidates_IsLinearInTheExamples()
    {
        // 2,000,000 examples: the quadratic filter would need 4·10^12 comparisons (this test would never end); one
        // counting pass takes milliseconds. Its time is measured in FitBenchmarks, as a ratio, not asserted here.
        int[] classes = [.. Enumerable.Range(0, 2_000_000).Select(i => i % 1000)];

        int[] candidates = EmbeddingClassifier.CalibrationCandidates(classes, 1000, seed: 42, max: 200);

        Assert.Multiple(() =>
        {
            Assert.That(candidates, Has.Length.EqualTo(200));
            Assert.That(candidates.Distinct().Count(), Is.EqualTo(200));
        });
    }

    [Test]
    public void LeaveOneOutScores_NearestCentroid_EqualsARefitWithoutTheExample_WhenNotCentered()
    {
        LabeledEmbedding[] examples = Blobs(4, 5);
        var classifier = EmbeddingClassifier.Fit(examples, Raw);
        int[] candidates = [0, 3, 7, 19];

        (float[][] scores, int[] truth) = classifier.LeaveOneOutScores(candidates);

        for (int n = 0; n < candidates.Length; n++)
        {
            var refit = EmbeddingClassifier.Fit(examples.Where((_, i) => i != candidates[n]), Raw);
            float[] expected = RefitScores(refit, classifier.Labels, examples[candidates[n]].Vector);
            Assert.That(scores[n], Is.EqualTo(expected).Within(1e-5), $"candidate {candidates[n]}");
            Assert.That(classifier.Labels[truth[n]], Is.EqualTo(examples[candidates[n]].Label));
        }
    }

    [Test]
    public void LeaveOneOutScores_NearestCentroid_EqualsARefitWithTheCenterHeldFixed_WhenCentered()
    {
        // The closed form keeps the whole fit's center; a refit on vectors already centered on it (and not centering
        // again) is the exact reference for that.
        LabeledEmbedding[] examples = Blobs(3, 6, seed: 11);
        var classifier = EmbeddingClassifier.Fit(examples, new FewShotClassifierOptions { CenterEmbeddings = true });
        float[][] unit = [.. examples.Select(e => Normalized(e.Vector))];
        var center = new float[Dimensions];
        foreach (float[] v in unit)
        {
            TensorPrimitives.Add(center, v, center);
        }

        TensorPrimitives.Multiply(center, 1f / unit.Length, center);
        LabeledEmbedding[] centered = [.. examples.Select((e, i) => new LabeledEmbedding(e.Label, unit[i].Select((x, j) => x - center[j]).ToArray()))];
        int[] candidates = [.. Enumerable.Range(0, examples.Length - 1)];

        (float[][] scores, _) = classifier.LeaveOneOutScores(candidates);

        for (int n = 0; n < candidates.Length; n++)
        {
            var refit = EmbeddingClassifier.Fit(centered.Where((_, i) => i != candidates[n]), Raw);
            float[] expected = RefitScores(refit, classifier.Labels, centered[candidates[n]].Vector);
            Assert.That(scores[n], Is.EqualTo(expected).Within(1e-5), $"candidate {candidates[n]}");
        }
    }

    [Test]
    public void LeaveOneOutScores_KNearestNeighbors_LeavesTheHeldExampleOut()
    {
        // Held out, 0° no longer finds itself (cosine 1) but its class-mate at 40°.
        LabeledEmbedding[] examples =
        [
            new("a", Vectors.AtAngle(0)), new("a", Vectors.AtAngle(40)),
            new("b", Vectors.AtAngle(90)), new("b", Vectors.AtAngle(120)),
        ];
        var classifier = EmbeddingClassifier.Fit(examples, new FewShotClassifierOptions { CenterEmbeddings = false, Strategy = ClassificationStrategy.KNearestNeighbors, Neighbors = 1 });

        (float[][] scores, int[] truth) = classifier.LeaveOneOutScores([0, 3]);

        Assert.Multiple(() =>
        {
            Assert.That(truth, Is.EqualTo(new[] { 0, 1 }));
            Assert.That(scores[0][0], Is.EqualTo(Math.Cos(40 * Math.PI / 180)).Within(1e-6));
            Assert.That(scores[0][1], Is.EqualTo(Math.Cos(90 * Math.PI / 180)).Within(1e-6));
            Assert.That(scores[1][1], Is.EqualTo(Math.Cos(30 * Math.PI / 180)).Within(1e-6));
        });
    }

    [Test]
    public void LeaveOneOutScores_KNearestNeighbors_EqualsARefitWithoutTheExample()
    {
        // More candidates than one block of the blocked similarity product.
        LabeledEmbedding[] examples = Blobs(5, 20, seed: 5);
        var options = new FewShotClassifierOptions { CenterEmbeddings = false, Strategy = ClassificationStrategy.KNearestNeighbors };
        var classifier = EmbeddingClassifier.Fit(examples, options);
        int[] candidates = [.. Enumerable.Range(0, 100)];

        (float[][] scores, _) = classifier.LeaveOneOutScores(candidates);

        foreach (int n in (int[])[0, 63, 64, 99])
        {
            var refit = EmbeddingClassifier.Fit(examples.Where((_, i) => i != candidates[n]), options);
            float[] expected = RefitScores(refit, classifier.Labels, examples[candidates[n]].Vector);
            Assert.That(scores[n], Is.EqualTo(expected).Within(1e-5), $"candidate {candidates[n]}");
        }
    }

    [Test]
    public void LeaveOneOutScores_KMeans_RefitsInAnyCandidateOrder_AndSamplesAtMost50()
    {
        LabeledEmbedding[] examples = Blobs(3, 30, seed: 9);
        var options = new FewShotClassifierOptions { CenterEmbeddings = false, Strategy = ClassificationStrategy.KMeans };
        var classifier = EmbeddingClassifier.Fit(examples, options);
        int[] candidates = [40, 2, 17, 3];

        (float[][] scores, _) = classifier.LeaveOneOutScores(candidates);
        (float[][] all, int[] truth) = classifier.LeaveOneOutScores();

        for (int n = 0; n < candidates.Length; n++)
        {
            var refit = EmbeddingClassifier.Fit(examples.Where((_, i) => i != candidates[n]), options);
            float[] expected = RefitScores(refit, classifier.Labels, examples[candidates[n]].Vector);
            Assert.That(scores[n], Is.EqualTo(expected).Within(1e-5), $"candidate {candidates[n]}");
        }

        Assert.Multiple(() =>
        {
            Assert.That(truth, Has.Length.EqualTo(50));
            Assert.That(all, Has.Length.EqualTo(50));
        });
    }

    [Test]
    public void LeaveOneOutScores_WithoutCandidates_UsesTheSeededSample()
    {
        LabeledEmbedding[] examples = Blobs(4, 60);
        var classifier = EmbeddingClassifier.Fit(examples, Raw);
        int[] candidates = EmbeddingClassifier.CalibrationCandidates(
            [.. examples.Select(e => classifier.Labels.ToList().IndexOf(e.Label))], classifier.Labels.Count, 42, 200);

        (float[][] sampled, int[] truth) = classifier.LeaveOneOutScores();
        (float[][] explicitly, int[] explicitTruth) = classifier.LeaveOneOutScores(candidates);

        Assert.Multiple(() =>
        {
            Assert.That(truth, Has.Length.EqualTo(200));
            Assert.That(truth, Is.EqualTo(explicitTruth));
            Assert.That(sampled, Is.EqualTo(explicitly));
        });
    }
}
