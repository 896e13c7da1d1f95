using System.Diagnostics;
using EmbedClassify.Tests.TestDoubles;

namespace EmbedClassify.Tests.Classification;

/// <summary>
/// <see cref="FewShotClassifier.SuggestExamplesToLabel"/> called the way a careless or hostile caller would: unusable
/// vectors, extreme counts, pools a hundred times the usual size, cancellation.
/// </summary>
public class FewShotClassifierSuggestionsProbeTests
{
    private const int Dimensions = 32;

    private static async Task<FewShotClassifier> TwoClassesAsync(int dimensions = Dimensions)
    {
        var random = new Random(5);
        var vectors = new Dictionary<string, float[]>();
        var examples = new List<LabeledExample>();
        for (int i = 0; i < 3; i++)
        {
            vectors[$"a{i}"] = Near(0, dimensions, random);
            vectors[$"b{i}"] = Near(1, dimensions, random);
            examples.Add(new($"a{i}", "a"));
            examples.Add(new($"b{i}", "b"));
        }

        return await FewShotClassifier.CreateAsync(
            new FakeEmbeddingGenerator(text => vectors[text]), examples, new FewShotClassifierOptions { WordWeight = 0, LabelNamesAsDescriptions = false });
    }

    private static float[] Near(int axis, int dimensions, Random random)
    {
        float[] v = Vectors.RandomDirection(dimensions, random);
        for (int i = 0; i < v.Length; i++)
        {
            v[i] *= 0.2f;
        }

        v[axis] += 1;
        return v;
    }

    private static (string[] Texts, ReadOnlyMemory<float>[] Vectors) Pool(int size, int dimensions = Dimensions, int seed = 9)
    {
        var random = new Random(seed);
        return (
            [.. Enumerable.Range(0, size).Select(i => $"pool text {i}")],
            [.. Enumerable.Range(0, size).Select(_ => new ReadOnlyMemory<float>(Vectors.RandomDirection(dimensions, random)))]);
    }

    [TestCase(float.NaN)]
    [TestCase(float.PositiveInfinity)]
    public async Task Suggest_ThrowsNamingVectors_WhenAVectorIsNotFinite(float bad)
    {
        FewShotClassifier classifier = await TwoClassesAsync();
        (string[] texts, ReadOnlyMemory<float>[] vectors) = Pool(5);
        float[] broken = vectors[3].ToArray();
        broken[7] = bad;
        vectors[3] = broken;

        Assert.That(
            () => classifier.SuggestExamplesToLabel(texts, vectors, 2),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("vectors").And.Message.Contains("vectors[3]"));
    }

    [Test]
    public async Task Suggest_ThrowsNamingVectors_WhenAVectorIsAllZeros()
    {
        FewShotClassifier classifier = await TwoClassesAsync();
        (string[] texts, ReadOnlyMemory<float>[] vectors) = Pool(5);
        vectors[2] = new float[Dimensions];

        Assert.That(
            () => classifier.SuggestExamplesToLabel(texts, vectors, 2),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("vectors").And.Message.Contains("vectors[2]"));
    }

    [Test]
    public async Task Suggest_ThrowsNamingVectors_WhenAVectorIsEmptyOrTooLong()
    {
        FewShotClassifier classifier = await TwoClassesAsync();
        (string[] texts, ReadOnlyMemory<float>[] vectors) = Pool(3);

        Assert.Multiple(() =>
        {
            Assert.That(
                () => classifier.SuggestExamplesToLabel(texts, [vectors[0], default, vectors[2]], 1),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("vectors"));
            Assert.That(
                () => classifier.SuggestExamplesToLabel(texts, [vectors[0], new float[Dimensions + 1], vectors[2]], 1),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("vectors"));
            Assert.That(
                () => classifier.SuggestExamplesToLabel(texts, [.. vectors, vectors[0]], 1),
                Throws.ArgumentException.With.Property("ParamName").EqualTo("vectors"));
            Assert.That(() => classifier.SuggestExamplesToLabel(null!, vectors, 1), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("unlabeledTexts"));
            Assert.That(() => classifier.SuggestExamplesToLabel(texts, null!, 1), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("vectors"));
            Assert.That(() => classifier.SuggestExamplesToLabel(texts, vectors, -1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("count"));
            Assert.That(() => classifier.SuggestExamplesToLabel(texts, vectors, int.MinValue), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("count"));
            Assert.That(() => classifier.SuggestExamplesToLabel(["a", "\u200B\t"], vectors[..2], 1), Throws.ArgumentException.With.Property("ParamName").EqualTo("unlabeledTexts"));
        });
    }

    [Test]
    public async Task Suggest_ReturnsEveryDistinctText_WhenCountIsFarAboveThePool()
    {
        FewShotClassifier classifier = await TwoClassesAsync();
        (string[] texts, ReadOnlyMemory<float>[] vectors) = Pool(4);
        texts[3] = texts[1];

        IReadOnlyList<LabelingSuggestion> suggestions = classifier.SuggestExamplesToLabel(texts, vectors, int.MaxValue);

        Assert.That(suggestions.Select(s => s.Text), Is.EquivalentTo(texts.Distinct()));
    }

    [Test]
    public async Task Suggest_IsLinearInThePool_UpToAHundredThousandTexts()
    {
        FewShotClassifier classifier = await TwoClassesAsync();
        (string[] small, ReadOnlyMemory<float>[] smallVectors) = Pool(1_000);
        (string[] large, ReadOnlyMemory<float>[] largeVectors) = Pool(100_000);
        _ = classifier.SuggestExamplesToLabel(small, smallVectors, 10);

        var watch = Stopwatch.StartNew();
        _ = classifier.SuggestExamplesToLabel(small, smallVectors, 10);
        TimeSpan smallTime = watch.Elapsed;
        watch.Restart();
        IReadOnlyList<LabelingSuggestion> suggestions = classifier.SuggestExamplesToLabel(large, largeVectors, 10);
        TimeSpan largeTime = watch.Elapsed;
        TestContext.Out.WriteLine($"1,000 texts {smallTime.TotalMilliseconds:F0} ms, 100,000 texts {largeTime.TotalMilliseconds:F0} ms");

        Assert.That(suggestions, Has.Count.EqualTo(10));
        Assert.That(largeTime.TotalSeconds, Is.LessThan(Math.Max(10, 300 * smallTime.TotalSeconds)), "100 times the pool, far less than 100² the time");
    }

    [TestCase(ClassificationStrategy.NearestCentroid, false)]
    [TestCase(ClassificationStrategy.KNearestNeighbors, false)]
    [TestCase(ClassificationStrategy.KMeans, false)]
    [TestCase(ClassificationStrategy.Auto, false)]
    [TestCase(ClassificationStrategy.NearestCentroid, true)]
    [TestCase(ClassificationStrategy.KNearestNeighbors, true)]
    public async Task Suggest_GivesMeasuresInTheirRanges_WhateverTheStrategy_AndWithNoneExamples(ClassificationStrategy strategy, bool withNone)
    {
        var random = new Random(2);
        var vectors = new Dictionary<string, float[]>();
        var examples = new List<LabeledExample>();
        for (int i = 0; i < 6; i++)
        {
            foreach ((string label, int axis) in new[] { ("a", 0), ("b", 1), ("c", 2) })
            {
                vectors[$"{label}{i}"] = Near(axis, Dimensions, random);
                examples.Add(new($"{label}{i}", label));
            }

            if (withNone)
            {
                vectors[$"none{i}"] = Near(5, Dimensions, random);
                examples.Add(new($"none{i}", "none"));
            }
        }

        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(
            new FakeEmbeddingGenerator(text => vectors[text]),
            examples,
            new FewShotClassifierOptions { Strategy = strategy, NoneLabel = withNone ? "none" : null, DetectUnknown = withNone, LabelNamesAsDescriptions = false });
        (string[] texts, ReadOnlyMemory<float>[] pool) = Pool(300);

        IReadOnlyList<LabelingSuggestion> suggestions = classifier.SuggestExamplesToLabel(texts, pool, 6);

        Assert.That(suggestions, Has.Count.EqualTo(6));
        Assert.Multiple(() =>
        {
            foreach (LabelingSuggestion s in suggestions)
            {
                Assert.That(s.Margin, Is.InRange(0f, 1f));
                Assert.That(s.Entropy, Is.InRange(0f, 1.0001f));
                Assert.That(s.Distance, Is.InRange(0f, 2.0001f));
                Assert.That(new[] { s.Label, s.RunnerUp }, Is.SubsetOf(classifier.Labels).And.Unique);
                Assert.That(s.Text, Is.EqualTo(texts[s.Index]));
            }
        });
    }

    [Test]
    public async Task Suggest_GivesNoNegativeDistance_ForTextsThatAreExamples()
    {
        var random = new Random(4);
        var vectors = new Dictionary<string, float[]>();
        var examples = new List<LabeledExample>();
        for (int i = 0; i < 40; i++)
        {
            vectors[$"a{i}"] = Near(0, Dimensions, random);
            vectors[$"b{i}"] = Near(1, Dimensions, random);
            examples.Add(new($"a{i}", "a"));
            examples.Add(new($"b{i}", "b"));
        }

        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(
            new FakeEmbeddingGenerator(text => vectors[text]), examples, new FewShotClassifierOptions { WordWeight = 0, LabelNamesAsDescriptions = false });
        string[] texts = [.. vectors.Keys];

        IReadOnlyList<LabelingSuggestion> suggestions = classifier.SuggestExamplesToLabel(texts, [.. texts.Select(t => new ReadOnlyMemory<float>(vectors[t]))], texts.Length);

        Assert.That(suggestions.Select(s => s.Distance), Has.All.GreaterThanOrEqualTo(0f));
    }

    [Test]
    public async Task Suggest_FromManyThreadsAtOnce_GivesWhatOneThreadGets()
    {
        FewShotClassifier classifier = await TwoClassesAsync();
        (string[] texts, ReadOnlyMemory<float>[] vectors) = Pool(2_000);
        IReadOnlyList<LabelingSuggestion> expected = classifier.SuggestExamplesToLabel(texts, vectors, 8);

        IReadOnlyList<LabelingSuggestion>[] concurrent = await Task.WhenAll(
            Enumerable.Range(0, 8).Select(_ => Task.Run(() => classifier.SuggestExamplesToLabel(texts, vectors, 8))));

        Assert.That(concurrent, Has.All.EqualTo(expected));
    }

    [Test]
    public async Task Suggest_StopsWhenCanceled_WhileChoosingAmongManyCandidates()
    {
        // Many suggestions of a large pool spend their time clustering the candidates (quadratic in count): cancellation
        // must reach that step too.
        const int dimensions = 384;
        FewShotClassifier classifier = await TwoClassesAsync(dimensions);
        (string[] texts, ReadOnlyMemory<float>[] vectors) = Pool(20_000, dimensions);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(1500));

        var watch = Stopwatch.StartNew();
        Assert.That(() => classifier.SuggestExamplesToLabel(texts, vectors, 2_000, cancellation.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(watch.Elapsed.TotalSeconds, Is.LessThan(8), "stopped soon after the token was canceled");
    }
}
