namespace EmbedClassify.MLNet.Tests.TestDoubles;

/// <summary>Builds seeded test vectors.</summary>
public static class Blobs
{
    /// <summary>A point of a Gaussian blob around <paramref name="center"/>.</summary>
    public static float[] Near(float[] center, double spread, Random random)
    {
        var v = new float[center.Length];
        for (int i = 0; i < v.Length; i++)
        {
            // Box-Muller: Random has no Gaussian of its own.
            double u1 = 1.0 - random.NextDouble();
            double u2 = random.NextDouble();
            v[i] = center[i] + (float)(spread * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }

        return v;
    }

    /// <summary>A random direction with seeded Gaussian coordinates.</summary>
    public static float[] RandomDirection(int dimensions, Random random) => Near(new float[dimensions], 1, random);

    /// <summary>The unit vector along axis <paramref name="axis"/>.</summary>
    public static float[] Axis(int axis, int dimensions)
    {
        var v = new float[dimensions];
        v[axis] = 1;
        return v;
    }

    /// <summary>
    /// <paramref name="perClass"/> points around each of the first <paramref name="classes"/> axes, labelled "c0", "c1", ….
    /// </summary>
    public static List<LabeledEmbedding> Labeled(int classes, int perClass, int dimensions, double spread, Random random)
    {
        var examples = new List<LabeledEmbedding>();
        for (int i = 0; i < perClass; i++)
        {
            for (int c = 0; c < classes; c++)
            {
                examples.Add(new LabeledEmbedding($"c{c}", Near(Axis(c, dimensions), spread, random)));
            }
        }

        return examples;
    }
}
