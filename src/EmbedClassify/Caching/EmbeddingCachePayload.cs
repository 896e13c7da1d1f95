using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace EmbedClassify;

/// <summary>
/// Encodes and verifies cache entries: magic, version, dimension count, float32 little-endian values and a checksum.
/// </summary>
/// <remarks>
/// Layout: bytes 0-3 <c>ECEV</c>, 4-5 version (UInt16 LE), 6-7 reserved (zero), 8-11 dimension count (Int32 LE), then the
/// values, then the first 8 bytes of SHA-256 over everything before them followed by the UTF-8 key. Hashing the key in
/// means an entry copied under another key fails verification too, not only a damaged one.
/// </remarks>
internal static class EmbeddingCachePayload
{
    internal const int HeaderSize = 12;
    internal const int ChecksumSize = 8;
    internal const ushort Version = 1;

    private static ReadOnlySpan<byte> Magic => "ECEV"u8;

    /// <summary>Gets the payload length for <paramref name="dimensions"/> values.</summary>
    internal static int GetLength(int dimensions) => HeaderSize + (dimensions * sizeof(float)) + ChecksumSize;

    internal static byte[] Encode(string key, ReadOnlySpan<float> vector)
    {
        byte[] payload = new byte[GetLength(vector.Length)];
        Magic.CopyTo(payload);
        BinaryPrimitives.WriteUInt16LittleEndian(payload.AsSpan(4), Version);
        BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(8), vector.Length);
        Span<byte> values = payload.AsSpan(HeaderSize, vector.Length * sizeof(float));
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(vector).CopyTo(values);
        }
        else
        {
            for (int i = 0; i < vector.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(values[(i * sizeof(float))..], vector[i]);
            }
        }

        ComputeChecksum(key, payload.AsSpan(0, payload.Length - ChecksumSize), payload.AsSpan(payload.Length - ChecksumSize));
        return payload;
    }

    /// <summary>
    /// Verifies a payload and decodes its vector.
    /// </summary>
    /// <param name="key">The key the payload was stored under.</param>
    /// <param name="payload">The stored bytes.</param>
    /// <param name="expectedDimensions">The dimension count the caller expects, or <see langword="null"/> if unknown.</param>
    /// <param name="vector">The decoded vector, when valid.</param>
    /// <param name="problem">Why the payload was rejected, when invalid; never contains payload bytes.</param>
    /// <returns><see langword="true"/> if the payload is intact.</returns>
    internal static bool TryDecode(string key, byte[] payload, int? expectedDimensions, out float[] vector, out string problem)
    {
        vector = [];
        if (payload.Length < HeaderSize + ChecksumSize)
        {
            problem = $"truncated: {payload.Length} bytes";
            return false;
        }

        if (!payload.AsSpan(0, 4).SequenceEqual(Magic))
        {
            problem = "unknown format";
            return false;
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(payload.AsSpan(4));
        if (version != Version)
        {
            problem = $"unsupported version {version}";
            return false;
        }

        int dimensions = BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(8));
        if (dimensions < 0 || (long)HeaderSize + ((long)dimensions * sizeof(float)) + ChecksumSize != payload.Length)
        {
            problem = $"length {payload.Length} does not match {dimensions} dimensions";
            return false;
        }

        if (expectedDimensions is { } expected && expected != dimensions)
        {
            problem = $"{dimensions} dimensions where {expected} were expected";
            return false;
        }

        Span<byte> checksum = stackalloc byte[ChecksumSize];
        ComputeChecksum(key, payload.AsSpan(0, payload.Length - ChecksumSize), checksum);
        if (!checksum.SequenceEqual(payload.AsSpan(payload.Length - ChecksumSize)))
        {
            problem = "checksum mismatch";
            return false;
        }

        ReadOnlySpan<byte> values = payload.AsSpan(HeaderSize, dimensions * sizeof(float));
        vector = new float[dimensions];
        if (BitConverter.IsLittleEndian)
        {
            values.CopyTo(MemoryMarshal.AsBytes(vector.AsSpan()));
        }
        else
        {
            for (int i = 0; i < dimensions; i++)
            {
                vector[i] = BinaryPrimitives.ReadSingleLittleEndian(values[(i * sizeof(float))..]);
            }
        }

        problem = string.Empty;
        return true;
    }

    private static void ComputeChecksum(string key, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        // One-shot hashing over a pooled buffer: an IncrementalHash per entry costs more than the copy.
        int keyLength = Encoding.UTF8.GetByteCount(key);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(body.Length + keyLength);
        try
        {
            body.CopyTo(buffer);
            int length = body.Length + Encoding.UTF8.GetBytes(key, buffer.AsSpan(body.Length));
            Span<byte> digest = stackalloc byte[32];
            SHA256.HashData(buffer.AsSpan(0, length), digest);
            digest[..ChecksumSize].CopyTo(destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
