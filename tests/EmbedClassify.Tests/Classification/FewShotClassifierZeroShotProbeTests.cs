using System.Diagnostics;
using EmbedClassify.Tests.TestDoubles;

namespace EmbedClassify.Tests.Classification;

/// <summary>
/// <see cref="FewShotClassifier.CreateFromDescriptionsAsync(Microsoft.Extensions.AI.IEmbeddingGenerator{string, Microsoft.Extensions.AI.Embedding{float}}, IEnumerable{string}, FewShotClassifierOptions?, CancellationToken)"/>
/// and what follows it, used the way a careless or hostile caller would.
/// </summary>
public class FewShotClassifierZeroShotProbeTests
{
    private static readonly string[] Labels = ["billing", "shipping"];

    private static async Task<FewShotClassifier> RoundTripAsync(FewShotClassifier classifier)
    {
        using var stream = new MemoryStream();
        await classifier.SaveAsync(stream);
        stream.Position = 0;
        return await FewShotClassifier.LoadAsync(FewShotClassifierConfigurationsTests.NewGenerator(), stream);
    }

    [Test]
    public async Task TenThousandClasses_CostAboutTenTimesAThousand_ToCreatePredictSaveLoadAndGrow()
    {
        await TimeAsync(100);
        TimeSpan thousand = await TimeAsync(1_000);
        TimeSpan tenThousand = await TimeAsync(10_000);
        TestContext.Out.WriteLine($"1,000 classes {thousand.TotalMilliseconds:F0} ms, 10,000 classes {tenThousand.TotalMilliseconds:F0} ms");

        Assert.That(tenThousand.TotalSeconds, Is.LessThan(Math.Max(5, 30 * thousand.TotalSeconds)), "ten times the classes, far less than a hundred times the time");

        static async Task<TimeSpan> TimeAsync(int classes)
        {
            string[] labels = [.. Enumerable.Range(0, classes).Select(i => $"topic {i}")];
            var watch = Stopwatch.StartNew();
            FewShotClassifier zeroShot = await FewShotClassifier.CreateFromDescriptionsAsync(FewShotClassifierConfigurationsTests.NewGenerator(), labels);
            _ = await zeroShot.PredictAsync("all about topic 7");
            FewShotClassifier loaded = await RoundTripAsync(zeroShot);
            FewShotClassifier grown = await loaded.AddExamplesAsync([new("all about topic 7", "topic 7"), new("more on topic 8", "topic 8")]);
            _ = await grown.PredictAsync("all about topic 7");
            Assert.That(grown.DescribedOnlyLabels, Has.Count.EqualTo(classes - 2));
            return watch.Elapsed;
        }
    }

    [Test]
    public async Task AHundredThousandUnlabeledTexts_CostAboutAHundredTimesAThousand()
    {
        string[] labels = ["late delivery", "refund request", "password reset", "broken item"];
        string[] words = ["late", "delivery", "refund", "request", "password", "reset", "broken", "item", "order", "please", "my", "the"];
        await TimeAsync(100);
        TimeSpan thousand = await TimeAsync(1_000);
        TimeSpan hundredThousand = await TimeAsync(100_000);
        TestContext.Out.WriteLine($"1,000 texts {thousand.TotalMilliseconds:F0} ms, 100,000 texts {hundredThousand.TotalMilliseconds:F0} ms");

        Assert.That(hundredThousand.TotalSeconds, Is.LessThan(Math.Max(10, 500 * thousand.TotalSeconds)), "a hundred times the texts, far less than 100² the time");

        async Task<TimeSpan> TimeAsync(int count)
        {
            var random = new Random(count);
            string[] pool = [.. Enumerable.Range(0, count).Select(i => $"{string.Join(' ', Enumerable.Range(0, 6).Select(_ => words[random.Next(words.Length)]))} {i}")];
            var watch = Stopwatch.StartNew();
            FewShotClassifier classifier = await FewShotClassifier.CreateFromDescriptionsAsync(FewShotClassifierConfigurationsTests.NewGenerator(), labels, pool);
            FewShotClassifier grown = await classifier.AddExamplesAsync([new("my order came late", "late delivery")]);
            Assert.That(grown.UnlabeledCount, Is.EqualTo(count));
            return watch.Elapsed;
        }
    }

    [Test]
    public async Task Create_StopsSoonAfterCancellation_WhileRefiningOnAHundredThousandTexts()
    {
        string[] labels = ["late delivery", "refund request", "password reset", "broken item"];
        var random = new Random(1);
        string[] words = ["late", "delivery", "refund", "request", "password", "reset", "broken", "item", "order", "please"];
        string[] pool = [.. Enumerable.Range(0, 100_000).Select(i => $"{string.Join(' ', Enumerable.Range(0, 6).Select(_ => words[random.Next(words.Length)]))} {i}")];
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(600));

        var watch = Stopwatch.StartNew();
        Assert.That(
            () => FewShotClassifier.CreateFromDescriptionsAsync(FewShotClassifierConfigurationsTests.NewGenerator(), labels, pool, cancellationToken: cancellation.Token),
            Throws.InstanceOf<OperationCanceledException>());
        TestContext.Out.WriteLine($"canceled after {watch.Elapsed.TotalMilliseconds:F0} ms");
        Assert.That(watch.Elapsed.TotalSeconds, Is.LessThan(3));
    }

    [Test]
    public async Task AMegabyteText_IsPredictedAndSuggested_InAboutTenTimesTheTimeOfAHundredKilobytes()
    {
        FewShotClassifier classifier = await FewShotClassifier.CreateFromDescriptionsAsync(
            FewShotClassifierConfigurationsTests.NewGenerator(), ["late delivery", "refund request"]);
        string words = string.Join(' ', Enumerable.Range(0, 200_000).Select(i => i % 3 == 0 ? "late" : $"w{i}"));
        string oneWord = new('x', 1 << 20);
        TimeSpan tenth = await FastestAsync(words[..(words.Length / 10)]);
        TimeSpan whole = await FastestAsync(words);
        TestContext.Out.WriteLine($"{words.Length / 10:N0} characters {tenth.TotalMilliseconds:F0} ms, {words.Length:N0} characters {whole.TotalMilliseconds:F0} ms");

        Prediction prediction = await classifier.PredictAsync(words);
        IReadOnlyList<LabelingSuggestion> suggestions = await classifier.SuggestExamplesToLabelAsync([words, oneWord, "refund please"], 2);
        Assert.Multiple(() =>
        {
            Assert.That(words.Length, Is.GreaterThan(1_000_000));
            Assert.That(prediction.Label, Is.EqualTo("late delivery"));
            Assert.That(suggestions, Has.Count.EqualTo(2));
            Assert.That(whole.TotalSeconds, Is.LessThan(Math.Max(2, 40 * tenth.TotalSeconds)), "ten times the text, far less than 10² the time");
        });

        async Task<TimeSpan> FastestAsync(string text)
        {
            TimeSpan fastest = TimeSpan.MaxValue;
            for (int i = 0; i < 3; i++)
            {
                var watch = Stopwatch.StartNew();
                _ = await classifier.PredictAsync(text);
                fastest = watch.Elapsed < fastest ? watch.Elapsed : fastest;
            }

            return fastest;
        }
    }

    [Test]
    public async Task ASaveWithoutTexts_HoldsNoExampleOrUnlabeledText_OfAClassifierGrownFromDescriptions()
    {
        const string unlabeledSecret = "zqxunlabeledsecret41";
        const string exampleSecret = "zqxexamplesecret97";
        FewShotClassifier zeroShot = await FewShotClassifier.CreateFromDescriptionsAsync(
            FewShotClassifierConfigurationsTests.NewGenerator(), Labels, [$"my token is {unlabeledSecret}", "where is my parcel"]);
        FewShotClassifier grown = await zeroShot.AddExamplesAsync([new($"my password is {exampleSecret}", "billing")]);

        foreach (FewShotClassifier classifier in new[] { zeroShot, grown })
        {
            using var stream = new MemoryStream();
            await classifier.SaveAsync(stream);
            byte[] file = stream.ToArray();
            foreach (string secret in new[] { unlabeledSecret, exampleSecret })
            {
                Assert.That(Contains(file, System.Text.Encoding.UTF8.GetBytes(secret)), Is.False, secret);
                Assert.That(Contains(file, System.Text.Encoding.Unicode.GetBytes(secret)), Is.False, secret + " (UTF-16)");
            }
        }

        static bool Contains(byte[] file, byte[] value) => file.AsSpan().IndexOf(value) >= 0;
    }

    [Test]
    public async Task AClassifierFromDescriptionsAndAPool_LoadedWithoutTexts_GrowsAsTheOriginalDoes()
    {
        string[] pool = ["double charge on my invoice", "courier never came", "refund my payment please", "parcel arrived late again"];
        var options = new FewShotClassifierOptions
        {
            LabelDescriptions = new Dictionary<string, string> { ["billing"] = "invoice payment refund charge", ["shipping"] = "delivery parcel courier late" },
        };
        FewShotClassifier zeroShot = await FewShotClassifier.CreateFromDescriptionsAsync(FewShotClassifierConfigurationsTests.NewGenerator(), Labels, pool, options);
        FewShotClassifier loaded = await RoundTripAsync(zeroShot);
        LabeledExample[] billing = [new("my invoice shows a double charge", "billing")];
        LabeledExample[] shipping = [new("the parcel delivery is late", "shipping")];

        FewShotClassifier grown = await zeroShot.AddExamplesAsync([.. billing, .. shipping]);
        FewShotClassifier grownLoaded = await loaded.AddExamplesAsync([.. billing, .. shipping]);
        FewShotClassifier grownInSteps = await (await zeroShot.AddExamplesAsync(billing)).AddExamplesAsync(shipping);
        FewShotClassifier grownLoadedInSteps = await (await loaded.AddExamplesAsync(billing)).AddExamplesAsync(shipping);

        Prediction expected = await grown.PredictAsync("refund the courier");
        Prediction actual = await grownLoaded.PredictAsync("refund the courier");
        Prediction expectedInSteps = await grownInSteps.PredictAsync("refund the courier");
        Prediction actualInSteps = await grownLoadedInSteps.PredictAsync("refund the courier");
        Assert.Multiple(() =>
        {
            Assert.That(grownLoaded.DescribedOnlyLabels, Is.Empty);
            Assert.That(grownLoaded.UnlabeledCount, Is.EqualTo(pool.Length));
            Assert.That(actual.Scores.Select(s => s.Score), Is.EqualTo(expected.Scores.Select(s => s.Score)).Within(1e-5f));
            Assert.That(actualInSteps.Scores.Select(s => s.Score), Is.EqualTo(expectedInSteps.Scores.Select(s => s.Score)).Within(1e-5f));
        });
    }

    [Test]
    public async Task DetectUnknown_FromDescriptionsAlone_GivesFiniteProbabilities()
    {
        FewShotClassifier classifier = await FewShotClassifier.CreateFromDescriptionsAsync(
            FewShotClassifierConfigurationsTests.NewGenerator(), ["late delivery", "refund request", "password reset"], new FewShotClassifierOptions { DetectUnknown = true });

        Prediction prediction = await classifier.PredictAsync("my delivery is late");
        FewShotClassifier loaded = await RoundTripAsync(classifier);
        Prediction again = await loaded.PredictAsync("my delivery is late");

        Assert.Multiple(() =>
        {
            Assert.That(prediction.Label, Is.EqualTo("late delivery"));
            Assert.That(prediction.Scores.Select(s => s.Score), Has.All.Matches<float>(float.IsFinite));
            Assert.That(again.Scores.Select(s => s.Score), Is.EqualTo(prediction.Scores.Select(s => s.Score)));
        });
    }

    [Test]
    public async Task Create_StopsBeforeEmbedding_WhenCanceled()
    {
        FakeEmbeddingGenerator generator = BagOfWords.Generator();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        Assert.That(
            () => FewShotClassifier.CreateFromDescriptionsAsync(generator, Labels, cancellationToken: cancellation.Token),
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(generator.Calls, Is.Empty);
    }

    [Test]
    public async Task AddExamplesAsync_ToADescribedClassifier_RefusesBadExamples_AndCancellation_LeavingItUnchanged()
    {
        FewShotClassifier zeroShot = await FewShotClassifier.CreateFromDescriptionsAsync(FewShotClassifierConfigurationsTests.NewGenerator(), Labels);
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        Assert.Multiple(() =>
        {
            Assert.That(() => zeroShot.AddExamplesAsync(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("examples"));
            Assert.That(() => zeroShot.AddExamplesAsync([new(" ", "billing")]), Throws.ArgumentException.With.Property("ParamName").EqualTo("examples"));
            Assert.That(() => zeroShot.AddExamplesAsync([new("a refund", null!)]), Throws.ArgumentException.With.Property("ParamName").EqualTo("examples"));
            Assert.That(() => zeroShot.AddExamplesAsync([default]), Throws.ArgumentException.With.Property("ParamName").EqualTo("examples"));
            Assert.That(() => zeroShot.AddExamplesAsync([new("a refund", "billing")], cancellation.Token), Throws.InstanceOf<OperationCanceledException>());
            Assert.That(zeroShot.DescribedOnlyLabels, Is.EqualTo(Labels));
        });
    }

    [Test]
    public async Task AddExamplesAsync_OfANewLabelAndOfTheNoneLabel_SavesAndLoads()
    {
        var options = new FewShotClassifierOptions { NoneLabel = "other" };
        FewShotClassifier zeroShot = await FewShotClassifier.CreateFromDescriptionsAsync(FewShotClassifierConfigurationsTests.NewGenerator(), Labels, options);

        FewShotClassifier withNone = await zeroShot.AddExamplesAsync([new("hello there", "other")]);
        FewShotClassifier withNew = await withNone.AddExamplesAsync([new("reset my password", "account"), new("new password please", "account")]);
        FewShotClassifier loaded = await RoundTripAsync(withNew);
        FewShotClassifier grown = await loaded.AddExamplesAsync([new("a refund of the charge", "billing")]);
        FewShotClassifier grownAgain = await RoundTripAsync(grown);

        Assert.Multiple(() =>
        {
            Assert.That(withNone.DescribedOnlyLabels, Is.EqualTo(Labels));
            Assert.That(withNew.DescribedOnlyLabels, Is.EqualTo(Labels));
            Assert.That(loaded.DescribedOnlyLabels, Is.EqualTo(Labels));
            Assert.That(grown.DescribedOnlyLabels, Is.EqualTo(new[] { "shipping" }));
            Assert.That(grownAgain.DescribedOnlyLabels, Is.EqualTo(new[] { "shipping" }));
            Assert.That(grownAgain.Labels, Is.EquivalentTo(new[] { "billing", "shipping", "account" }));
        });
    }

    [Test]
    public async Task AMegabyteLabel_IsDescribed_Saved_AndLoaded()
    {
        string huge = string.Join(' ', Enumerable.Range(0, 150_000).Select(i => $"w{i % 977}"));
        Assert.That(huge.Length, Is.GreaterThan(700_000));
        FewShotClassifier zeroShot = await FewShotClassifier.CreateFromDescriptionsAsync(FewShotClassifierConfigurationsTests.NewGenerator(), ["refund", huge]);

        FewShotClassifier loaded = await RoundTripAsync(zeroShot);

        Assert.That(loaded.DescribedOnlyLabels, Is.EqualTo(new[] { "refund", huge }));
    }
}
