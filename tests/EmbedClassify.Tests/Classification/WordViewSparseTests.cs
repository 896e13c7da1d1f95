namespace EmbedClassify.Tests.Classification;

public class WordViewSparseTests
{
    /// <summary>Seeded texts of 3–10 words from a small vocabulary, some words repeated, over <paramref name="classCount"/> classes.</summary>
    internal static (string[] Texts, int[] Classes) Corpus(int count, int classCount, int seed = 1, int vocabulary = 40)
    {
        var random = new Random(seed);
        string[] texts = [.. Enumerable.Range(0, count).Select(_ =>
            string.Join(' ', Enumerable.Range(0, random.Next(3, 11)).Select(_ => $"w{random.Next(vocabulary)}")))];
        int[] classes = [.. Enumerable.Range(0, count).Select(i => i < classCount ? i : random.Next(classCount))];
        return (texts, classes);
    }

    internal static string[] Queries(int count, int seed = 99) => Corpus(count, 1, seed, vocabulary: 50).Texts;

    [Test]
    public void Score_IsBitIdenticalToTheDenseTable()
    {
        (string[] texts, int[] classes) = Corpus(120, 7);
        var view = WordView.Fit(texts, classes, 7);
        var dense = new DenseWordView(texts, classes, 7);
        var actual = new float[7];
        var expected = new float[7];

        foreach (string query in Queries(50).Concat(texts.Take(10)))
        {
            view.Score(query, actual);
            dense.Score(query, expected);
            Assert.That(actual, Is.EqualTo(expected), query);
        }
    }

    [Test]
    public void LeaveOneOutScores_AreBitIdenticalToTheDenseTable()
    {
        (string[] texts, int[] classes) = Corpus(150, 6, seed: 2);
        var view = WordView.Fit(texts, classes, 6);

        (float[][] scores, _) = view.LeaveOneOutScores();

        Assert.That(scores, Is.EqualTo(new DenseWordView(texts, classes, 6).LeaveOneOut()));
    }

    [Test]
    public void LeaveOneOutScores_OfCandidates_AreTheRowsOfThoseExamples()
    {
        (string[] texts, int[] classes) = Corpus(60, 5, seed: 3);
        var view = WordView.Fit(texts, classes, 5);
        (float[][] all, int[] allTruth) = view.LeaveOneOutScores();
        int[] candidates = EmbeddingClassifier.CalibrationCandidates(classes, 5, seed: 42, max: 200);

        (float[][] scores, int[] truth) = view.LeaveOneOutScores([candidates[3], candidates[0]]);

        Assert.Multiple(() =>
        {
            Assert.That(candidates, Has.Length.EqualTo(all.Length));
            Assert.That(truth, Is.EqualTo(new[] { allTruth[3], allTruth[0] }));
            Assert.That(scores, Is.EqualTo(new[] { all[3], all[0] }));
        });
    }

    // 4 classes: scalar adds only; 37: full vectors of every width plus a remainder.
    [TestCase(false, 4, TestName = "WithWeightedTexts_IsBitIdenticalToTheDenseTable(4 classes)")]
    [TestCase(false, 37, TestName = "WithWeightedTexts_IsBitIdenticalToTheDenseTable(37 classes)")]
    [TestCase(true, 4, TestName = "WithWeightedTextsSparse_IsBitIdenticalToTheDenseTable_WhenNoWeightIsNegligible(4 classes)")]
    [TestCase(true, 37, TestName = "WithWeightedTextsSparse_IsBitIdenticalToTheDenseTable_WhenNoWeightIsNegligible(37 classes)")]
    public void WithWeightedTexts_IsBitIdenticalToTheDenseTable(bool classByClass, int classCount)
    {
        (string[] texts, int[] classes) = Corpus(120, classCount, seed: 4);
        var view = WordView.Fit(texts, classes, classCount);
        var dense = new DenseWordView(texts, classes, classCount);
        string[] unlabeled = Queries(30, seed: 5);
        var random = new Random(6);
        float[] weights = [.. Enumerable.Range(0, unlabeled.Length * classCount).Select(_ => 0.01f + random.NextSingle())];
        TermVector[] vectors = [.. unlabeled.Select(view.Vectorize)];

        WordView refined = classByClass ? view.WithWeightedTextsSparse(vectors, weights) : view.WithWeightedTexts(vectors, weights);
        dense.Refine([.. unlabeled.Select(dense.Vectorize)], weights);

        var actual = new float[classCount];
        var expected = new float[classCount];
        foreach (string query in Queries(40))
        {
            refined.Score(query, actual);
            dense.Score(query, expected);
            Assert.That(actual, Is.EqualTo(expected), query);
        }
    }

    [Test]
    public void WithWeightedTextsSparse_SkipsOnlyNegligibleWeights()
    {
        // A weight a millionth of the text's best adds nothing a float score can show; the refined scores stay within
        // float rounding of the dense refinement that adds it.
        (string[] texts, int[] classes) = Corpus(80, 4, seed: 8);
        var view = WordView.Fit(texts, classes, 4);
        var dense = new DenseWordView(texts, classes, 4);
        string[] unlabeled = Queries(30, seed: 9);
        float[] weights = [.. Enumerable.Range(0, unlabeled.Length * 4).Select(j => j % 4 == j / 4 % 4 ? 1f : 1e-8f)];

        WordView refined = view.WithWeightedTextsSparse([.. unlabeled.Select(view.Vectorize)], weights);
        dense.Refine([.. unlabeled.Select(dense.Vectorize)], weights);

        var actual = new float[4];
        var expected = new float[4];
        foreach (string query in Queries(40))
        {
            refined.Score(query, actual);
            dense.Score(query, expected);
            Assert.That(actual, Is.EqualTo(expected).Within(1e-6), query);
        }
    }

    [Test]
    public void WithWeightedTexts_OverThousandsOfClasses_StaysSparse()
    {
        // 3,000 classes × the terms of 2,000 texts is past the dense rows' budget; each text weighs on two classes.
        var random = new Random(14);
        string[] texts = [.. Enumerable.Range(0, 3000).Select(_ => string.Join(' ', Enumerable.Range(0, 12).Select(_ => $"w{random.Next(4000)}")))];
        var view = WordView.Fit(texts, [.. Enumerable.Range(0, 3000)], 3000);
        TermVector[] unlabeled = [.. texts.Take(2000).Select(view.Vectorize)];
        var weights = new float[2000 * 3000];
        for (int i = 0; i < 2000; i++)
        {
            weights[(i * 3000) + i] = 0.9f;
            weights[(i * 3000) + 2999 - i] = 0.1f;
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        WordView refined = view.WithWeightedTexts(unlabeled, weights);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var scores = new float[3000];
        refined.Score(texts[5], scores);
        Assert.Multiple(() =>
        {
            Assert.That(allocated, Is.LessThan(64L << 20));
            Assert.That(Array.IndexOf(scores, scores.Max()), Is.EqualTo(5));
        });
    }

    [Test]
    public void Fit_TenThousandClassesOfOneExample_TakesMemoryInProportionToTheirTerms()
    {
        // 10,000 classes × ~31 terms: a dense term × class table would be ~150,000 × 10,000 doubles (12 GB).
        var random = new Random(10);
        string[] texts = [.. Enumerable.Range(0, 10_000).Select(_ => string.Join(' ', Enumerable.Range(0, 16).Select(_ => $"w{random.Next(5000)}")))];
        int[] classes = [.. Enumerable.Range(0, 10_000)];
        long before = GC.GetAllocatedBytesForCurrentThread();

        // Time is FitBenchmarks' case (c), as a ratio to its baseline; a unit test asserts no wall-clock figure.
        var view = WordView.Fit(texts, classes, 10_000);

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var scores = new float[10_000];
        view.Score(texts[1234], scores);
        (float[][] loo, _) = view.LeaveOneOutScores();
        Assert.Multiple(() =>
        {
            Assert.That(view.TermCount, Is.GreaterThan(100_000));
            Assert.That(allocated, Is.LessThan(100L << 20), "bytes allocated by the fit");
            Assert.That(Array.IndexOf(scores, scores.Max()), Is.EqualTo(1234));
            Assert.That(scores[1234], Is.EqualTo(1f).Within(1e-5));
            Assert.That(loo, Is.Empty, "no class has two examples");
        });
    }

    [Test]
    public void WithExamples_EqualsAFitOnAllTheTexts_ToTheBit()
    {
        (string[] texts, int[] classes) = Corpus(90, 5, seed: 12);
        (string[] more, int[] moreClasses) = Corpus(40, 7, seed: 13, vocabulary: 60);
        var view = WordView.Fit(texts, classes, 5);

        // Classes 5 and 6 are new; the new texts bring new terms (w40..w59).
        WordView grown = view.WithExamples(more, moreClasses, 7);
        var fresh = WordView.Fit([.. texts, .. more], [.. classes, .. moreClasses], 7);

        var actual = new float[7];
        var expected = new float[7];
        foreach (string query in Queries(40).Concat(more.Take(5)))
        {
            grown.Score(query, actual);
            fresh.Score(query, expected);
            Assert.That(actual, Is.EqualTo(expected), query);
        }

        Assert.Multiple(() =>
        {
            Assert.That(grown.LeaveOneOutScores(), Is.EqualTo(fresh.LeaveOneOutScores()));
            Assert.That(grown.ExampleCount, Is.EqualTo(130));
            Assert.That(view.ExampleCount, Is.EqualTo(90), "the original view is unchanged");
        });
    }

    [Test]
    public void WithExamples_ChecksItsArguments()
    {
        (string[] texts, int[] classes) = Corpus(10, 3);
        var view = WordView.Fit(texts, classes, 3);

        Assert.Multiple(() =>
        {
            Assert.That(() => view.WithExamples(["a"], [0], 2), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("classCount"));
            Assert.That(() => view.WithExamples(["a"], [3], 3), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("classes"));
            Assert.That(() => view.WithExamples(["a", "b"], [0], 3), Throws.ArgumentException.With.Property("ParamName").EqualTo("classes"));
        });
    }
}
