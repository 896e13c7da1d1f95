using System.Text.Json;
using EmbedClassify.Cli.Tests.TestDoubles;

namespace EmbedClassify.Cli.Tests.Commands;

/// <summary><c>predict</c> on inputs larger than one chunk: order, shards, progress and bad arguments.</summary>
[TestFixture]
public sealed class PredictStreamingTests
{
    private Workspace _workspace = null!;
    private string[] _lines = null!;

    [OneTimeSetUp]
    public async Task TrainOnce()
    {
        _workspace = new Workspace();
        ToolProcess.Result train = await _workspace.RunAsync("train", "data.csv", "-o", "model.ecm", "--cache", _workspace.CachePath);
        Assert.That(train.ExitCode, Is.Zero, train.StandardError);

        // 300 lines: blank lines and a zero-width space to skip, and repeated texts, among distinct ones.
        _lines = [.. Enumerable.Range(0, 300).Select(i => i % 50 == 7 ? "" : i % 50 == 8 ? "\u200B" : i % 3 == 0 ? $"invoice {i % 40} was charged twice" : $"screen {i} crashes on start")];
        File.WriteAllLines(_workspace.PathOf("input.txt"), _lines);
    }

    [OneTimeTearDown]
    public void Cleanup() => _workspace.Dispose();

    private string[] Classifiable => [.. _lines.Where(l => l.Trim().Trim('\u200B').Length > 0)];

    [Test]
    public async Task Predict_WritesOneLinePerText_InInputOrder_AcrossChunks()
    {
        ToolProcess.Result result = await _workspace.RunAsync("predict", "model.ecm", "input.txt", "--chunk-size", "7", "--cache", _workspace.CachePath);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        JsonElement[] lines = ParseLines(result.StandardOutput);
        Assert.That(lines.Select(l => l.GetProperty("text").GetString()), Is.EqualTo(Classifiable));
        Assert.That(lines.Select(l => l.GetProperty("label").GetString()), Is.EqualTo(Classifiable.Select(t => t.StartsWith("invoice", StringComparison.Ordinal) ? "billing" : "bug")));
        Assert.That(lines.Any(l => l.TryGetProperty("line", out _)), Is.False, "line numbers only with --shard");
    }

    [Test]
    public async Task Predict_Shards_CoverEveryLineExactlyOnce_AndKeepRepeatedTextsTogether()
    {
        var shards = new List<JsonElement[]>();
        for (int i = 0; i < 3; i++)
        {
            ToolProcess.Result result = await _workspace.RunAsync("predict", "model.ecm", "input.txt", "--shard", $"{i}/3", "--chunk-size", "16", "--cache", _workspace.CachePath);
            Assert.That(result.ExitCode, Is.Zero, result.StandardError);
            shards.Add(ParseLines(result.StandardOutput));
        }

        long[] numbers = [.. shards.SelectMany(s => s.Select(l => l.GetProperty("line").GetInt64()))];
        long[] expected = [.. _lines.Select((text, i) => (text, number: i + 1L)).Where(x => Classifiable.Contains(x.text)).Select(x => x.number)];
        Assert.Multiple(() =>
        {
            Assert.That(numbers.Order(), Is.EqualTo(expected), "every classifiable line once, over all shards");
            Assert.That(shards, Has.All.Not.Empty, "300 lines leave no shard empty");
            foreach (JsonElement[] shard in shards)
            {
                long[] order = [.. shard.Select(l => l.GetProperty("line").GetInt64())];
                Assert.That(order, Is.Ordered, "each shard keeps input order");
                foreach (JsonElement line in shard)
                {
                    Assert.That(line.GetProperty("text").GetString(), Is.EqualTo(_lines[line.GetProperty("line").GetInt64() - 1]));
                }
            }

            string[][] texts = [.. shards.Select(s => s.Select(l => l.GetProperty("text").GetString()!).Distinct().ToArray())];
            Assert.That(texts.SelectMany(t => t).Count(), Is.EqualTo(texts.SelectMany(t => t).Distinct().Count()), "a repeated text is in one shard only");
        });
    }

    [Test]
    public async Task Predict_WithRedirectedError_ReportsPlainProgressLinesWithRateAndEta()
    {
        ToolProcess.Result result = await _workspace.RunAsync("predict", "model.ecm", "input.txt", "--chunk-size", "50", "--cache", _workspace.CachePath);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.That(result.StandardError, Does.Contain("of the input, ").And.Contain("texts/s, ETA ").And.Contain("(100% of the input")
            .And.Contain($"classified {Classifiable.Length} texts in "));
        Assert.That(result.StandardError.Contains('\u001b', StringComparison.Ordinal), Is.False, "no ANSI animation when standard error is redirected");
    }

    [TestCase("3/3", "less than the number of shards (3)")]
    [TestCase("0/0", "less than the number of shards (0)")]
    [TestCase("-1/2", "--shard must be i/n")]
    [TestCase("1", "--shard must be i/n")]
    [TestCase("a/b", "--shard must be i/n")]
    [TestCase("1/2/3", "--shard must be i/n")]
    public async Task Predict_BadShard_IsAUsageError(string shard, string message)
    {
        ToolProcess.Result result = await _workspace.RunAsync("predict", "model.ecm", "input.txt", "--shard", shard);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1).And.One.Contains(message));
        Assert.That(result.StandardOutput, Is.Empty);
    }

    [TestCase("0")]
    [TestCase("-5")]
    [TestCase("many")]
    public async Task Predict_BadChunkSize_IsAUsageError(string chunkSize)
    {
        ToolProcess.Result result = await _workspace.RunAsync("predict", "model.ecm", "input.txt", "--chunk-size", chunkSize);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1).And.One.Contains("--chunk-size must be an integer of at least 1"));
    }

    [Test]
    public async Task Predict_UnpairedSurrogateInJson_FailsNamingTheLine()
    {
        File.WriteAllText(_workspace.PathOf("bad.jsonl"), "{\"text\":\"fine\"}\n{\"text\":\"bad \\ud800 text\"}\n");

        ToolProcess.Result result = await _workspace.RunAsync("predict", "model.ecm", "bad.jsonl", "--cache", _workspace.CachePath);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1).And.One.Contains("bad.jsonl:2: the text has an unpaired surrogate"));
    }

    private static JsonElement[] ParseLines(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
}
