using System.Buffers;
using System.Numerics.Tensors;

namespace EmbedClassify;

/// <summary>
/// Lloyd's k-means on unit vectors, where the nearest center is the one with the highest dot product and a center is
/// the normalized sum of its members (spherical k-means): on the unit sphere this is the same as Euclidean k-means, but
/// needs only dot products.
/// </summary>
internal static class SphericalKMeans
{
    // Points scored per DotMatrix call: large enough to amortize the call, small enough that the block's scores and
    // points stay in the core's cache.
    private const int AssignBlock = 64;

    // Below this many multiply-adds an assignment step takes well under 100 microseconds, too little to be worth waking
    // workers for.
    private const long ParallelWork = 1 << 22;

    /// <summary>
    /// Chooses <paramref name="k"/> starting centers among <paramref name="points"/> by k-means++: each next center is
    /// drawn with probability proportional to its squared distance to the nearest center chosen so far.
    /// </summary>
    /// <param name="points">Row-major unit vectors.</param>
    /// <param name="count">The number of points.</param>
    /// <param name="dimensions">The length of each point.</param>
    /// <param name="k">The number of centers to choose.</param>
    /// <param name="random">The source of the draws.</param>
    /// <param name="cancellationToken">Checked before each center is chosen.</param>
    /// <returns>The centers, row-major.</returns>
    public static float[] SeedPlusPlus(ReadOnlySpan<float> points, int count, int dimensions, int k, Random random, CancellationToken cancellationToken = default)
    {
        var centers = new float[k * dimensions];
        var nearestDistance = new double[count];
        int first = random.Next(count);
        points.Slice(first * dimensions, dimensions).CopyTo(centers);
        Array.Fill(nearestDistance, double.PositiveInfinity);

        float[] dots = ArrayPool<float>.Shared.Rent(count);
        try
        {
            for (int c = 1; c < k; c++)
            {
                cancellationToken.ThrowIfCancellationRequested();

                // One streaming pass over the points; DotRows returns exactly what Dot would for each point.
                VectorMath.DotRows(centers.AsSpan((c - 1) * dimensions, dimensions), points[..(count * dimensions)], dots.AsSpan(0, count));
                points.Slice(Choose(dots.AsSpan(0, count), nearestDistance, random) * dimensions, dimensions)
                    .CopyTo(centers.AsSpan(c * dimensions, dimensions));
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(dots);
        }

        return centers;
    }

    // Draws the next center with probability proportional to each point's squared distance to its nearest center so far,
    // given the dot product of every point with the center chosen last.
    private static int Choose(ReadOnlySpan<float> dots, double[] nearestDistance, Random random)
    {
        int count = dots.Length;
        double total = 0;
        for (int i = 0; i < count; i++)
        {
            // |x - c|^2 = 2 - 2 x.c for unit vectors; clamp the rounding error that can make it slightly negative.
            double distance = Math.Max(0, 2 - (2 * (double)dots[i]));
            nearestDistance[i] = Math.Min(nearestDistance[i], distance);
            total += nearestDistance[i];
        }

        if (total <= 0)
        {
            // Every point already coincides with a center (duplicates): any point is as good as another.
            return random.Next(count);
        }

        double target = random.NextDouble() * total;
        for (int i = 0; i < count; i++)
        {
            target -= nearestDistance[i];
            if (target < 0)
            {
                return i;
            }
        }

        return count - 1;
    }

    /// <summary>
    /// Runs Lloyd iterations from the given <paramref name="centers"/>, which are updated in place.
    /// </summary>
    /// <param name="points">Row-major unit vectors.</param>
    /// <param name="count">The number of points.</param>
    /// <param name="dimensions">The length of each point.</param>
    /// <param name="centers">Row-major unit starting centers; receives the final centers.</param>
    /// <param name="k">The number of centers.</param>
    /// <param name="pinned">
    /// For each point, the cluster it must stay in, or -1 where the point is free to move; empty when every point is free.
    /// </param>
    /// <param name="maxIterations">The largest number of assign-and-update rounds.</param>
    /// <param name="cancellationToken">Checked before each round.</param>
    /// <returns>The cluster of each point.</returns>
    public static int[] Run(
        ReadOnlyMemory<float> points,
        int count,
        int dimensions,
        float[] centers,
        int k,
        ReadOnlySpan<int> pinned,
        int maxIterations,
        CancellationToken cancellationToken = default)
    {
        var assignment = new int[count];
        Array.Fill(assignment, -1);
        var nearest = new int[count];
        var sums = new float[k * dimensions];
        var members = new int[k];
        for (int iteration = 0; iteration < maxIterations; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            AssignNearest(points, count, dimensions, centers, k, nearest);
            bool changed = false;
            for (int i = 0; i < count; i++)
            {
                int cluster = pinned.IsEmpty || pinned[i] < 0 ? nearest[i] : pinned[i];
                if (cluster != assignment[i])
                {
                    assignment[i] = cluster;
                    changed = true;
                }
            }

            if (!changed)
            {
                break;
            }

            ReadOnlySpan<float> pointSpan = points.Span;
            Array.Clear(sums);
            Array.Clear(members);
            for (int i = 0; i < count; i++)
            {
                Span<float> sum = sums.AsSpan(assignment[i] * dimensions, dimensions);
                TensorPrimitives.Add(sum, pointSpan.Slice(i * dimensions, dimensions), sum);
                members[assignment[i]]++;
            }

            for (int c = 0; c < k; c++)
            {
                Span<float> sum = sums.AsSpan(c * dimensions, dimensions);

                // An emptied cluster, or members that cancel out exactly, give no direction: keep the old center
                // rather than invent one.
                if (members[c] > 0 && VectorMath.Normalize(sum) > 0)
                {
                    sum.CopyTo(centers.AsSpan(c * dimensions, dimensions));
                }
            }
        }

        return assignment;
    }

    /// <summary>
    /// Sets <paramref name="nearest"/>[i] to the center with the highest dot product with point i (ties to the lower
    /// index), scoring blocks of points against all centers with the register-blocked <see cref="VectorMath.DotMatrix"/>.
    /// </summary>
    public static void AssignNearest(ReadOnlyMemory<float> points, int count, int dimensions, float[] centers, int k, int[] nearest)
    {
        int blocks = (count + AssignBlock - 1) / AssignBlock;

        // The assignment step is nearly all of a fit's arithmetic and every point is independent, so large fits spread
        // the blocks over the cores; the result does not depend on how they are spread.
        if ((long)count * k * dimensions < ParallelWork || Environment.ProcessorCount == 1)
        {
            float[] scratch = ArrayPool<float>.Shared.Rent(AssignBlock * k);
            for (int block = 0; block < blocks; block++)
            {
                AssignBlockOfPoints(points.Span, count, dimensions, centers, k, nearest, block, scratch);
            }

            ArrayPool<float>.Shared.Return(scratch);
            return;
        }

        Parallel.For(
            0,
            blocks,
            () => ArrayPool<float>.Shared.Rent(AssignBlock * k),
            (block, _, scratch) =>
            {
                AssignBlockOfPoints(points.Span, count, dimensions, centers, k, nearest, block, scratch);
                return scratch;
            },
            scratch => ArrayPool<float>.Shared.Return(scratch));
    }

    private static void AssignBlockOfPoints(
        ReadOnlySpan<float> points, int count, int dimensions, float[] centers, int k, int[] nearest, int block, float[] scratch)
    {
        int first = block * AssignBlock;
        int size = Math.Min(AssignBlock, count - first);
        Span<float> scores = scratch.AsSpan(0, size * k);
        VectorMath.DotMatrix(points.Slice(first * dimensions, size * dimensions), centers.AsSpan(0, k * dimensions), dimensions, scores);
        for (int i = 0; i < size; i++)
        {
            nearest[first + i] = ArgMax(scores.Slice(i * k, k));
        }
    }

    /// <summary>Returns the index of the largest value; ties go to the lower index, and NaN never wins over a number.</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best] || (float.IsNaN(values[best]) && !float.IsNaN(values[i])))
            {
                best = i;
            }
        }

        return best;
    }
}
