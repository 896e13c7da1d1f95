namespace EmbedClassify.Tests.Classification;

public class WordViewPersistenceTests
{
    private static byte[] Write(WordView view)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            view.WriteTo(writer);
        }

        return stream.ToArray();
    }

    private static WordView Read(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes));
        return WordView.ReadFrom(reader);
    }

    private static (WordView Fitted, WordView Refined) Views()
    {
        (string[] texts, int[] classes) = WordViewSparseTests.Corpus(70, 5, seed: 21);
        var view = WordView.Fit(texts, classes, 5);
        string[] unlabeled = WordViewSparseTests.Queries(25, seed: 22);
        var random = new Random(23);
        float[] weights = [.. Enumerable.Range(0, unlabeled.Length * 5).Select(_ => random.NextSingle())];
        return (view, view.WithWeightedTexts([.. unlabeled.Select(view.Vectorize)], weights));
    }

    private static void AssertSameScores(WordView actual, WordView expected)
    {
        var a = new float[expected.ClassCount];
        var e = new float[expected.ClassCount];
        foreach (string query in WordViewSparseTests.Queries(60).Append("w1 w2 w3").Append("nothing known"))
        {
            actual.Score(query, a);
            expected.Score(query, e);
            Assert.That(a.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(e.Select(BitConverter.SingleToInt32Bits)), query);
        }
    }

    [Test]
    public void ReadFrom_RestoresEveryScoreToTheBit_RefinedCentroidsIncluded()
    {
        (WordView fitted, WordView refined) = Views();

        WordView readFitted = Read(Write(fitted));
        WordView readRefined = Read(Write(refined));

        AssertSameScores(readFitted, fitted);
        AssertSameScores(readRefined, refined);
        Assert.Multiple(() =>
        {
            Assert.That(Write(readRefined), Is.EqualTo(Write(refined)), "writing again gives the same bytes");
            Assert.That(readRefined.LeaveOneOutScores(), Is.EqualTo(fitted.LeaveOneOutScores()));
        });
    }

    [Test]
    public void ReadFrom_KeepsWithExamplesWorking()
    {
        (WordView fitted, WordView refined) = Views();
        (string[] more, int[] classes) = WordViewSparseTests.Corpus(20, 6, seed: 24, vocabulary: 55);

        WordView grown = Read(Write(refined)).WithExamples(more, classes, 6);

        AssertSameScores(grown, fitted.WithExamples(more, classes, 6));
    }

    [Test]
    public void ReadFrom_RejectsEveryTruncation()
    {
        byte[] bytes = Write(Views().Refined);

        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.That(() => Read(bytes[..length]), Throws.InstanceOf<InvalidDataException>(), $"{length} of {bytes.Length} bytes");
        }
    }

    [Test]
    public void ReadFrom_RejectsCorruptBytes_WithInvalidDataOnly()
    {
        // Any byte changed either still reads (a weight or count changed to another plausible value) or is rejected as
        // invalid data — never an index, overflow or out-of-memory failure.
        byte[] bytes = Write(WordView.Fit(["a b", "b c", "c d a"], [0, 1, 1], 2));

        for (int i = 0; i < bytes.Length; i++)
        {
            foreach (byte value in (byte[])[0x00, 0x7F, 0x80, 0xFF, (byte)(bytes[i] ^ 0x01)])
            {
                byte[] corrupt = (byte[])bytes.Clone();
                corrupt[i] = value;
                try
                {
                    _ = Read(corrupt);
                }
                catch (InvalidDataException)
                {
                }
            }
        }
    }

    private static byte[] Build(Action<BinaryWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            write(writer);
        }

        return stream.ToArray();
    }

    /// <summary>A one-class view with terms "a" and "b" (as their hashes) and one example holding both, with a hook before the example and centroid.</summary>
    private static byte[] Handmade(
        int termCount = 2, string second = "b", float idf = 1.5f, int exampleTerm = 1, int count = 1, int classOfExample = 0, float weight = 0.5f, int centroidTerm = 1)
        => Build(w =>
        {
            w.Write(1);
            w.Write(1);
            w.Write(termCount);
            foreach (string term in (string[])["a", second])
            {
                w.Write(WordView.Key(term));
                w.Write(1);
                w.Write(idf);
            }

            w.Write(1.7f);
            w.Write(1);
            w.Write(classOfExample);
            w.Write(2);
            w.Write(0);
            w.Write(1);
            w.Write(exampleTerm);
            w.Write(count);
            w.Write(2);
            w.Write(0);
            w.Write(0.5f);
            w.Write(centroidTerm);
            w.Write(weight);
        });

    [Test]
    public void ReadFrom_AcceptsTheHandmadeView() =>
        Assert.That(Read(Handmade()).TermCount, Is.EqualTo(2));

    [TestCase(-1, TestName = "ReadFrom_RejectsANegativeTermCount")]
    [TestCase(1_000_000, TestName = "ReadFrom_RejectsATermCountTooLargeForTheBytesLeft")]
    public void ReadFrom_RejectsBadTermCounts(int termCount) =>
        Assert.That(() => Read(Handmade(termCount: termCount)), Throws.InstanceOf<InvalidDataException>());

    [Test]
    public void ReadFrom_RejectsInconsistentData()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => Read(Handmade(second: "a")), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("repeats"), "duplicate term");
            Assert.That(() => Read(Handmade(idf: float.NaN)), Throws.InstanceOf<InvalidDataException>(), "NaN IDF");
            Assert.That(() => Read(Handmade(weight: float.NaN)), Throws.InstanceOf<InvalidDataException>(), "NaN centroid weight");
            Assert.That(() => Read(Handmade(weight: float.PositiveInfinity)), Throws.InstanceOf<InvalidDataException>(), "infinite centroid weight");
            Assert.That(() => Read(Handmade(exampleTerm: 2)), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("outside"), "term id out of range");
            Assert.That(() => Read(Handmade(exampleTerm: -5)), Throws.InstanceOf<InvalidDataException>(), "negative term id");
            Assert.That(() => Read(Handmade(exampleTerm: 0)), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("twice"), "a term twice in one example");
            Assert.That(() => Read(Handmade(count: 0)), Throws.InstanceOf<InvalidDataException>(), "a zero term count");
            Assert.That(() => Read(Handmade(classOfExample: 1)), Throws.InstanceOf<InvalidDataException>(), "class out of range");
            Assert.That(() => Read(Handmade(centroidTerm: 0)), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("ascending"), "centroid term repeated");
            Assert.That(() => Read(Handmade(centroidTerm: 7)), Throws.InstanceOf<InvalidDataException>(), "centroid term out of range");
        });
    }

    [Test]
    public void ReadFrom_RejectsDocumentFrequenciesThatDoNotMatchTheExamples()
    {
        byte[] bytes = Handmade();

        // The first term's frequency sits after version, class count, term count and the 8-byte hash of "a".
        BitConverter.GetBytes(2).CopyTo(bytes, 20);

        Assert.That(() => Read(bytes), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("frequencies"));
    }

    [Test]
    public void ReadFrom_NeedsASeekableStream_ToCheckCountsAgainstItsLength()
    {
        using var pipe = new NonSeekableStream(Handmade());
        using var reader = new BinaryReader(pipe);

        Assert.That(() => WordView.ReadFrom(reader), Throws.ArgumentException.With.Property("ParamName").EqualTo("reader"));
    }

    /// <summary>A read-only stream over bytes that cannot seek, like a network stream.</summary>
    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
