using Microsoft.Extensions.AI;

namespace EmbedClassify.Tests.Embeddings;

public class EmbeddingBatchExceptionTests
{
    private static readonly Embedding<float> Vector = new(new float[] { 1, 2 });

    [Test]
    public void Constructor_WithEmbeddings_TakesTheInputCountFromThem()
    {
        var error = new EmbeddingBatchException([1], [Vector, null, Vector], new IOException("boom"));

        Assert.Multiple(() =>
        {
            Assert.That(error.InputCount, Is.EqualTo(3));
            Assert.That(error.FailedIndices, Is.EqualTo(new[] { 1 }));
            Assert.That(error.Embeddings[0], Is.SameAs(Vector));
            Assert.That(error.Embeddings[1], Is.Null);
            Assert.That(error.Message, Does.Contain("1 of 3 inputs").And.Contain("boom"));
        });
    }

    [Test]
    public void Constructor_WithoutEmbeddings_LeavesThemEmpty()
    {
        var error = new EmbeddingBatchException([0, 1], 2, null);

        Assert.That(error.Embeddings, Is.Empty);
    }

    [Test]
    public void Constructor_RejectsEmbeddingsThatDisagreeWithTheFailedIndices_NamingTheParameter()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new EmbeddingBatchException([0], [Vector, Vector], null),
                Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("embeddings"));
            Assert.That(() => new EmbeddingBatchException([], [Vector, null], null),
                Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("embeddings"));
            Assert.That(() => new EmbeddingBatchException([2], [Vector, null], null),
                Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("failedIndices"));
            Assert.That(() => new EmbeddingBatchException([0], (IReadOnlyList<Embedding<float>?>)null!, null),
                Throws.ArgumentNullException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("embeddings"));
        });
    }
}
