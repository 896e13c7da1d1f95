using EmbedClassify.Tests.TestDoubles;
using Microsoft.Extensions.AI;

namespace EmbedClassify.Tests.Caching;

public partial class CachingEmbeddingGeneratorTests
{
    /// <summary>
    /// An inner call that fails the inputs at <paramref name="failedInBatch"/> and answers the others, as a provider that
    /// splits one call into several requests does when one request fails for good.
    /// </summary>
    private static EmbeddingBatchException PartialFailure(IReadOnlyList<string> texts, int[] failedInBatch, int length = 8)
    {
        Embedding<float>?[] partial = [.. texts.Select((t, j) =>
            failedInBatch.Contains(j) ? null : new Embedding<float>(ScriptedEmbeddingGenerator.VectorFor(t, length)))];
        return new EmbeddingBatchException(failedInBatch, partial, new HttpRequestException("503 Service Unavailable"));
    }

    [Test]
    public async Task GenerateAsync_StoresThePartialVectors_AndFailsOnlyTheInputsThatFailed_WhenTheInnerCallFailsPartly()
    {
        var store = new RecordingCacheStore();
        using (var warm = new CachingEmbeddingGenerator(ScriptedEmbeddingGenerator.Deterministic(), store))
        {
            await warm.GenerateAsync(["hit"]);
        }

        int writesBefore = store.Writes.Count;

        // Distinct misses: text 0..9, in batches 0-3 | 4-7 | 8-9. The second batch loses "text 5" and "text 7".
        var inner = new ScriptedEmbeddingGenerator((texts, call, _) =>
            call == 1 ? throw PartialFailure(texts, [1, 3]) : Embed(texts));
        string[] inputs = [.. Texts(10), "hit", "text 5", "text 9", "text 4"];
        using var cache = new CachingEmbeddingGenerator(inner, store, Batches(4));

        var error = await Assert.ThrowsAsync<EmbeddingBatchException>(() => cache.GenerateAsync(inputs));

        IReadOnlyList<IReadOnlyList<KeyValuePair<string, byte[]>>> writes = [.. store.Writes.Skip(writesBefore)];
        var working = ScriptedEmbeddingGenerator.Deterministic();
        using var rerun = new CachingEmbeddingGenerator(working, store, Batches(4));
        GeneratedEmbeddings<Embedding<float>> result = await rerun.GenerateAsync(inputs);
        Assert.Multiple(() =>
        {
            Assert.That(error!.FailedIndices, Is.EqualTo(new[] { 5, 7, 8, 9, 11, 12 }), "text 5, 7 and the unstarted 8, 9, through duplicates");
            Assert.That(error.InputCount, Is.EqualTo(inputs.Length));
            Assert.That(error.InnerException, Is.InstanceOf<EmbeddingBatchException>());
            Assert.That(error.Embeddings, Has.Count.EqualTo(inputs.Length));
            for (int i = 0; i < inputs.Length; i++)
            {
                Assert.That(
                    error.Embeddings[i]?.Vector.ToArray(),
                    error.FailedIndices.Contains(i) ? Is.Null : Is.EqualTo(ScriptedEmbeddingGenerator.VectorFor(inputs[i])),
                    $"input {i}");
            }

            Assert.That(inner.Calls, Has.Count.EqualTo(2), "no batch starts after a failure");
            Assert.That(writes, Has.Count.EqualTo(2), "the partial vectors go in their batch's one write");
            Assert.That(writes[1], Has.Count.EqualTo(2));
            Assert.That(working.TextsSent, Is.EqualTo(new[] { "text 5", "text 7", "text 8", "text 9" }), "the rerun sends only what failed");
            Assert.That(rerun.Statistics.Hits, Is.EqualTo(7), "text 0-4, 6 and hit");
            AssertVectorsFor(result, inputs);
        });
    }

    [Test]
    public async Task GenerateAsync_FailsAPartialVectorOfTheWrongLength_InsteadOfCachingIt()
    {
        var inner = new ScriptedEmbeddingGenerator((texts, _, _) =>
        {
            Embedding<float>?[] partial =
            [
                null,
                new Embedding<float>(ScriptedEmbeddingGenerator.VectorFor(texts[1], 7)),
                new Embedding<float>(ScriptedEmbeddingGenerator.VectorFor(texts[2])),
            ];
            throw new EmbeddingBatchException([0], partial, new HttpRequestException("500"));
        });
        var store = new RecordingCacheStore();
        using var cache = new CachingEmbeddingGenerator(inner, store);

        var error = await Assert.ThrowsAsync<EmbeddingBatchException>(
            () => cache.GenerateAsync(Texts(3), new EmbeddingGenerationOptions { Dimensions = 8 }));

        Assert.Multiple(() =>
        {
            Assert.That(error!.FailedIndices, Is.EqualTo(new[] { 0, 1 }));
            Assert.That(store.Entries, Has.Count.EqualTo(1));
            Assert.That(error.Embeddings[2]!.Vector.ToArray(), Is.EqualTo(ScriptedEmbeddingGenerator.VectorFor("text 2")));
        });
    }
}
