using EmbedClassify.Cli.Plotting;

namespace EmbedClassify.Cli.Tests.Plotting;

public class PrincipalComponents2DTests
{
    [Test]
    public void Project_KeepsPairwiseDistances_WhenPointsLieOnAPlane()
    {
        // Arrange: 2-D points placed on an affine plane in 10-D through two orthonormal directions.
        var random = new Random(42);
        const int Dimensions = 10;
        double[] u = Orthonormal(random, Dimensions, null);
        double[] v = Orthonormal(random, Dimensions, u);
        double[] offset = [.. Enumerable.Range(0, Dimensions).Select(_ => random.NextDouble() * 5)];
        var planar = new (double A, double B)[30];
        var vectors = new ReadOnlyMemory<float>[planar.Length];
        for (int i = 0; i < planar.Length; i++)
        {
            planar[i] = ((random.NextDouble() * 8) - 4, (random.NextDouble() * 2) - 1);
            vectors[i] = Enumerable.Range(0, Dimensions).Select(d => (float)(offset[d] + (planar[i].A * u[d]) + (planar[i].B * v[d]))).ToArray();
        }

        // Act
        PrincipalComponents2D pca = PrincipalComponents2D.Fit(vectors);
        (double X, double Y)[] projected = [.. vectors.Select(vector => pca.Project(vector.Span))];

        // Assert: an isometry up to rotation and reflection keeps every pairwise distance.
        for (int i = 0; i < planar.Length; i++)
        {
            for (int j = i + 1; j < planar.Length; j++)
            {
                double expected = Math.Sqrt(Math.Pow(planar[i].A - planar[j].A, 2) + Math.Pow(planar[i].B - planar[j].B, 2));
                double actual = Math.Sqrt(Math.Pow(projected[i].X - projected[j].X, 2) + Math.Pow(projected[i].Y - projected[j].Y, 2));
                Assert.That(actual, Is.EqualTo(expected).Within(1e-4 * Math.Max(1, expected)));
            }
        }

        Assert.That(pca.ExplainedVariance, Is.EqualTo(1).Within(1e-6));
    }

    [Test]
    public void Project_PutsTheWidestSpreadOnTheFirstComponent()
    {
        ReadOnlyMemory<float>[] vectors = [new float[] { 0, -1, 0 }, new float[] { 0, 1, 0 }, new float[] { 0.1f, 0, 0 }, new float[] { -0.1f, 0, 0 }];

        PrincipalComponents2D pca = PrincipalComponents2D.Fit(vectors);

        Assert.That(Math.Abs(pca.Project(vectors[1].Span).X), Is.EqualTo(1).Within(1e-6));
        Assert.That(Math.Abs(pca.Project(vectors[2].Span).Y), Is.EqualTo(0.1).Within(1e-6));
    }

    [Test]
    public void Fit_ThrowsArgumentException_WhenEmptyOrRagged()
    {
        Assert.That(() => PrincipalComponents2D.Fit(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("vectors"));
        Assert.That(() => PrincipalComponents2D.Fit([]), Throws.ArgumentException.With.Property("ParamName").EqualTo("vectors"));
        Assert.That(
            () => PrincipalComponents2D.Fit([new float[] { 1, 2 }, new float[] { 1, 2, 3 }]),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("vectors"));
    }

    [Test]
    public void Project_ThrowsArgumentException_WhenLengthDiffers()
    {
        PrincipalComponents2D pca = PrincipalComponents2D.Fit([new float[] { 1, 2 }, new float[] { 3, 4 }]);

        Assert.That(() => pca.Project(new float[3]), Throws.ArgumentException.With.Property("ParamName").EqualTo("vector"));
    }

    private static double[] Orthonormal(Random random, int dimensions, double[]? against)
    {
        double[] vector = [.. Enumerable.Range(0, dimensions).Select(_ => random.NextDouble() - 0.5)];
        if (against is not null)
        {
            double dot = vector.Zip(against, (a, b) => a * b).Sum();
            for (int d = 0; d < dimensions; d++)
            {
                vector[d] -= dot * against[d];
            }
        }

        double norm = Math.Sqrt(vector.Sum(x => x * x));
        return [.. vector.Select(x => x / norm)];
    }
}
