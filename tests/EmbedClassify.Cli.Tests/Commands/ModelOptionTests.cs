using System.Text.Json;
using EmbedClassify.Cli.Tests.TestDoubles;
using EmbedClassify.Sqlite;
using Microsoft.Data.Sqlite;

namespace EmbedClassify.Cli.Tests.Commands;

/// <summary>
/// <c>--model</c>: train with arctic-xs or with both local models, then predict, suggest and inspect from the saved file
/// alone, on the real models (embedded resources: nothing is downloaded).
/// </summary>
[TestFixture]
public sealed class ModelOptionTests
{
    private Workspace _workspace = null!;
    private ToolProcess.Result _trainPair = null!;

    [OneTimeSetUp]
    public async Task TrainThePairOnce()
    {
        _workspace = new Workspace();
        _trainPair = await _workspace.RunAsync("train", "data.csv", "-o", "pair.ecm", "--model", "minilm+arctic-xs", "--cache", _workspace.CachePath);
    }

    [OneTimeTearDown]
    public void Cleanup() => _workspace.Dispose();

    [Test]
    public void TrainPair_SavesAModelWithAViewPerModel()
    {
        Assert.That(_trainPair.ExitCode, Is.Zero, _trainPair.StandardError);
        Assert.That(_trainPair.ErrorLines, Has.Length.EqualTo(1).And.One.Contains("views embedding + embedding.1 + words").And.One.Contains("768 (384 + 384) dimensions"));
    }

    [TestCase("--cache")]
    [TestCase("--no-cache")]
    public async Task PredictPair_WithoutModelOption_EmbedsWithBothModelsOfTheFile(string cacheOption)
    {
        Assert.That(_trainPair.ExitCode, Is.Zero, _trainPair.StandardError);
        string[] cache = cacheOption == "--cache" ? ["--cache", _workspace.CachePath] : ["--no-cache"];

        ToolProcess.Result result = await _workspace.RunWithInputAsync(
            "I was charged twice on my card\nThe app keeps crashing on start\nPlease add an export to Excel\n", ["predict", "pair.ecm", .. cache]);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.That(Labels(result.StandardOutput), Is.EqualTo(new[] { "billing", "bug", "feature" }));
    }

    [Test]
    public async Task SuggestPair_WithoutModelOption_EmbedsWithBothModelsOfTheFile()
    {
        Assert.That(_trainPair.ExitCode, Is.Zero, _trainPair.StandardError);
        File.WriteAllLines(_workspace.PathOf("pool.txt"), ["The invoice is wrong again", "Crash on start", "A widget for the home screen", "Dark theme please"]);

        ToolProcess.Result result = await _workspace.RunAsync("suggest", "pair.ecm", "pool.txt", "--count", "2", "--cache", _workspace.CachePath);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.That(result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(2));
    }

    [Test]
    public async Task InspectPair_ListsEachModelOnALineOfItsOwn_WithItsView()
    {
        Assert.That(_trainPair.ExitCode, Is.Zero, _trainPair.StandardError);

        ToolProcess.Result result = await _workspace.RunAsync("inspect", "pair.ecm");

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.Multiple(() =>
        {
            Assert.That(result.StandardOutput, Does.Match(@"│\s*Embedding models\s*│\s*onnx/all-MiniLM-L6-v2 \(384 dimensions, view embedding\)\s*│\s*\n│\s*│\s*onnx/snowflake-arctic-embed-xs \(384 dimensions, view embedding\.1\)\s*│"));
            Assert.That(result.StandardOutput, Does.Match(@"│\s*Dimensions\s*│\s*768\s*│"));
            Assert.That(result.StandardOutput, Does.Match(@"│\s*Views\s*│\s*embedding \(x[\d.]+\), embedding\.1 \(x[\d.]+\), words \(x[\d.]+\)\s*│"));
        });
    }

    [Test]
    public async Task PredictPair_TheSameTextsAgain_EmbedsNothing_AndEachModelStoresItsOwnVectors()
    {
        Assert.That(_trainPair.ExitCode, Is.Zero, _trainPair.StandardError);
        const string Texts = "My card was charged three times\nThe settings page is blank\n";
        (long entriesBefore, _) = CacheState();

        ToolProcess.Result first = await _workspace.RunWithInputAsync(Texts, "predict", "pair.ecm", "--cache", _workspace.CachePath);
        (long entriesAfterFirst, long lastRowAfterFirst) = CacheState();
        ToolProcess.Result second = await _workspace.RunWithInputAsync(Texts, "predict", "pair.ecm", "--cache", _workspace.CachePath);
        (long entriesAfterSecond, long lastRowAfterSecond) = CacheState();

        Assert.Multiple(() =>
        {
            Assert.That(first.ExitCode, Is.Zero, first.StandardError);
            Assert.That(second.ExitCode, Is.Zero, second.StandardError);
            Assert.That(second.StandardOutput, Is.EqualTo(first.StandardOutput));
            Assert.That(entriesAfterFirst - entriesBefore, Is.EqualTo(4), "two texts, one entry per model each: a cache per model, none for the pair");

            // Every vector computed is stored, and the store replaces rows (a new rowid) rather than updating them: an
            // unchanged last rowid means the second run computed no vector.
            Assert.That(entriesAfterSecond, Is.EqualTo(entriesAfterFirst));
            Assert.That(lastRowAfterSecond, Is.EqualTo(lastRowAfterFirst), "the second run wrote no entry");
        });
    }

    [Test]
    public async Task TrainArcticXs_ThenPredictWithoutModelOption_EmbedsWithArcticXs()
    {
        ToolProcess.Result train = await _workspace.RunAsync("train", "data.csv", "-o", "arctic.ecm", "--model", "arctic-xs", "--cache", _workspace.CachePath);
        Assert.That(train.ExitCode, Is.Zero, train.StandardError);

        ToolProcess.Result inspect = await _workspace.RunAsync("inspect", "arctic.ecm");
        ToolProcess.Result predict = await _workspace.RunWithInputAsync("Refund my payment\nThe login page crashes\n", "predict", "arctic.ecm", "--cache", _workspace.CachePath);

        Assert.Multiple(() =>
        {
            Assert.That(inspect.StandardOutput, Does.Match(@"│\s*Embedding model\s*│\s*onnx/snowflake-arctic-embed-xs\s*│"));
            Assert.That(predict.ExitCode, Is.Zero, predict.StandardError);
            Assert.That(Labels(predict.StandardOutput), Is.EqualTo(new[] { "billing", "bug" }));
        });
    }

    [Test]
    public async Task EvalPair_PrintsTheLearningCurve()
    {
        ToolProcess.Result result = await _workspace.RunAsync(
            "eval", "data.csv", "--model", "minilm+arctic-xs", "--n", "2", "--repetitions", "2", "--cache", _workspace.CachePath);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.That(result.StandardOutput, Does.Contain("Learning curve").And.Contain("Per class at n = 2"));
    }

    [TestCase("train", "data.csv", "-o", "bogus.ecm")]
    [TestCase("train", "--labels", "a,b", "-o", "bogus.ecm")]
    [TestCase("eval", "data.csv")]
    public async Task UnknownModel_IsAUsageError_NamingTheAcceptedValues(params string[] command)
    {
        ToolProcess.Result result = await _workspace.RunAsync([.. command, "--model", "bogus", "--no-cache"]);

        AssertOneErrorLine(result, 2, "unknown --model 'bogus'; use minilm, arctic-xs, minilm+arctic-xs");
        Assert.That(File.Exists(_workspace.PathOf("bogus.ecm")), Is.False);
    }

    [TestCase("train", "data.csv", "-o", "tuned.ecm", "--fine-tune", "--model", "arctic-xs")]
    [TestCase("train", "data.csv", "-o", "tuned.ecm", "--fine-tune", "--model", "minilm+arctic-xs")]
    [TestCase("eval", "data.csv", "--fine-tune", "--model", "arctic-xs")]
    public async Task FineTune_WithAnotherModelThanMiniLM_IsAUsageError(params string[] arguments)
    {
        ToolProcess.Result result = await _workspace.RunAsync([.. arguments, "--no-cache"]);

        AssertOneErrorLine(result, 2, "--fine-tune tunes the built-in model (minilm) only");
        Assert.That(Directory.Exists(_workspace.PathOf("tuned.ecm.tuned")), Is.False);
    }

    [Test]
    public async Task Predict_AModelOfOneKnownAndOneUnknownModel_FailsNamingTheUnknownOne()
    {
        // A file like a pair-trained one whose second model the tool has never heard of; the first stands in for MiniLM.
        using var miniLM = new WordHashGenerator("onnx", "all-MiniLM-L6-v2");
        using var unknown = new WordHashGenerator("word-hash", "fnv-64");
        using var pair = new MultiViewEmbeddingGenerator(miniLM, unknown);
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(pair, [new("invoice charge refund", "billing"), new("crash error freeze", "bug")]);
        await classifier.SaveAsync(_workspace.PathOf("unknown.ecm"));

        ToolProcess.Result result = await _workspace.RunWithInputAsync("hello\n", "predict", "unknown.ecm", "--no-cache");

        AssertOneErrorLine(result, 1, "unknown.ecm: the model was trained on word-hash/fnv-64, which this tool does not embed with");
        Assert.That(result.StandardOutput, Is.Empty);
    }

    private (long Entries, long LastRow) CacheState()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _workspace.CachePath, Pooling = false }.ToString());
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*), COALESCE(MAX(rowid), 0) FROM {SqliteEmbeddingCacheStore.TableName}";
        using SqliteDataReader reader = command.ExecuteReader();
        Assert.That(reader.Read(), Is.True);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private static string?[] Labels(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("label").GetString())];

    private static void AssertOneErrorLine(ToolProcess.Result result, int exitCode, string message)
    {
        Assert.That(result.ExitCode, Is.EqualTo(exitCode), result.StandardError);
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1), result.StandardError);
        Assert.That(result.ErrorLines[0], Does.StartWith("embedclassify: error: ").And.Contain(message));
    }
}
