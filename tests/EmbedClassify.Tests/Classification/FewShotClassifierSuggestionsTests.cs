using EmbedClassify.Tests.TestDoubles;

namespace EmbedClassify.Tests.Classification;

public class FewShotClassifierSuggestionsTests
{
    private const int Dimensions = 8;

    // The embedding view alone, so that each test's geometry decides; the word view is tested through the classifier.
    private static FewShotClassifierOptions EmbeddingOnly() => new() { WordWeight = 0, LabelNamesAsDescriptions = false };

    /// <summary>A generator that maps each text to the vector a test gave it.</summary>
    private static FakeEmbeddingGenerator Generator(Dictionary<string, float[]> vectors) => new(text => vectors[text]);

    /// <summary>A unit vector mostly along <paramref name="axis"/>, nudged along the next axis.</summary>
    private static float[] Along(int axis, double nudge = 0, double second = 0)
    {
        var v = new float[Dimensions];
        v[axis] = 1;
        v[(axis + 1) % Dimensions] += (float)nudge;
        v[(axis + 2) % Dimensions] += (float)second;
        return v;
    }

    private static float[] Between(int a, int b, double jitter = 0)
    {
        var v = new float[Dimensions];
        v[a] = 1;
        v[b] = 1;
        v[(b + 3) % Dimensions] += (float)jitter;
        return v;
    }

    private static async Task<(FewShotClassifier Classifier, Dictionary<string, float[]> Vectors)> TwoClassesAsync()
    {
        var vectors = new Dictionary<string, float[]>
        {
            ["a1"] = Along(0, 0.1), ["a2"] = Along(0, -0.1),
            ["b1"] = Along(2, 0.1), ["b2"] = Along(2, -0.1),
        };
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(
            Generator(vectors), [new("a1", "a"), new("a2", "a"), new("b1", "b"), new("b2", "b")], EmbeddingOnly());
        return (classifier, vectors);
    }

    [Test]
    public async Task Suggest_PicksTheTextBetweenTheClasses_OverTextsLikeTheExamples()
    {
        (FewShotClassifier classifier, Dictionary<string, float[]> vectors) = await TwoClassesAsync();
        vectors["like a"] = Along(0, 0.05);
        vectors["like b"] = Along(2, 0.05);
        vectors["torn"] = Between(0, 2);
        string[] pool = ["like a", "torn", "like b"];

        IReadOnlyList<LabelingSuggestion> suggestions = await classifier.SuggestExamplesToLabelAsync(pool, count: 1);

        Assert.That(suggestions, Has.Count.EqualTo(1));
        LabelingSuggestion suggestion = suggestions[0];
        Assert.Multiple(() =>
        {
            Assert.That(suggestion.Text, Is.EqualTo("torn"));
            Assert.That(suggestion.Index, Is.EqualTo(1));
            Assert.That(new[] { suggestion.Label, suggestion.RunnerUp }, Is.EquivalentTo(new[] { "a", "b" }));
            Assert.That(suggestion.Margin, Is.LessThan(0.2f), "halfway between the classes");
            Assert.That(suggestion.Entropy, Is.GreaterThan(0.9f));
        });
    }

    [Test]
    public async Task Suggest_SpreadsOverThePool_InsteadOfReturningNearDuplicates()
    {
        (FewShotClassifier classifier, Dictionary<string, float[]> vectors) = await TwoClassesAsync();
        var pool = new List<string>();
        var random = new Random(3);
        foreach ((int a, int b) in new[] { (0, 2), (1, 2), (0, 1) })
        {
            // Ten near-copies of each of three uncertain places.
            for (int i = 0; i < 10; i++)
            {
                string text = $"group {a}{b} text {i}";
                vectors[text] = Between(a, b, random.NextDouble() * 0.01);
                pool.Add(text);
            }
        }

        IReadOnlyList<LabelingSuggestion> suggestions = classifier.SuggestExamplesToLabel(pool, [.. pool.Select(t => new ReadOnlyMemory<float>(vectors[t]))], count: 3);

        Assert.That(suggestions.Select(s => s.Text[..8]).Distinct().Count(), Is.EqualTo(3), "one text of each group");
    }

    [Test]
    public async Task Suggest_NeverRepeatsAText_AndReturnsEveryDistinctTextWhenAskedForMore()
    {
        (FewShotClassifier classifier, Dictionary<string, float[]> vectors) = await TwoClassesAsync();
        vectors["torn"] = Between(0, 2);
        vectors["other"] = Between(1, 3);
        string[] pool = ["torn", "torn", "other", "torn"];

        IReadOnlyList<LabelingSuggestion> suggestions = await classifier.SuggestExamplesToLabelAsync(pool, count: 10);

        Assert.That(suggestions.Select(s => s.Text), Is.EquivalentTo(new[] { "torn", "other" }));
    }

    [Test]
    public async Task Suggest_CoversThePool_FromDescriptionsAlone()
    {
        var vectors = new Dictionary<string, float[]> { ["sport"] = Along(0), ["politics"] = Along(4) };
        FewShotClassifier classifier = await FewShotClassifier.CreateFromDescriptionsAsync(Generator(vectors), ["sport", "politics"], new FewShotClassifierOptions { WordWeight = 0 });
        var pool = new List<string>();
        var random = new Random(5);

        // Two regions at the descriptions, and two far from both though each leans to one class.
        (string Name, int Axis, int Away)[] regions = [("near sport", 0, -1), ("near politics", 4, -1), ("far sport", 0, 6), ("far politics", 4, 2)];
        foreach ((string name, int axis, int away) in regions)
        {
            for (int i = 0; i < 6; i++)
            {
                string text = $"{name} {i}";
                float[] v = Along(axis, random.NextDouble() * 0.1, random.NextDouble() * 0.1);
                if (away >= 0)
                {
                    v[away] += 2;
                }

                vectors[text] = v;
                pool.Add(text);
            }
        }

        IReadOnlyList<LabelingSuggestion> suggestions = await classifier.SuggestExamplesToLabelAsync(pool, count: 4);

        LabelingSuggestion[] far = [.. suggestions.Where(s => s.Text.StartsWith("far", StringComparison.Ordinal))];
        Assert.Multiple(() =>
        {
            Assert.That(suggestions.Select(s => s.Text[..^2]).Distinct().Count(), Is.EqualTo(4), "one text of each region");
            Assert.That(far.Select(s => s.Reason), Is.All.EqualTo(SuggestionReason.Uncovered), "the regions no description covers");
            Assert.That(far.Select(s => s.Margin), Is.All.GreaterThanOrEqualTo(0.5f));
            Assert.That(far.Min(s => s.Distance), Is.GreaterThan(suggestions.Where(s => s.Text.StartsWith("near", StringComparison.Ordinal)).Max(s => s.Distance)));
        });
    }

    [Test]
    public async Task Suggest_CallsATextBetweenTwoDescriptionsUncertain()
    {
        var vectors = new Dictionary<string, float[]> { ["sport"] = Along(0), ["politics"] = Along(4), ["torn"] = Between(0, 4), ["sporty"] = Along(0, 0.1) };
        FewShotClassifier classifier = await FewShotClassifier.CreateFromDescriptionsAsync(Generator(vectors), ["sport", "politics"], new FewShotClassifierOptions { WordWeight = 0 });

        IReadOnlyList<LabelingSuggestion> suggestions = await classifier.SuggestExamplesToLabelAsync(["torn", "sporty"], count: 2);

        LabelingSuggestion torn = suggestions.Single(s => s.Text == "torn");
        Assert.Multiple(() =>
        {
            Assert.That(torn.Reason, Is.EqualTo(SuggestionReason.Uncertain));
            Assert.That(torn.Margin, Is.LessThan(0.05f));
            Assert.That(suggestions[0].Text, Is.EqualTo("torn"), "the more informative first");
        });
    }

    [Test]
    public async Task Suggest_ThrowsNamingTheArgument_BeforeEmbedding()
    {
        (FewShotClassifier classifier, _) = await TwoClassesAsync();
        var generator = (FakeEmbeddingGenerator)classifier.Generator;
        int callsBefore = generator.Calls.Count;

        Assert.Multiple(() =>
        {
            Assert.That(() => classifier.SuggestExamplesToLabelAsync(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("unlabeledTexts"));
            Assert.That(() => classifier.SuggestExamplesToLabelAsync([]), Throws.ArgumentException.With.Property("ParamName").EqualTo("unlabeledTexts"));
            Assert.That(() => classifier.SuggestExamplesToLabelAsync(["a1", null!]), Throws.ArgumentException.With.Property("ParamName").EqualTo("unlabeledTexts"));
            Assert.That(() => classifier.SuggestExamplesToLabelAsync(["a1", " "]), Throws.ArgumentException.With.Property("ParamName").EqualTo("unlabeledTexts"));
            Assert.That(() => classifier.SuggestExamplesToLabelAsync(["a1"], 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("count"));
            Assert.That(() => classifier.SuggestExamplesToLabel(["a1"], [], 1), Throws.ArgumentException.With.Property("ParamName").EqualTo("vectors"));
            Assert.That(() => classifier.SuggestExamplesToLabel(["a1"], [new float[3]], 1), Throws.ArgumentException.With.Property("ParamName").EqualTo("vectors"));
            Assert.That(generator.Calls, Has.Count.EqualTo(callsBefore));
        });
    }

    [Test]
    public async Task Suggest_Throws_WhenCanceled()
    {
        (FewShotClassifier classifier, Dictionary<string, float[]> vectors) = await TwoClassesAsync();
        vectors["torn"] = Between(0, 2);
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        Assert.That(
            () => classifier.SuggestExamplesToLabel(["torn"], [new ReadOnlyMemory<float>(vectors["torn"])], 1, cancellation.Token),
            Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task Suggest_IsTheSame_ForTheSameInputs()
    {
        (FewShotClassifier classifier, Dictionary<string, float[]> vectors) = await TwoClassesAsync();
        var random = new Random(11);
        string[] pool = [.. Enumerable.Range(0, 200).Select(i => $"text {i}")];
        foreach (string text in pool)
        {
            vectors[text] = Vectors.RandomDirection(Dimensions, random);
        }

        IReadOnlyList<LabelingSuggestion> first = await classifier.SuggestExamplesToLabelAsync(pool, 7);
        IReadOnlyList<LabelingSuggestion> second = await classifier.SuggestExamplesToLabelAsync(pool, 7);

        Assert.Multiple(() =>
        {
            Assert.That(first, Has.Count.EqualTo(7));
            Assert.That(second, Is.EqualTo(first));
            Assert.That(first.Select(s => s.Text).Distinct().Count(), Is.EqualTo(7));
        });
    }
}
