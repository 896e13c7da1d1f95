using EmbedClassify.Cli.Arguments;
using EmbedClassify.Cli.Data;

namespace EmbedClassify.Cli.Tests.Data;

public class ShardTests
{
    [Test]
    public void Takes_PutsEveryTextInExactlyOneShard_AndSpreadsThemEvenly()
    {
        string[] texts = [.. Enumerable.Range(0, 30_000).Select(i => $"text number {i}")];
        Shard[] shards = [.. Enumerable.Range(0, 4).Select(i => new Shard(i, 4))];

        int[] owners = [.. texts.Select(t => shards.Count(s => s.Takes(t)))];
        int[] sizes = [.. shards.Select(s => texts.Count(s.Takes))];

        Assert.That(owners, Has.All.EqualTo(1));
        Assert.That(sizes, Has.All.InRange(7_000, 8_000), "about a quarter each");
    }

    [Test]
    public void Takes_DependsOnTheTextAlone_WithTheDocumentedRule()
    {
        // The assignment is a contract between workers (possibly on different versions and machines): XxHash3 (seed 0)
        // of the UTF-8 bytes, mod n. These values pin it, so a change of rule fails here instead of splitting a corpus
        // differently on two workers.
        Assert.Multiple(() =>
        {
            Assert.That(ShardOf("hello", 4), Is.EqualTo(ExpectedShard("hello", 4)));
            Assert.That(ShardOf("héllo wörld 🙂", 7), Is.EqualTo(ExpectedShard("héllo wörld 🙂", 7)));
            Assert.That(ShardOf(new string('x', 5000), 3), Is.EqualTo(ExpectedShard(new string('x', 5000), 3)), "long texts take the pooled buffer");
            Assert.That(new Shard(0, 1).Takes("anything"), Is.True);
        });
    }

    [TestCase(null, 0, 1)]
    [TestCase("0/1", 0, 1)]
    [TestCase("2/5", 2, 5)]
    public void Parse_AcceptsIOfN(string? text, int index, int count)
    {
        Assert.That(Shard.Parse("predict", text), Is.EqualTo(new Shard(index, count)));
    }

    [TestCase("5/5")]
    [TestCase("0/0")]
    [TestCase("-1/3")]
    [TestCase("+1/3")]
    [TestCase(" 1/3")]
    [TestCase("1/")]
    [TestCase("1")]
    [TestCase("")]
    public void Parse_RefusesAnythingElse(string text)
    {
        Assert.That(() => Shard.Parse("predict", text), Throws.TypeOf<UsageException>().With.Message.Contains("--shard"));
    }

    private static int ShardOf(string text, int count) => Enumerable.Range(0, count).Single(i => new Shard(i, count).Takes(text));

    private static int ExpectedShard(string text, int count) =>
        (int)(System.IO.Hashing.XxHash3.HashToUInt64(System.Text.Encoding.UTF8.GetBytes(text)) % (ulong)count);
}
