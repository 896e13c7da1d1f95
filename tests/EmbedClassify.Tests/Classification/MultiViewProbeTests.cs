using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EmbedClassify.Tests.Persistence;
using EmbedClassify.Tests.TestDoubles;
using Microsoft.Extensions.AI;

namespace EmbedClassify.Tests.Classification;

/// <summary>
/// A careless or hostile caller's probes of several models behind one <see cref="MultiViewEmbeddingGenerator"/>: models
/// that misbehave, concurrent callers, forged files, scale, and odd uses of the public surface.
/// </summary>
public class MultiViewProbeTests
{
    // The same texts as the behaviour tests, so that a probe's failure reads against a case those tests describe.
    private static readonly LabeledExample[] Examples = FewShotClassifierMultiViewTests.Examples;

    private static readonly string[] Queries = FewShotClassifierMultiViewTests.Queries;

    private static readonly FewShotClassifierOptions NoDescriptions = new() { LabelNamesAsDescriptions = false };

    private static HashedEmbeddings Words() => new("words-64", 64, HashedEmbeddings.Kind.Words);

    private static HashedEmbeddings Trigrams() => new("trigrams-48", 48, HashedEmbeddings.Kind.Trigrams);

    // ---- 1. Models that misbehave inside the combination -------------------------------------------------------------

    private static IEnumerable<TestCaseData> BadModels()
    {
        yield return new TestCaseData(new Func<ProbeModel, string[], GeneratedEmbeddings<Embedding<float>>>((m, t) => m.Default(t.Skip(1))), "vectors for").SetName("Misbehaving_FewerVectors");
        yield return new TestCaseData(new Func<ProbeModel, string[], GeneratedEmbeddings<Embedding<float>>>((m, t) => m.Default([.. t, "extra"])), "vectors for").SetName("Misbehaving_MoreVectors");
        yield return new TestCaseData(new Func<ProbeModel, string[], GeneratedEmbeddings<Embedding<float>>>((m, t) => new(t.Select(x => new Embedding<float>(new float[m.Dimensions + 1])))), "length").SetName("Misbehaving_WrongLength");
        yield return new TestCaseData(new Func<ProbeModel, string[], GeneratedEmbeddings<Embedding<float>>>((m, t) => Poison(m, t, float.NaN)), "NaN").SetName("Misbehaving_NaN");
        yield return new TestCaseData(new Func<ProbeModel, string[], GeneratedEmbeddings<Embedding<float>>>((m, t) => Poison(m, t, 0)), "all-zero").SetName("Misbehaving_AllZerosForOneText");
        yield return new TestCaseData(new Func<ProbeModel, string[], GeneratedEmbeddings<Embedding<float>>>((m, t) => new(t.Select(_ => new Embedding<float>(ReadOnlyMemory<float>.Empty)))), "empty").SetName("Misbehaving_EmptyVectors");
        yield return new TestCaseData(new Func<ProbeModel, string[], GeneratedEmbeddings<Embedding<float>>>((m, t) => null!), "bad-model").SetName("Misbehaving_NullResult");
        yield return new TestCaseData(new Func<ProbeModel, string[], GeneratedEmbeddings<Embedding<float>>>((m, t) => [.. m.Default(t).Select((e, i) => i == t.Length - 1 ? null! : e)]), "bad-model").SetName("Misbehaving_NullEmbedding");
    }

    /// <summary>The default vectors, but one text's (the last) is all <paramref name="value"/>.</summary>
    private static GeneratedEmbeddings<Embedding<float>> Poison(ProbeModel model, string[] texts, float value) =>
        new(texts.Select((t, i) => new Embedding<float>(i == texts.Length - 1 ? Enumerable.Repeat(value, model.Dimensions).ToArray() : model.Vector(t))));

    [TestCaseSource(nameof(BadModels))]
    public async Task AModelsBadAnswer_IsAnInvalidOperationNamingTheModel_AndBuildsNoClassifier(
        Func<ProbeModel, string[], GeneratedEmbeddings<Embedding<float>>> answer, string says)
    {
        var good = new ProbeModel("good-model", 16);
        var bad = new ProbeModel("bad-model", 16);
        using var views = new MultiViewEmbeddingGenerator(good, bad);
        FewShotClassifier before = await FewShotClassifier.CreateAsync(views, Examples, NoDescriptions);
        bad.Generate = (texts, _) => Task.FromResult(answer(bad, texts));

        Assert.Multiple(() =>
        {
            Assert.That(() => views.GenerateAsync(["a text", "another text"]), Throws.InvalidOperationException.With.Message.Contains("bad-model").And.Message.Contains(says));
            Assert.That(() => FewShotClassifier.CreateAsync(views, Examples, NoDescriptions), Throws.InvalidOperationException.With.Message.Contains("bad-model"));
            Assert.That(() => before.AddExamplesAsync([new("a new spam text", "spam")]), Throws.InvalidOperationException.With.Message.Contains("bad-model"));
            Assert.That(() => before.PredictAsync("a query"), Throws.InvalidOperationException.With.Message.Contains("bad-model"));
        });
        Assert.That(before.Model.ExampleCount, Is.EqualTo(Examples.Length), "a failed AddExamplesAsync leaves the classifier as it was");
    }

    [TestCase(1e-25f, TestName = "AModelsVector_WhoseLengthUnderflows_ForOneText_IsRefusedNamingTheModel")]
    [TestCase(1e19f, TestName = "AModelsVector_WhoseLengthOverflows_ForOneText_IsRefusedNamingTheModel")]
    public async Task AModelsVectorOfExtremeScale_IsRefusedNamingTheModel(float value)
    {
        // Finite and not all zeros, yet the model's own view cannot normalize it (VectorMath.Norm sums squares in single
        // precision): alone, the model's vector would be refused as all zeros or not finite; beside another model's
        // normal part, the combined vector's length is fine.
        var good = new ProbeModel("good-model", 16);
        var bad = new ProbeModel("bad-model", 16);
        using var views = new MultiViewEmbeddingGenerator(bad, good);
        FewShotClassifier before = await FewShotClassifier.CreateAsync(views, Examples, NoDescriptions);
        bad.Generate = (texts, _) => Task.FromResult(Poison(bad, texts, value));

        Assert.Multiple(() =>
        {
            Assert.That(() => views.GenerateAsync(["a text", "another text"]), Throws.InvalidOperationException.With.Message.Contains("bad-model"));
            Assert.That(() => FewShotClassifier.CreateAsync(views, Examples, NoDescriptions), Throws.InvalidOperationException.With.Message.Contains("bad-model"));
            Assert.That(() => before.PredictAsync("a query"), Throws.InvalidOperationException.With.Message.Contains("bad-model"));
        });
    }

    [Test]
    public async Task TheModels_AreCalledConcurrently()
    {
        var a = new ProbeModel("a", 8) { Delay = TimeSpan.FromMilliseconds(600) };
        var b = new ProbeModel("b", 8) { Delay = TimeSpan.FromMilliseconds(600) };
        var c = new ProbeModel("c", 8) { Delay = TimeSpan.FromMilliseconds(600) };
        using var views = new MultiViewEmbeddingGenerator(a, b, c);
        await views.GenerateAsync(["warm"]);

        var watch = Stopwatch.StartNew();
        await views.GenerateAsync(["x", "y"]);
        TestContext.Out.WriteLine($"three models of 600 ms each: {watch.ElapsedMilliseconds} ms");
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromMilliseconds(1700)), "three 600 ms calls in sequence take at least 1800 ms");
    }

    [Test]
    public void AModelThatThrows_FailsTheCallWithItsOwnException_WhetherFaultedOrThrownSynchronously()
    {
        var good = new ProbeModel("good-model", 16);
        var faulted = new ProbeModel("faulted", 16) { Generate = (_, _) => Task.FromException<GeneratedEmbeddings<Embedding<float>>>(new HttpRequestException("provider down")) };
        var sync = new ProbeModel("sync", 16) { Generate = (_, _) => throw new TimeoutException("too slow") };
        using var faultedViews = new MultiViewEmbeddingGenerator(good, faulted);
        using var syncViews = new MultiViewEmbeddingGenerator(sync, good);

        Assert.Multiple(() =>
        {
            Assert.That(() => faultedViews.GenerateAsync(["a"]), Throws.InstanceOf<HttpRequestException>().With.Message.EqualTo("provider down"));
            Assert.That(() => FewShotClassifier.CreateAsync(faultedViews, Examples), Throws.InstanceOf<HttpRequestException>());
            Assert.That(() => syncViews.GenerateAsync(["a"]), Throws.InstanceOf<TimeoutException>());
        });
    }

    [Test]
    public async Task ASlowModel_IsCancelledPromptly_WithOperationCanceled()
    {
        var fast = new ProbeModel("fast", 16);
        var slow = new ProbeModel("slow", 16) { Delay = TimeSpan.FromSeconds(30) };
        using var views = new MultiViewEmbeddingGenerator(fast, slow);
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(new MultiViewEmbeddingGenerator(fast, new ProbeModel("slow", 16)), Examples, NoDescriptions);
        FewShotClassifier slowClassifier = await FewShotClassifier.LoadAsync(views, await SavedAsync(classifier));

        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var watch = Stopwatch.StartNew();
        Assert.That(() => views.GenerateAsync(["a", "b"], cancellationToken: cts.Token), Throws.InstanceOf<OperationCanceledException>());
        TimeSpan generate = watch.Elapsed;

        using var cts2 = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        watch.Restart();
        Assert.That(() => slowClassifier.PredictBatchAsync(Queries, cts2.Token), Throws.InstanceOf<OperationCanceledException>());
        TimeSpan predict = watch.Elapsed;

        using var cts3 = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        watch.Restart();
        Assert.That(() => FewShotClassifier.CreateAsync(views, Examples, NoDescriptions, cts3.Token), Throws.InstanceOf<OperationCanceledException>());
        TimeSpan create = watch.Elapsed;

        TestContext.Out.WriteLine($"cancelled after: generate {generate.TotalMilliseconds:F0} ms, predict {predict.TotalMilliseconds:F0} ms, create {create.TotalMilliseconds:F0} ms");
        Assert.That(new[] { generate, predict, create }, Has.All.LessThan(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public async Task AModelThatReusesItsBuffer_DoesNotChangeCombinedVectorsOrTheClassifier()
    {
        var pooled = new ProbeModel("pooled", 16);
        var buffer = new float[256 * 16];
        pooled.Generate = (texts, _) =>
        {
            var result = new GeneratedEmbeddings<Embedding<float>>();
            for (int i = 0; i < texts.Length; i++)
            {
                pooled.Vector(texts[i]).CopyTo(buffer, i * 16);
                result.Add(new Embedding<float>(buffer.AsMemory(i * 16, 16)));
            }

            return Task.FromResult(result);
        };
        var reference = new ProbeModel("pooled", 16);
        var other = new ProbeModel("other", 16);
        using var views = new MultiViewEmbeddingGenerator(other, pooled);
        using var clean = new MultiViewEmbeddingGenerator(other, reference);

        GeneratedEmbeddings<Embedding<float>> first = await views.GenerateAsync(["alpha", "beta"]);
        float[] kept = first[0].Vector.ToArray();
        await views.GenerateAsync(["gamma", "delta"]);
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(views, Examples, NoDescriptions);
        IReadOnlyList<Prediction> afterReuse = await classifier.PredictBatchAsync(Queries);
        await views.GenerateAsync([.. Enumerable.Range(0, 200).Select(i => $"overwrite {i}")]);
        FewShotClassifier expected = await FewShotClassifier.CreateAsync(clean, Examples, NoDescriptions);

        Assert.Multiple(async () =>
        {
            Assert.That(first[0].Vector.ToArray(), Is.EqualTo(kept));
            Assert.That(first[0].Vector.ToArray()[16..], Is.EqualTo(reference.Vector("alpha")));
            Assert.That((await classifier.PredictBatchAsync(Queries)).Select(p => p.Scores), Is.EqualTo(afterReuse.Select(p => p.Scores)));
            Assert.That(afterReuse.Select(p => p.Scores), Is.EqualTo((await expected.PredictBatchAsync(Queries)).Select(p => p.Scores)));
        });
    }

    // ---- 2. Concurrency ------------------------------------------------------------------------------------------------

    [Test]
    public async Task ConcurrentPredictions_OnOnePairClassifier_EqualSequentialOnes()
    {
        using var views = new MultiViewEmbeddingGenerator(Words(), Trigrams());
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(views, Examples, ["free prize money", "team meeting monday"]);
        string[] texts = [.. Queries, .. Examples.Select(e => e.Text), "something else entirely"];
        Prediction[] sequential = [.. await classifier.PredictBatchAsync(texts)];

        Task<Prediction[]>[] tasks = [.. Enumerable.Range(0, 64).Select(i => Task.Run(async () => i % 2 == 0
            ? [.. await classifier.PredictBatchAsync(texts)]
            : await Task.WhenAll(texts.Select(t => classifier.PredictAsync(t)))))];
        Prediction[][] results = await Task.WhenAll(tasks);

        foreach (Prediction[] result in results)
        {
            Assert.That(result.Select(p => p.Label), Is.EqualTo(sequential.Select(p => p.Label)));
            Assert.That(result.Select(p => p.Scores), Is.EqualTo(sequential.Select(p => p.Scores)));
        }
    }

    [Test]
    public async Task ConcurrentCallersOfTheSameTexts_NeverPayAModelTwice_WhenEachModelIsCached()
    {
        var a = new ProbeModel("model-a", 16) { Delay = TimeSpan.FromMilliseconds(50) };
        var b = new ProbeModel("model-b", 16) { Delay = TimeSpan.FromMilliseconds(80) };
        using var cachedA = new CachingEmbeddingGenerator(a, new InMemoryEmbeddingCacheStore());
        using var cachedB = new CachingEmbeddingGenerator(b, new InMemoryEmbeddingCacheStore());
        using var views = new MultiViewEmbeddingGenerator(cachedA, cachedB);
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(views, Examples, NoDescriptions);
        string[] texts = [.. Enumerable.Range(0, 40).Select(i => $"query number {i}")];

        await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(async () =>
        {
            if (i % 3 == 0)
            {
                await classifier.PredictBatchAsync(texts);
            }
            else if (i % 3 == 1)
            {
                await Task.WhenAll(texts.Select(t => classifier.PredictAsync(t)));
            }
            else
            {
                await views.GenerateAsync(texts.Reverse());
            }
        })));

        Assert.Multiple(() =>
        {
            Assert.That(a.Counts.Where(c => c.Value > 1).Select(c => c.Key), Is.Empty, "texts model-a was sent more than once");
            Assert.That(b.Counts.Where(c => c.Value > 1).Select(c => c.Key), Is.Empty, "texts model-b was sent more than once");
            Assert.That(a.TextsSent, Is.EqualTo(Examples.Length + texts.Length));
            Assert.That(b.TextsSent, Is.EqualTo(Examples.Length + texts.Length));
        });
    }

    // ---- 3. Persistence attacks ----------------------------------------------------------------------------------------

    private sealed record Section(string Name, int Version, byte[] Data);

    private static async Task<MemoryStream> SavedAsync(FewShotClassifier classifier, bool includeTexts = false)
    {
        var stream = new MemoryStream();
        await classifier.SaveAsync(stream, includeTexts);
        stream.Position = 0;
        return stream;
    }

    private static async Task<byte[]> PairFileAsync(IEnumerable<LabeledExample>? examples = null, HashedEmbeddings? second = null)
    {
        using var views = new MultiViewEmbeddingGenerator(Words(), second ?? Trigrams());
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(views, examples ?? Examples, ["free prize money", "team meeting monday"]);
        return (await SavedAsync(classifier)).ToArray();
    }

    private static List<Section> SectionsOf(byte[] file)
    {
        int headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(12));
        JsonNode root = JsonNode.Parse(ModelFiles.Header(file))!;
        var sections = new List<Section>();
        int offset = 24 + headerLength;
        foreach (JsonNode? entry in root["sections"]!.AsArray())
        {
            int length = (int)entry!["length"]!;
            sections.Add(new Section((string)entry["name"]!, (int)entry["version"]!, file[offset..(offset + length)]));
            offset += length;
        }

        return sections;
    }

    /// <summary>Returns the file with its sections edited, the header's section list, lengths and checksum fixed, as a forger would.</summary>
    private static byte[] WithSections(byte[] file, Func<List<Section>, List<Section>> edit)
    {
        List<Section> sections = edit(SectionsOf(file));
        JsonNode root = JsonNode.Parse(ModelFiles.Header(file))!;
        root["sections"] = new JsonArray([.. sections.Select(s => (JsonNode)new JsonObject { ["name"] = s.Name, ["version"] = s.Version, ["length"] = s.Data.Length })]);
        byte[] header = Encoding.UTF8.GetBytes(root.ToJsonString());
        byte[] data = [.. sections.SelectMany(s => s.Data)];
        byte[] result = [.. file.AsSpan(0, 24), .. header, .. data, .. new byte[32]];
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(12), (uint)header.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(result.AsSpan(16), (ulong)data.Length);
        SHA256.HashData(result.AsSpan(0, result.Length - 32), result.AsSpan(result.Length - 32));
        return result;
    }

    private static byte[] ReplaceSection(byte[] file, string name, Func<byte[], byte[]> edit) =>
        WithSections(file, sections => [.. sections.Select(s => s.Name == name ? s with { Data = edit(s.Data) } : s)]);

    /// <summary>Loads <paramref name="file"/> every way a caller can; each must refuse it with <typeparamref name="T"/>.</summary>
    private static void AssertRefused<T>(byte[] file, string because)
        where T : Exception
    {
        Assert.That(() => FewShotClassifier.LoadAsync(new MultiViewEmbeddingGenerator(Words(), Trigrams()), new MemoryStream(file)), Throws.TypeOf<T>(), because);
        Assert.That(() => ModelInfo.ReadAsync(new MemoryStream(file)), Throws.TypeOf<T>(), because + " (ModelInfo)");
    }

    [Test]
    public async Task ForgedExtraViewSections_AreInvalidData()
    {
        byte[] file = await PairFileAsync();
        byte[] otherModel = await PairFileAsync(second: new HashedEmbeddings("trigrams-other", 48, HashedEmbeddings.Kind.Trigrams));
        byte[] otherLabels = await PairFileAsync(Examples.Select(e => e with { Label = e.Label == "garden" ? "yard" : e.Label }));
        byte[] otherOrder = await PairFileAsync([.. Enumerable.Range(0, 3).SelectMany(i => new[] { Examples[i], Examples[3 + i], Examples[6 + i] })]);
        byte[] NestedOf(byte[] f) => SectionsOf(f).Single(s => s.Name == "embedding.1").Data;

        byte[] nan = ReplaceSection(file, "embedding.1", d => { byte[] c = [.. d]; BinaryPrimitives.WriteSingleLittleEndian(c, float.NaN); return c; });
        byte[] infinite = ReplaceSection(file, "embedding.1", d => { byte[] c = [.. d]; BinaryPrimitives.WriteSingleLittleEndian(c, float.PositiveInfinity); return c; });

        Assert.Multiple(() =>
        {
            AssertRefused<InvalidDataException>(ReplaceSection(file, "embedding.1", d => d[..(d.Length / 2)]), "truncated embedding.1");
            AssertRefused<InvalidDataException>(ReplaceSection(file, "embedding.1", d => d[..3]), "embedding.1 shorter than its scale");
            AssertRefused<InvalidDataException>(ReplaceSection(file, "embedding.1", d => d[..4]), "embedding.1 with its scale only");
            AssertRefused<InvalidDataException>(ReplaceSection(file, "embedding.1", d => [.. d, 0]), "embedding.1 with a byte after it");
            AssertRefused<InvalidDataException>(nan, "NaN scale");
            AssertRefused<InvalidDataException>(infinite, "infinite scale");
            AssertRefused<InvalidDataException>(ReplaceSection(file, "embedding.1", _ => NestedOf(otherModel)), "nested file naming another model");
            AssertRefused<InvalidDataException>(ReplaceSection(file, "embedding.1", _ => NestedOf(otherLabels)), "nested file with other labels");
            AssertRefused<InvalidDataException>(ReplaceSection(file, "embedding.1", _ => NestedOf(otherOrder)), "nested file with other example classes");
            AssertRefused<InvalidDataException>(ReplaceSection(file, "embedding.1", _ => [.. NestedOf(file).AsSpan(0, 4), .. file]), "nested schema-2 file");
            AssertRefused<InvalidDataException>(ReplaceSection(file, "embedding.1", d => [.. d.AsSpan(0, 4), .. SectionsOf(file).Single(s => s.Name == "embedding").Data]), "nested file of the first model");
            AssertRefused<InvalidDataException>(WithSections(file, s => [.. s.Where(x => x.Name != "embedding.1")]), "no embedding.1");
            AssertRefused<InvalidDataException>(WithSections(file, s => [.. s, s.Single(x => x.Name == "embedding.1") with { Name = "embedding.2" }]), "an embedding.2 the header does not list");
            AssertRefused<InvalidDataException>(WithSections(file, s => [.. s.Select(x => x.Name == "embedding.1" ? x with { Version = 2 } : x)]), "embedding.1 version 2");
        });
    }

    [Test]
    public async Task ForgedViewsHeaders_AreInvalidDataOrAMismatch()
    {
        byte[] file = await PairFileAsync();
        const string First = "{\"provider\":\"hashed\",\"model\":\"words-64\",\"dimensions\":64}";
        const string Second = "{\"provider\":\"hashed\",\"model\":\"trigrams-48\",\"dimensions\":48}";
        Assert.That(ModelFiles.Header(file), Does.Contain($"\"views\":[{First},{Second}]"));

        // Duplicates, made as consistent as a forger can: the header's combination and the nested file agree with them.
        using var pairViews = new MultiViewEmbeddingGenerator(Words(), Trigrams());
        byte[] plain = (await SavedAsync(await FewShotClassifier.CreateAsync(pairViews, Examples, NoDescriptions))).ToArray();
        byte[] duplicate = WithSections(
            ModelFiles.WithHeader(plain, h => h
                .Replace($"\"views\":[{First},{Second}]", $"\"views\":[{First},{First}]")
                .Replace("\"model\":\"hashed/words-64\\u002Bhashed/trigrams-48\",\"dimensions\":112", "\"model\":\"hashed/words-64+hashed/words-64\",\"dimensions\":128")),
            s => [.. s.Select(x => x.Name == "embedding.1" ? x with { Data = [.. x.Data.AsSpan(0, 4), .. s.Single(y => y.Name == "embedding").Data] } : x)]);
        Assert.That(ModelFiles.Header(duplicate), Does.Contain("\"views\":[" + First + "," + First + "]").And.Contain("hashed/words-64\\u002Bhashed/words-64\",\"dimensions\":128"));
        var spoof = new MetadataOnly(new MultiViewEmbeddingGenerator(Words(), Trigrams()), "views", "hashed/words-64+hashed/words-64", 128);

        Assert.Multiple(() =>
        {
            AssertRefused<InvalidDataException>(ModelFiles.WithHeader(file, h => h.Replace($",{Second}", string.Empty)), "one view");
            AssertRefused<InvalidDataException>(ModelFiles.WithHeader(file, h => h.Replace($",{Second}", ",null")), "a null view");
            AssertRefused<InvalidDataException>(ModelFiles.WithHeader(file, h => h.Replace($"\"views\":[{First},{Second}]", "\"views\":[]")), "no views");
            AssertRefused<InvalidDataException>(ModelFiles.WithHeader(file, h => h.Replace($"\"views\":[{First},{Second}]", "\"views\":{}")), "views not a list");
            AssertRefused<InvalidDataException>(ModelFiles.WithHeader(file, h => h.Replace($"\"views\":[{First},{Second}]", $"\"views\":[{Second},{First}]")), "views in another order than the combination");
            AssertRefused<InvalidDataException>(ModelFiles.WithHeader(file, h => h.Replace($"{Second}", Second.Replace("48", "47"))), "views whose lengths do not add up");
            AssertRefused<InvalidDataException>(ModelFiles.WithHeader(file, h => h.Replace($"\"views\":[{First},{Second}]", $"\"views\":[{First},{Second},{First.Replace("words-64", "third")}]")), "three views for two sections");
            AssertRefused<InvalidDataException>(ModelFiles.WithHeader(file, h => h.Replace($"\"views\":[{First},{Second}],", string.Empty)), "a combination without views");
            Assert.That(() => FewShotClassifier.LoadAsync(new MultiViewEmbeddingGenerator(Words(), Trigrams()), new MemoryStream(duplicate)), Throws.TypeOf<EmbeddingModelMismatchException>().Or.TypeOf<InvalidDataException>());
            Assert.That(() => FewShotClassifier.LoadAsync(spoof, new MemoryStream(duplicate)), Throws.TypeOf<InvalidDataException>(), "the same model twice, to a generator claiming that combination");
            Assert.That(() => ModelInfo.ReadAsync(new MemoryStream(duplicate)), Throws.TypeOf<InvalidDataException>(), "the same model twice (ModelInfo)");
        });
    }

    [Test]
    public async Task AHeaderListingTensOfThousandsOfViews_IsRefusedInLinearTime()
    {
        byte[] file = await PairFileAsync();
        const int Count = 50_000;
        string many = string.Join(",", Enumerable.Range(0, Count).Select(i => $"{{\"provider\":\"p\",\"model\":\"m{i}\",\"dimensions\":1}}"));
        string combined = string.Join("+", Enumerable.Range(0, Count).Select(i => $"p/m{i}"));
        byte[] forged = ModelFiles.WithHeader(file, h => System.Text.RegularExpressions.Regex.Replace(
            h, "\"embedding\":\\{[^}]*\\},\"views\":\\[[^\\]]*\\]", $"\"embedding\":{{\"provider\":\"views\",\"model\":\"{combined}\",\"dimensions\":{Count}}},\"views\":[{many}]"));
        Assert.That(ModelFiles.Header(forged), Does.Contain("\"model\":\"m49999\""));

        var watch = Stopwatch.StartNew();
        Assert.That(() => ModelInfo.ReadAsync(new MemoryStream(forged)), Throws.TypeOf<InvalidDataException>());
        TestContext.Out.WriteLine($"{Count:N0} views refused in {watch.ElapsedMilliseconds} ms");

        // A check of every pair of views takes over a billion comparisons here (tens of seconds); a linear one, milliseconds.
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public async Task ADescribedLabelsSection_OnAPairFileWithExamples_IsInvalidData()
    {
        byte[] file = await PairFileAsync();
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(1);
            writer.Write("spam");
        }

        byte[] described = WithSections(file, s => [.. s, new Section("described-labels", 1, stream.ToArray())]);
        AssertRefused<InvalidDataException>(described, "a described-labels section naming a class with examples");
    }

    [Test]
    public async Task APairFileFromDescriptions_WithAnotherViewsStandInSwapped_LoadsWholeOrNotAtAll()
    {
        using var views = new MultiViewEmbeddingGenerator(Words(), Trigrams());
        using var otherViews = new MultiViewEmbeddingGenerator(Words(), Trigrams());
        FewShotClassifier fromNames = await FewShotClassifier.CreateFromDescriptionsAsync(views, ["spam", "ham", "garden"]);
        FewShotClassifier otherNames = await FewShotClassifier.CreateFromDescriptionsAsync(otherViews, ["spam", "ham", "garden"], options: new FewShotClassifierOptions { LabelDescriptions = { ["spam"] = "junk mail offers" } });
        byte[] file = (await SavedAsync(fromNames)).ToArray();
        byte[] other = (await SavedAsync(otherNames)).ToArray();
        byte[] swapped = ReplaceSection(file, "embedding.1", _ => SectionsOf(other).Single(s => s.Name == "embedding.1").Data);

        Assert.That(await FewShotClassifier.LoadAsync(views, new MemoryStream(file)), Is.Not.Null);

        // Only the first view's stand-in is checked against its description; another view's stand-in is a vector like any
        // other that a forger may replace. Such a file must still load whole, or not at all, and classify without failing.
        FewShotClassifier forged = await FewShotClassifier.LoadAsync(views, new MemoryStream(swapped));
        Assert.That(forged.DescribedOnlyLabels, Is.EqualTo(new[] { "spam", "ham", "garden" }));
        Assert.That((await forged.PredictAsync("claim a free prize")).Scores, Has.Count.EqualTo(3));
        Assert.That((await forged.AddExamplesAsync(Examples)).DescribedOnlyLabels, Is.Empty);
    }

    [Test]
    public async Task APairFile_ReadByTheEmbeddingOnlyApi_IsTheFirstModelsView()
    {
        using var views = new MultiViewEmbeddingGenerator(Words(), Trigrams());
        FewShotClassifier pair = await FewShotClassifier.CreateAsync(views, Examples);
        FewShotClassifier wordsAlone = await FewShotClassifier.CreateAsync(Words(), Examples);
        byte[] file = (await SavedAsync(pair)).ToArray();

        EmbeddingClassifier first = EmbeddingClassifier.Load(new MemoryStream(file));
        EmbeddingClassifier named = EmbeddingClassifier.Load(new MemoryStream(file), Words().GetService<EmbeddingGeneratorMetadata>() is { } m ? new ModelIdentity(m.ProviderName!, m.DefaultModelId!, 64) : null);

        Assert.Multiple(() =>
        {
            Assert.That(first.Dimensions, Is.EqualTo(64));
            Assert.That(named.Dimensions, Is.EqualTo(64));
            EmbeddingClassifierPersistenceTests.AssertIdentical(pair.Model, first);
            EmbeddingClassifierPersistenceTests.AssertIdentical(wordsAlone.Model, first);
            Assert.That(() => EmbeddingClassifier.Load(new MemoryStream(file), new ModelIdentity("views", "hashed/words-64+hashed/trigrams-48", 112)), Throws.TypeOf<EmbeddingModelMismatchException>());
            Assert.That(() => EmbeddingClassifier.Load(new MemoryStream(file), new ModelIdentity("hashed", "trigrams-48", 48)), Throws.TypeOf<EmbeddingModelMismatchException>());
            Assert.That(() => EmbeddingClassifier.Load(new MemoryStream(ReplaceSection(file, "embedding", d => d[..(d.Length - 1)]))), Throws.TypeOf<InvalidDataException>());
        });
    }

    [Test]
    public async Task APairClassifierWithNoneExamples_SavedWithTexts_LoadsAndPredictsAsTheOriginal()
    {
        using var views = new MultiViewEmbeddingGenerator(Words(), Trigrams());
        var options = new FewShotClassifierOptions { NoneLabel = "none" };
        FewShotClassifier original = await FewShotClassifier.CreateAsync(views, [.. Examples, new("the weather is nice", "none"), new("random chatter about nothing", "none")], options);
        byte[] file = (await SavedAsync(original, includeTexts: true)).ToArray();

        FewShotClassifier loaded = await FewShotClassifier.LoadAsync(views, new MemoryStream(file));
        ModelInfo info = await ModelInfo.ReadAsync(new MemoryStream(file));

        Assert.Multiple(async () =>
        {
            Assert.That(info.NoneExampleCount, Is.EqualTo(2));
            Assert.That(loaded.Views, Is.EqualTo(original.Views));
            Assert.That((await loaded.PredictBatchAsync(Queries)).Select(p => p.Scores), Is.EqualTo((await original.PredictBatchAsync(Queries)).Select(p => p.Scores)));
            Assert.That((await loaded.NearestExamplesAsync("claim a free prize", 1))[0].Text, Is.Not.Null);
        });
    }

    // ---- 4. Scale: the pair costs what one model of the same total length costs ------------------------------------------

    [Test]
    [Explicit("Scale probe: tens of seconds; prints its timings, asserts no wall-clock time")]
    public async Task Scale_TenThousandClassesOfTwoExamples_PairVersusOneModelOfTheSameLength()
    {
        static LabeledExample[] Make(int classes) => [.. Enumerable.Range(0, 2 * classes).Select(i => new LabeledExample($"text {i} of class {i % classes}", $"label-{i % classes}"))];
        await CompareScaleAsync("10,000 classes x 2 examples", Make(10_000), Make(5_000));
    }

    [Test]
    [Explicit("Scale probe: tens of seconds; prints its timings, asserts no wall-clock time")]
    public async Task Scale_HundredThousandExamplesOverHundredClasses_PairVersusOneModelOfTheSameLength()
    {
        static LabeledExample[] Make(int count) => [.. Enumerable.Range(0, count).Select(i => new LabeledExample($"text {i} of class {i % 100}", $"label-{i % 100}"))];
        await CompareScaleAsync("100 classes x 1,000 examples", Make(100_000), Make(50_000));
    }

    /// <summary>Times one model and the pair on <paramref name="examples"/>, and the pair on <paramref name="half"/> (half the size) to show linear growth.</summary>
    private static async Task CompareScaleAsync(string title, LabeledExample[] examples, LabeledExample[] half)
    {
        string[] queries = [.. Enumerable.Range(0, 1_000).Select(i => $"query {i}")];
        LabeledExample[] added = [.. Enumerable.Range(0, 100).Select(i => new LabeledExample($"added text {i}", examples[i * 7 % examples.Length].Label))];
        var one = new ProbeModel("single-32", 32);
        using var pair = new MultiViewEmbeddingGenerator(new ProbeModel("a-16", 16), new ProbeModel("b-16", 16));

        // Warm up the code paths (JIT) on a small set first, then measure.
        await MeasureAsync(one, examples[..200], queries[..10], added[..5]);
        await MeasureAsync(pair, examples[..200], queries[..10], added[..5]);
        Dictionary<string, double> single = await MeasureAsync(one, examples, queries, added);
        Dictionary<string, double> both = await MeasureAsync(pair, examples, queries, added);
        Dictionary<string, double> halfPair = await MeasureAsync(pair, half, queries, added);

        TestContext.Out.WriteLine($"{title} ({examples.Length:N0} examples, {examples.Select(e => e.Label).Distinct().Count():N0} classes), Environment.ProcessorCount = {Environment.ProcessorCount}");
        TestContext.Out.WriteLine($"{"step",-24}{"one model (32) ms",18}{"pair (16+16) ms",18}{"ratio",8}{"pair, half size ms",20}{"full/half",10}");
        foreach (string step in single.Keys)
        {
            TestContext.Out.WriteLine(
                $"{step,-24}{single[step],18:F0}{both[step],18:F0}{both[step] / Math.Max(1, single[step]),8:F2}{halfPair[step],20:F0}{both[step] / Math.Max(1, halfPair[step]),10:F2}");
        }
    }

    private static async Task<Dictionary<string, double>> MeasureAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator, LabeledExample[] examples, string[] queries, LabeledExample[] added)
    {
        var times = new Dictionary<string, double>();
        var watch = Stopwatch.StartNew();
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(generator, examples);
        times["CreateAsync"] = watch.Elapsed.TotalMilliseconds;

        watch.Restart();
        IReadOnlyList<Prediction> predictions = await classifier.PredictBatchAsync(queries);
        times["PredictBatchAsync(1000)"] = watch.Elapsed.TotalMilliseconds;

        watch.Restart();
        using var stream = new MemoryStream();
        await classifier.SaveAsync(stream);
        times["SaveAsync"] = watch.Elapsed.TotalMilliseconds;

        stream.Position = 0;
        watch.Restart();
        FewShotClassifier loaded = await FewShotClassifier.LoadAsync(generator, stream);
        times["LoadAsync"] = watch.Elapsed.TotalMilliseconds;

        watch.Restart();
        FewShotClassifier grown = await classifier.AddExamplesAsync(added);
        times["AddExamplesAsync(100)"] = watch.Elapsed.TotalMilliseconds;
        times["file MB"] = stream.Length / 1e6;

        Assert.That((await loaded.PredictBatchAsync(queries[..Math.Min(20, queries.Length)])).Select(p => p.Scores), Is.EqualTo(predictions.Take(20).Select(p => p.Scores)));
        Assert.That(grown.Model.ExampleCount, Is.EqualTo(examples.Length + added.Length));
        return times;
    }

    // ---- 5. Odd uses of the public surface -----------------------------------------------------------------------------

    [Test]
    public void Constructor_CopiesItsList_AndItsListsCannotBeMutated()
    {
        var a = new ProbeModel("a", 8);
        var b = new ProbeModel("b", 8);
        var list = new List<IEmbeddingGenerator<string, Embedding<float>>> { a, b };
        using var views = new MultiViewEmbeddingGenerator(list);
        list[1] = new ProbeModel("c", 99);
        list.Add(new ProbeModel("d", 4));

        Assert.Multiple(() =>
        {
            Assert.That(() => new MultiViewEmbeddingGenerator(), Throws.ArgumentException.With.Property("ParamName").EqualTo("generators"));
            Assert.That(() => new MultiViewEmbeddingGenerator(Array.Empty<IEmbeddingGenerator<string, Embedding<float>>>()), Throws.ArgumentException);
            Assert.That(views.Generators, Is.EqualTo(new object[] { a, b }));
            Assert.That(views.Models.Select(m => m.ModelId), Is.EqualTo(new[] { "a", "b" }));
            Assert.That(views.Dimensions, Is.EqualTo(16));
            Assert.That(views.Generators as IEmbeddingGenerator<string, Embedding<float>>[], Is.Null, "Generators is not the array itself");
            Assert.That(views.Models as ModelIdentity[], Is.Null, "Models is not the array itself");
            Assert.That(() => ((IList<IEmbeddingGenerator<string, Embedding<float>>>)views.Generators)[0] = b, Throws.InstanceOf<NotSupportedException>());
            Assert.That(() => ((IList<ModelIdentity>)views.Models)[0] = new ModelIdentity("x", "y", 8), Throws.InstanceOf<NotSupportedException>());
            Assert.That(views.Generators[0], Is.SameAs(a));
            Assert.That(views.GetService<EmbeddingGeneratorMetadata>("key"), Is.Null);
            Assert.That(views.GetService<MultiViewEmbeddingGenerator>("key"), Is.Null);
            Assert.That(views.GetService(typeof(object)), Is.SameAs(views));
            Assert.That(() => views.GetService(null!), Throws.ArgumentNullException);
            Assert.That(views.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId, Is.EqualTo("probe/a+probe/b"));
        });

        // A lazily evaluated sequence is read once.
        int enumerations = 0;
        IEnumerable<IEmbeddingGenerator<string, Embedding<float>>> Lazy()
        {
            enumerations++;
            yield return new ProbeModel("lazy-a", 4);
            yield return new ProbeModel("lazy-b", 4);
        }

        using var lazy = new MultiViewEmbeddingGenerator(Lazy());
        Assert.That((lazy.Generators.Count, enumerations), Is.EqualTo((2, 1)));
    }

    [Test]
    public async Task ACombinedGeneratorBehindACache_StillFitsAViewPerModel_AndSavesAndLoads()
    {
        var words = Words();
        var trigrams = Trigrams();
        using var views = new MultiViewEmbeddingGenerator(words, trigrams);
        using var cached = new CachingEmbeddingGenerator(views, new InMemoryEmbeddingCacheStore());
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(cached, Examples);
        FewShotClassifier direct = await FewShotClassifier.CreateAsync(new MultiViewEmbeddingGenerator(Words(), Trigrams()), Examples);
        byte[] file = (await SavedAsync(classifier)).ToArray();
        FewShotClassifier loaded = await FewShotClassifier.LoadAsync(new CachingEmbeddingGenerator(new MultiViewEmbeddingGenerator(Words(), Trigrams()), new InMemoryEmbeddingCacheStore()), new MemoryStream(file));
        FewShotClassifier loadedDirect = await FewShotClassifier.LoadAsync(new MultiViewEmbeddingGenerator(Words(), Trigrams()), new MemoryStream(file));
        await classifier.PredictBatchAsync(Queries);
        int sent = words.Sent.Count;
        await classifier.PredictBatchAsync(Queries);

        Assert.Multiple(async () =>
        {
            Assert.That(classifier.Views.Select(v => v.Name), Is.EqualTo(new[] { "embedding", "embedding.1", "words" }));
            Assert.That(classifier.Views, Is.EqualTo(direct.Views));
            Assert.That(loaded.Views, Is.EqualTo(classifier.Views));
            Assert.That(loadedDirect.Views, Is.EqualTo(classifier.Views));
            Assert.That((await loaded.PredictBatchAsync(Queries)).Select(p => p.Scores), Is.EqualTo((await classifier.PredictBatchAsync(Queries)).Select(p => p.Scores)));
            Assert.That(words.Sent, Has.Count.EqualTo(sent), "the second prediction is served by the cache");
            Assert.That((await ModelInfo.ReadAsync(new MemoryStream(file))).Models, Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task AOneMegabyteText_IsEmbeddedByEveryModel_AndClassified()
    {
        using var views = new MultiViewEmbeddingGenerator(Words(), Trigrams());
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(views, Examples);
        string huge = string.Concat(Enumerable.Repeat("free prize money for the garden team ", 1024 * 1024 / 37 + 1))[..(1024 * 1024)];

        Prediction prediction = await classifier.PredictAsync(huge);
        FewShotClassifier grown = await classifier.AddExamplesAsync([new(huge, "spam")]);

        Assert.Multiple(() =>
        {
            Assert.That(prediction.Scores, Has.Count.EqualTo(3));
            Assert.That(prediction.Scores.Select(s => s.Score), Has.All.Matches<float>(float.IsFinite));
            Assert.That(grown.Model.ExampleCount, Is.EqualTo(Examples.Length + 1));
        });
    }

    /// <summary>A generator that forwards to another but reports metadata of its own, as a misconfigured wrapper might.</summary>
    private sealed class MetadataOnly(IEmbeddingGenerator<string, Embedding<float>> inner, string provider, string model, int dimensions) : IEmbeddingGenerator<string, Embedding<float>>
    {
        private readonly EmbeddingGeneratorMetadata _metadata = new(provider, null, model, dimensions);

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            inner.GenerateAsync(values, options, cancellationToken);

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata : null;

        public void Dispose()
        {
        }
    }
}
