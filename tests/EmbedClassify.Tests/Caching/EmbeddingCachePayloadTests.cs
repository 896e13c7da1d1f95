namespace EmbedClassify.Tests.Caching;

public class EmbeddingCachePayloadTests
{
    private const string Key = "0123456789abcdef";

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(384)]
    [TestCase(3072)]
    public void TryDecode_ReturnsTheEncodedVector(int dimensions)
    {
        var random = new Random(dimensions);
        float[] vector = [.. Enumerable.Range(0, dimensions).Select(_ => (float)random.NextDouble() - 0.5f)];

        byte[] payload = EmbeddingCachePayload.Encode(Key, vector);
        bool ok = EmbeddingCachePayload.TryDecode(Key, payload, dimensions, out float[] decoded, out _);

        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.True);
            Assert.That(decoded, Is.EqualTo(vector));
            Assert.That(payload, Has.Length.EqualTo(EmbeddingCachePayload.GetLength(dimensions)));
        });
    }

    [Test]
    public void TryDecode_KeepsSpecialValuesBitForBit()
    {
        float[] vector = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, float.Epsilon, float.MaxValue];

        EmbeddingCachePayload.TryDecode(Key, EmbeddingCachePayload.Encode(Key, vector), null, out float[] decoded, out _);

        Assert.That(decoded.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(vector.Select(BitConverter.SingleToInt32Bits)));
    }

    [Test]
    public void TryDecode_RejectsEveryTruncation()
    {
        byte[] payload = EmbeddingCachePayload.Encode(Key, [1f, 2f, 3f, 4f]);

        for (int length = 0; length < payload.Length; length++)
        {
            Assert.That(EmbeddingCachePayload.TryDecode(Key, payload[..length], null, out _, out _), Is.False, $"length {length}");
        }
    }

    [Test]
    public void TryDecode_RejectsEverySingleBitFlip()
    {
        byte[] payload = EmbeddingCachePayload.Encode(Key, [1f, 2f, 3f, 4f]);

        for (int bit = 0; bit < payload.Length * 8; bit++)
        {
            byte[] damaged = (byte[])payload.Clone();
            damaged[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.That(EmbeddingCachePayload.TryDecode(Key, damaged, null, out _, out _), Is.False, $"bit {bit}");
        }
    }

    [Test]
    public void TryDecode_RejectsAPayloadStoredUnderAnotherKey()
    {
        byte[] payload = EmbeddingCachePayload.Encode(Key, [1f, 2f]);

        Assert.That(EmbeddingCachePayload.TryDecode("fedcba9876543210", payload, null, out _, out string problem), Is.False);
        Assert.That(problem, Does.Contain("checksum"));
    }

    [Test]
    public void TryDecode_RejectsAnUnexpectedDimensionCount()
    {
        byte[] payload = EmbeddingCachePayload.Encode(Key, [1f, 2f]);

        Assert.That(EmbeddingCachePayload.TryDecode(Key, payload, 3, out _, out _), Is.False);
    }
}
