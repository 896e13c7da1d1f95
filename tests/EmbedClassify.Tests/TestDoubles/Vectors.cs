namespace EmbedClassify.Tests.TestDoubles;

/// <summary>Builds test vectors.</summary>
public static class Vectors
{
    /// <summary>A unit vector in the plane of the first two axes, at <paramref name="degrees"/> from the first axis, padded with zeros.</summary>
    public static float[] AtAngle(double degrees, int dimensions = 4)
    {
        var v = new float[dimensions];
        v[0] = (float)Math.Cos(degrees * Math.PI / 180);
        v[1] = (float)Math.Sin(degrees * Math.PI / 180);
        return v;
    }

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

    /// <summary>Double-precision cosine, as a reference.</summary>
    public static double Cosine(float[] x, float[] y)
    {
        double dot = 0, nx = 0, ny = 0;
        for (int i = 0; i < x.Length; i++)
        {
            dot += (double)x[i] * y[i];
            nx += (double)x[i] * x[i];
            ny += (double)y[i] * y[i];
        }

        return nx == 0 || ny == 0 ? 0 : dot / Math.Sqrt(nx * ny);
    }
}
