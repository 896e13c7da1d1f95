namespace EmbedClassify.Onnx.Tests;

public class BatchPlannerTests
{
    [Test]
    public void Plan_CoversEveryIndexOnce_LongestFirst()
    {
        int[] lengths = [5, 50, 3, 50, 12, 7];

        List<int[]> batches = BatchPlanner.Plan(lengths, maxRows: 2, maxPaddedTokens: 1000);

        Assert.That(batches, Is.EqualTo(new[] { new[] { 1, 3 }, new[] { 4, 5 }, new[] { 0, 2 } }));
    }

    [Test]
    public void Plan_CapsPaddedTokens()
    {
        int[] lengths = [100, 100, 100, 10, 10, 10];

        List<int[]> batches = BatchPlanner.Plan(lengths, maxRows: 32, maxPaddedTokens: 200);

        Assert.That(batches, Is.EqualTo(new[] { new[] { 0, 1 }, new[] { 2, 3 }, new[] { 4, 5 } }));
    }

    [Test]
    public void Plan_GivesTextLongerThanCapABatchOfItsOwn()
    {
        int[] lengths = [300, 4];

        List<int[]> batches = BatchPlanner.Plan(lengths, maxRows: 32, maxPaddedTokens: 256);

        Assert.That(batches, Is.EqualTo(new[] { new[] { 0 }, new[] { 1 } }));
    }

    [Test]
    public void Plan_ReturnsNoBatches_ForNoTexts()
    {
        Assert.That(BatchPlanner.Plan([], maxRows: 32, maxPaddedTokens: 512), Is.Empty);
    }
}
