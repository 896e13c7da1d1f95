using MathNet.Numerics.LinearAlgebra;

namespace EmbedClassify.Cli.Plotting;

/// <summary>
/// Projects vectors onto their top two principal components (PCA), for drawing them in 2-D.
/// </summary>
/// <remarks>
/// The components are the eigenvectors of the covariance of the centered vectors with the two
/// largest eigenvalues. Each component's sign is fixed so that its largest-magnitude coordinate is
/// positive, so the same input always gives the same picture. Instances are immutable and thread-safe.
/// </remarks>
internal sealed class PrincipalComponents2D
{
    private readonly double[] _mean;
    private readonly double[] _first;
    private readonly double[] _second;

    private PrincipalComponents2D(double[] mean, double[] first, double[] second, double explainedVariance)
    {
        _mean = mean;
        _first = first;
        _second = second;
        ExplainedVariance = explainedVariance;
    }

    /// <summary>Gets the number of dimensions of the vectors this projection accepts.</summary>
    public int Dimensions => _mean.Length;

    /// <summary>Gets the share of the total variance the two components hold (0 when the vectors do not vary).</summary>
    public double ExplainedVariance { get; }

    /// <summary>Fits the projection to a set of vectors.</summary>
    /// <param name="vectors">The vectors; at least one, all of the same, non-zero length.</param>
    /// <returns>The fitted projection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="vectors"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="vectors"/> is empty, or the vectors differ in length or are empty.</exception>
    public static PrincipalComponents2D Fit(IReadOnlyList<ReadOnlyMemory<float>> vectors)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        if (vectors.Count == 0)
        {
            throw new ArgumentException("At least one vector is needed.", nameof(vectors));
        }

        int dimensions = vectors[0].Length;
        if (dimensions == 0)
        {
            throw new ArgumentException("The vectors are empty.", nameof(vectors));
        }

        foreach (ReadOnlyMemory<float> vector in vectors)
        {
            if (vector.Length != dimensions)
            {
                throw new ArgumentException($"The vectors differ in length ({vector.Length} and {dimensions}).", nameof(vectors));
            }
        }

        var mean = new double[dimensions];
        foreach (ReadOnlyMemory<float> vector in vectors)
        {
            ReadOnlySpan<float> span = vector.Span;
            for (int d = 0; d < dimensions; d++)
            {
                mean[d] += span[d];
            }
        }

        for (int d = 0; d < dimensions; d++)
        {
            mean[d] /= vectors.Count;
        }

        Matrix<double> centered = Matrix<double>.Build.Dense(vectors.Count, dimensions, (row, column) => vectors[row].Span[column] - mean[column]);
        Matrix<double> covariance = centered.TransposeThisAndMultiply(centered);
        var evd = covariance.Evd(Symmetricity.Symmetric);

        int[] order = [.. Enumerable.Range(0, dimensions).OrderByDescending(i => evd.EigenValues[i].Real).ThenBy(i => i)];
        double total = Math.Max(0, covariance.Trace());
        double[] first = Component(evd.EigenVectors, order[0]);
        double[] second = dimensions > 1 ? Component(evd.EigenVectors, order[1]) : new double[dimensions];
        double top = Math.Max(0, evd.EigenValues[order[0]].Real) + (dimensions > 1 ? Math.Max(0, evd.EigenValues[order[1]].Real) : 0);
        double explained = total > 0 ? Math.Min(1, top / total) : 0;
        return new PrincipalComponents2D(mean, first, second, explained);
    }

    /// <summary>Projects a vector onto the two components.</summary>
    /// <param name="vector">The vector, of <see cref="Dimensions"/> elements.</param>
    /// <returns>The coordinates along the first and the second component.</returns>
    /// <exception cref="ArgumentException"><paramref name="vector"/> does not have <see cref="Dimensions"/> elements.</exception>
    public (double X, double Y) Project(ReadOnlySpan<float> vector)
    {
        if (vector.Length != Dimensions)
        {
            throw new ArgumentException($"The vector has {vector.Length} elements; the projection expects {Dimensions}.", nameof(vector));
        }

        double x = 0, y = 0;
        for (int d = 0; d < vector.Length; d++)
        {
            double value = vector[d] - _mean[d];
            x += value * _first[d];
            y += value * _second[d];
        }

        return (x, y);
    }

    private static double[] Component(Matrix<double> eigenVectors, int column)
    {
        double[] component = eigenVectors.Column(column).ToArray();
        int largest = 0;
        for (int d = 1; d < component.Length; d++)
        {
            if (Math.Abs(component[d]) > Math.Abs(component[largest]) + 1e-12)
            {
                largest = d;
            }
        }

        if (component[largest] < 0)
        {
            for (int d = 0; d < component.Length; d++)
            {
                component[d] = -component[d];
            }
        }

        return component;
    }
}
