namespace EmbedClassify.Tests;

public partial class VectorMathTests
{
    [Test]
    public void TopK_MatchesSortBasedReference_OnRandomDataWithTiesAndNaN()
    {
        var random = new Random(Seed);
        for (int trial = 0; trial < 300; trial++)
        {
            int n = random.Next(0, 200);
            float[] scores = new float[n];
            for (int i = 0; i < n; i++)
            {
                // Few distinct values so ties are common; some NaN and infinities too.
                scores[i] = random.Next(12) switch
                {
                    0 => float.NaN,
                    1 => float.NegativeInfinity,
                    2 => float.PositiveInfinity,
                    _ => random.Next(-5, 6) * 0.5f,
                };
            }

            int k = random.Next(0, n + 5);
            int[] indices = new int[k];

            int written = VectorMath.TopK(scores, indices);

            int[] expected = ReferenceTopK(scores, k);
            Assert.That(written, Is.EqualTo(expected.Length), $"trial {trial}");
            Assert.That(indices.Take(written), Is.EqualTo(expected), $"trial {trial}, n {n}, k {k}");
        }
    }

    [Test]
    public void TopK_ReturnsIndicesInDescendingScoreOrder()
    {
        float[] scores = [0.1f, 0.9f, -0.5f, 0.7f, 0.3f];
        int[] indices = new int[3];

        int written = VectorMath.TopK(scores, indices);

        Assert.That(written, Is.EqualTo(3));
        Assert.That(indices, Is.EqualTo(new[] { 1, 3, 4 }));
    }

    [Test]
    public void TopK_BreaksTiesByLowerIndexFirst()
    {
        float[] scores = [0.5f, 1f, 0.5f, 1f, 0.5f, -0f, 0f];
        int[] indices = new int[7];

        VectorMath.TopK(scores, indices);

        Assert.That(indices, Is.EqualTo(new[] { 1, 3, 0, 2, 4, 5, 6 }));
    }

    [Test]
    public void TopK_RanksNaNBelowEveryNumber()
    {
        float[] scores = [float.NaN, float.NegativeInfinity, float.NaN, -1f];
        int[] indices = new int[4];

        VectorMath.TopK(scores, indices);

        Assert.That(indices, Is.EqualTo(new[] { 3, 1, 0, 2 }));
    }

    [Test]
    public void TopK_WritesAllScores_AndLeavesTheRestUntouched_WhenKExceedsCount()
    {
        float[] scores = [2f, 3f, 1f];
        int[] indices = [-1, -1, -1, -1, -1];

        int written = VectorMath.TopK(scores, indices);

        Assert.That(written, Is.EqualTo(3));
        Assert.That(indices, Is.EqualTo(new[] { 1, 0, 2, -1, -1 }));
    }

    [Test]
    public void TopK_ReturnsZero_WhenKIsZeroOrScoresAreEmpty()
    {
        Assert.That(VectorMath.TopK([1f, 2f], []), Is.Zero);
        Assert.That(VectorMath.TopK([], new int[3]), Is.Zero);
    }

    private static int[] ReferenceTopK(float[] scores, int k) =>
        [.. Enumerable.Range(0, scores.Length)
            .OrderBy(i => float.IsNaN(scores[i]))
            .ThenByDescending(i => float.IsNaN(scores[i]) ? 0 : scores[i])
            .ThenBy(i => i)
            .Take(k)];
}
