using System.Buffers;

namespace EmbedClassify;

/// <summary>
/// Lloyd's k-means on unit vectors, where the nearest center is the one with the highest dot product and a center is
/// the normalized sum of its members (spherical k-means): on the unit sphere this is the same as Euclidean k-means, but
/// needs only dot products.
/// </summary>
internal static class SphericalKMeans
{
    /// <summary>
    /// Chooses <paramref name="k"/> starting centers among <paramref name="points"/> by k-means++: each next center is
    /// drawn with probability proportional to its squared distance to the nearest center chosen so far.
    /// </summary>
    public static float[] SeedPlusPlus(ReadOnlySpan<float> points, int count, int dimensions, int k, Random random)
    {
        var centers = new float[k * dimensions];
        var nearestDistance = new double[count];
        int first = random.Next(count);
        points.Slice(first * dimensions, dimensions).CopyTo(centers);
        Array.Fill(nearestDistance, double.PositiveInfinity);

        for (int c = 1; c < k; c++)
        {
            ReadOnlySpan<float> previous = centers.AsSpan((c - 1) * dimensions, dimensions);
            double total = 0;
            for (int i = 0; i < count; i++)
            {
                // |x - c|^2 = 2 - 2 x.c for unit vectors; clamp the rounding error that can make it slightly negative.
                double distance = Math.Max(0, 2 - (2 * (double)VectorMath.Dot(points.Slice(i * dimensions, dimensions), previous)));
                nearestDistance[i] = Math.Min(nearestDistance[i], distance);
                total += nearestDistance[i];
            }

            int chosen;
            if (total <= 0)
            {
                // Every point already coincides with a center (duplicates): any point is as good as another.
                chosen = random.Next(count);
            }
            else
            {
                double target = random.NextDouble() * total;
                chosen = count - 1;
                for (int i = 0; i < count; i++)
                {
                    target -= nearestDistance[i];
                    if (target < 0)
                    {
                        chosen = i;
                        break;
                    }
                }
            }

            points.Slice(chosen * dimensions, dimensions).CopyTo(centers.AsSpan(c * dimensions, dimensions));
        }

        return centers;
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
    /// <returns>The cluster of each point.</returns>
    public static int[] Run(
        ReadOnlySpan<float> points,
        int count,
        int dimensions,
        float[] centers,
        int k,
        ReadOnlySpan<int> pinned,
        int maxIterations)
    {
        var assignment = new int[count];
        Array.Fill(assignment, -1);
        float[] scores = ArrayPool<float>.Shared.Rent(k);
        var sums = new float[k * dimensions];
        var members = new int[k];
        try
        {
            for (int iteration = 0; iteration < maxIterations; iteration++)
            {
                bool changed = false;
                for (int i = 0; i < count; i++)
                {
                    int cluster = pinned.IsEmpty || pinned[i] < 0
                        ? Nearest(points.Slice(i * dimensions, dimensions), centers, scores.AsSpan(0, k))
                        : pinned[i];
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

                Array.Clear(sums);
                Array.Clear(members);
                for (int i = 0; i < count; i++)
                {
                    VectorMath.Add(points.Slice(i * dimensions, dimensions), sums.AsSpan(assignment[i] * dimensions, dimensions));
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
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scores);
        }

        return assignment;
    }

    /// <summary>Returns the index of the row of <paramref name="centers"/> with the highest dot product; ties go to the lower index.</summary>
    public static int Nearest(ReadOnlySpan<float> point, ReadOnlySpan<float> centers, Span<float> scratch)
    {
        VectorMath.DotRows(point, centers, scratch);
        return ArgMax(scratch);
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
