using EmbedClassify.Tests.TestDoubles;

namespace EmbedClassify.Tests.Classification;

public class HybridClassifierTests
{
    private static readonly LabeledExample[] Examples =
    [
        new("WIN CASH NOW!!! Click http://cheap.example/win $$$ FREE FREE FREE", "spam"),
        new("URGENT!!! You are a WINNER $$$ claim at http://prize.example/now", "spam"),
        new("FREE pills!!! http://pills.example/buy CHEAP $$$ order NOW", "spam"),
        new("hi bob, the meeting moved to thursday afternoon, see you there", "ham"),
        new("thanks for the notes from yesterday, i will review them tonight", "ham"),
        new("can you send me the draft of the report before the weekend please", "ham"),
    ];

    [Test]
    public async Task PredictAsync_FollowsTheCompressionView_WhenEmbeddingsSayNothing()
    {
        // Every text gets the same vector, so the embedding view ties on every input and the compression view decides.
        var generator = new FakeEmbeddingGenerator(_ => [1f, 2f, 3f]);
        var classifier = await HybridClassifier.CreateAsync(generator, Examples, new HybridClassifierOptions { WordWeight = 0, CompressionWeight = 1 });

        Prediction spam = await classifier.PredictAsync("CLAIM your FREE CASH NOW!!! http://win.example/free $$$");
        Prediction ham = await classifier.PredictAsync("hi, can you review the meeting notes before thursday please");

        Assert.Multiple(() =>
        {
            Assert.That(spam.Label, Is.EqualTo("spam"));
            Assert.That(ham.Label, Is.EqualTo("ham"));
            Assert.That(classifier.Labels, Is.EqualTo(new[] { "spam", "ham" }));
        });
    }

    [Test]
    public async Task PredictAsync_FollowsTheWordView_ByDefault_WhenEmbeddingsSayNothing()
    {
        var generator = new FakeEmbeddingGenerator(_ => [1f, 2f, 3f]);
        var classifier = await HybridClassifier.CreateAsync(generator, Examples);

        Prediction spam = await classifier.PredictAsync("claim your free cash now, winner");
        Prediction ham = await classifier.PredictAsync("please review the meeting notes before thursday");

        Assert.Multiple(() =>
        {
            Assert.That(spam.Label, Is.EqualTo("spam"));
            Assert.That(ham.Label, Is.EqualTo("ham"));
        });
    }

    [Test]
    public async Task PredictAsync_GivesAWordViewWithoutEvidenceNoSay()
    {
        // No two examples share a word, so leave-one-out finds the word view uninformative: its temperature must come
        // out high, and one shared word in a query must not outvote a clear embedding.
        LabeledExample[] examples =
        [
            new("alpha1 red", "a"), new("alpha2 green", "a"), new("alpha3 blue", "a"),
            new("beta1 cyan", "b"), new("beta2 magenta", "b"), new("beta3 yellow", "b"),
        ];
        var generator = new FakeEmbeddingGenerator(t => t.Contains("alpha", StringComparison.Ordinal) ? [1f, 0.1f] : [0.1f, 1f]);
        var classifier = await HybridClassifier.CreateAsync(generator, examples);

        Prediction prediction = await classifier.PredictAsync("alpha9 cyan");

        Assert.That(prediction.Label, Is.EqualTo("a"));
    }

    [Test]
    public async Task AllOtherViewsOff_GivesTheEmbeddingViewsDecision()
    {
        var generator = BagOfWords.Generator();
        var hybrid = await HybridClassifier.CreateAsync(generator, Examples, new HybridClassifierOptions { WordWeight = 0, CompressionWeight = 0 });
        var embeddingOnly = await FewShotClassifier.CreateAsync(generator, Examples, new FewShotClassifierOptions { CenterEmbeddings = true });
        string[] texts = ["free cash now", "meeting notes thursday", "send the report", "win a prize"];

        IReadOnlyList<Prediction> fromHybrid = await hybrid.PredictBatchAsync(texts);
        IReadOnlyList<Prediction> fromEmbedding = await embeddingOnly.PredictBatchAsync(texts);

        Assert.That(fromHybrid.Select(p => p.Label), Is.EqualTo(fromEmbedding.Select(p => p.Label)));
    }

    [Test]
    public async Task PredictBatchAsync_EqualsOneByOne_InInputOrder()
    {
        var classifier = await HybridClassifier.CreateAsync(BagOfWords.Generator(), Examples);
        string[] texts = ["FREE CASH!!! http://x.example $$$", "see you at the meeting", "URGENT WINNER $$$"];

        IReadOnlyList<Prediction> batch = await classifier.PredictBatchAsync(texts);
        var single = new List<Prediction>();
        foreach (string text in texts)
        {
            single.Add(await classifier.PredictAsync(text));
        }

        Assert.Multiple(() =>
        {
            Assert.That(batch.Select(p => p.Label), Is.EqualTo(single.Select(p => p.Label)));
            Assert.That(batch.Select(p => p.Score), Is.EqualTo(single.Select(p => p.Score)));
            Assert.That(batch.Select(p => p.Label), Is.EqualTo(new[] { "spam", "ham", "spam" }));
        });
    }

    [Test]
    public void CreateAsync_ValidatesBeforeEmbedding()
    {
        var generator = BagOfWords.Generator();

        Assert.Multiple(() =>
        {
            Assert.That(() => HybridClassifier.CreateAsync(null!, Examples), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("generator"));
            Assert.That(() => HybridClassifier.CreateAsync(generator, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("examples"));
            Assert.That(() => HybridClassifier.CreateAsync(generator, [Examples[0], new("  ", "ham")]), Throws.ArgumentException.With.Property("ParamName").EqualTo("examples"));
            Assert.That(() => HybridClassifier.CreateAsync(generator, [Examples[0], Examples[1]]), Throws.ArgumentException.With.Property("ParamName").EqualTo("examples"));
            Assert.That(
                () => HybridClassifier.CreateAsync(generator, Examples, new HybridClassifierOptions { EmbeddingOptions = new() { NoneLabel = "other" } }),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("options"));
            Assert.That(
                () => HybridClassifier.CreateAsync(generator, Examples, new HybridClassifierOptions { EmbeddingOptions = new() { Strategy = ClassificationStrategy.KMeans } }),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("options"));
        });
        Assert.That(generator.Calls, Is.Empty);
    }

    [Test]
    public async Task PredictBatchAsync_NamesTheIndexOfABadText()
    {
        var classifier = await HybridClassifier.CreateAsync(BagOfWords.Generator(), Examples);

        Assert.That(
            () => classifier.PredictBatchAsync(["fine", null!]),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("texts").And.Message.Contains("texts[1]"));
    }

    [Test]
    public void Options_ValidateAndClone()
    {
        var defaults = new HybridClassifierOptions();
        var options = new HybridClassifierOptions { CompressionWeight = 2, WordWeight = 0.5 };
        HybridClassifierOptions clone = options.Clone();
        options.EmbeddingOptions.Neighbors = 9;

        Assert.Multiple(() =>
        {
            Assert.That(() => options.CompressionWeight = -1, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("value"));
            Assert.That(() => options.CompressionWeight = double.NaN, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("value"));
            Assert.That(() => options.EmbeddingOptions = null!, Throws.ArgumentNullException.With.Property("ParamName").EqualTo("value"));
            Assert.That(() => options.WordWeight = -0.1, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("value"));
            Assert.That(() => options.WordWeight = double.PositiveInfinity, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("value"));
            Assert.That(clone.CompressionWeight, Is.EqualTo(2));
            Assert.That(clone.WordWeight, Is.EqualTo(0.5));
            Assert.That((defaults.WordWeight, defaults.CompressionWeight), Is.EqualTo((1.0, 0.0)));
            Assert.That(clone.EmbeddingOptions.Neighbors, Is.EqualTo(3), "the clone's embedding options are its own");
            Assert.That(clone.EmbeddingOptions.CenterEmbeddings, Is.True);
        });
    }
}
