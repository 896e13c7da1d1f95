using Microsoft.ML.Tokenizers;

namespace EmbedClassify.OpenAI.Tests;

public class RequestPlanTests
{
    private static readonly Tokenizer s_tokenizer = TiktokenTokenizer.CreateForEncoding("cl100k_base");

    private static RequestPlan Plan(
        IReadOnlyList<string> texts,
        int maxInputs = 2048,
        int maxTokensPerRequest = 300_000,
        int maxTokensPerInput = 8192,
        OverlongInputBehavior overlong = OverlongInputBehavior.Truncate) =>
        RequestPlan.Create(texts, s_tokenizer, maxInputs, maxTokensPerRequest, maxTokensPerInput, overlong, "values");

    private static int[] Sizes(RequestPlan plan) => [.. plan.Requests.Select(r => r.GetOffsetAndLength(plan.UniqueTexts.Length).Length)];

    [Test]
    public void Create_KeepsFirstAppearanceOrder_AndMapsDuplicates()
    {
        RequestPlan plan = Plan(["b", "a", "b", "c", "a"]);

        Assert.Multiple(() =>
        {
            Assert.That(plan.UniqueTexts, Is.EqualTo(new[] { "b", "a", "c" }));
            Assert.That(plan.InputToUnique, Is.EqualTo(new[] { 0, 1, 0, 2, 1 }));
        });
    }

    [Test]
    public void Create_TreatsTextsAsDistinct_WhenTheyDifferOnlyInCase()
    {
        RequestPlan plan = Plan(["Hello", "hello"]);

        Assert.That(plan.UniqueTexts, Has.Length.EqualTo(2));
    }

    [Test]
    public void Create_SendsOnce_WhenTwoTextsTruncateToTheSamePrefix()
    {
        RequestPlan plan = Plan(["one two three four", "one two three five"], maxTokensPerInput: 3);

        Assert.Multiple(() =>
        {
            Assert.That(plan.UniqueTexts, Is.EqualTo(new[] { "one two three" }));
            Assert.That(plan.InputToUnique, Is.EqualTo(new[] { 0, 0 }));
            Assert.That(plan.UniqueTokenCounts, Is.EqualTo(new[] { 3 }));
        });
    }

    [Test]
    public void Create_SplitsOnInputCount()
    {
        RequestPlan plan = Plan([.. Enumerable.Range(0, 7).Select(i => $"t{i}")], maxInputs: 3);

        Assert.That(Sizes(plan), Is.EqualTo(new[] { 3, 3, 1 }));
    }

    [Test]
    public void Create_SplitsOnTokenSum_NeverExceedingIt()
    {
        var random = new Random(1234);
        string[] texts = [.. Enumerable.Range(0, 200).Select(i => string.Join(' ', Enumerable.Range(0, random.Next(1, 40)).Select(w => $"w{i}x{w}")))];

        RequestPlan plan = Plan(texts, maxInputs: 16, maxTokensPerRequest: 300);

        Assert.Multiple(() =>
        {
            foreach (Range request in plan.Requests)
            {
                int[] counts = plan.UniqueTokenCounts[request];
                Assert.That(counts.Sum(), Is.LessThanOrEqualTo(300));
                Assert.That(counts, Has.Length.InRange(1, 16));
            }

            Assert.That(plan.Requests.Sum(r => r.GetOffsetAndLength(plan.UniqueTexts.Length).Length), Is.EqualTo(plan.UniqueTexts.Length));
        });
    }

    [Test]
    public void Create_CapsPerInputTokens_ByRequestTokens()
    {
        RequestPlan plan = Plan(["one two three four five six"], maxTokensPerRequest: 2, maxTokensPerInput: 10);

        Assert.That(plan.UniqueTokenCounts, Is.EqualTo(new[] { 2 }));
    }

    [Test]
    public void Create_ThrowsNamingIndex_WhenOverlongAndBehaviorIsThrow()
    {
        var ex = Assert.Throws<ArgumentException>(
            () => Plan(["ok", "one two three four"], maxTokensPerInput: 3, overlong: OverlongInputBehavior.Throw));

        Assert.Multiple(() =>
        {
            Assert.That(ex.ParamName, Is.EqualTo("values"));
            Assert.That(ex.Message, Does.Contain("index 1"));
        });
    }

    [Test]
    public void Create_KeepsText_WhenExactlyAtLimit()
    {
        RequestPlan plan = Plan(["one two three"], maxTokensPerInput: 3, overlong: OverlongInputBehavior.Throw);

        Assert.That(plan.UniqueTexts, Is.EqualTo(new[] { "one two three" }));
    }
}
