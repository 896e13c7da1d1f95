namespace EmbedClassify.OpenAI.Tests;

public class RetryTimingTests
{
    private static readonly DateTimeOffset s_now = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    [TestCase("2", 2000)]
    [TestCase("0", 0)]
    [TestCase("-5", 0)]
    [TestCase(" 1.5 ", 1500)]
    public void ParseServerDelay_ReadsSeconds(string header, double expectedMs) =>
        Assert.That(RetryTiming.ParseServerDelay(null, header, s_now), Is.EqualTo(TimeSpan.FromMilliseconds(expectedMs)));

    [Test]
    public void ParseServerDelay_ReadsHttpDate()
    {
        string header = s_now.AddSeconds(90).ToString("r", System.Globalization.CultureInfo.InvariantCulture);

        Assert.That(RetryTiming.ParseServerDelay(null, header, s_now), Is.EqualTo(TimeSpan.FromSeconds(90)));
    }

    [Test]
    public void ParseServerDelay_ReturnsZero_WhenHttpDateIsPast()
    {
        string header = s_now.AddSeconds(-90).ToString("r", System.Globalization.CultureInfo.InvariantCulture);

        Assert.That(RetryTiming.ParseServerDelay(null, header, s_now), Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public void ParseServerDelay_PrefersMilliseconds() =>
        Assert.That(RetryTiming.ParseServerDelay("250", "10", s_now), Is.EqualTo(TimeSpan.FromMilliseconds(250)));

    [TestCase(null, null)]
    [TestCase(null, "soon")]
    [TestCase("x", "")]
    public void ParseServerDelay_ReturnsNull_WhenNoUsableHeader(string? ms, string? header) =>
        Assert.That(RetryTiming.ParseServerDelay(ms, header, s_now), Is.Null);

    [Test]
    public void Backoff_DoublesAndStaysWithinJitterBounds()
    {
        var random = new Random(42);
        TimeSpan baseDelay = TimeSpan.FromMilliseconds(100);
        TimeSpan max = TimeSpan.FromSeconds(1);

        Assert.Multiple(() =>
        {
            for (int retry = 0; retry < 8; retry++)
            {
                double ceiling = Math.Min(1000, 100 * Math.Pow(2, retry));
                TimeSpan wait = RetryTiming.Backoff(retry, baseDelay, max, random.NextDouble());
                Assert.That(wait.TotalMilliseconds, Is.InRange(ceiling / 2, ceiling), $"retry {retry}");
            }
        });
    }

    [Test]
    public void Backoff_DoesNotOverflow_AfterManyRetries() =>
        Assert.That(RetryTiming.Backoff(int.MaxValue, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 1), Is.EqualTo(TimeSpan.FromSeconds(30)));
}
