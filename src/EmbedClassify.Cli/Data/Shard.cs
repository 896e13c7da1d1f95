using System.Globalization;
using System.IO.Hashing;
using System.Text;
using EmbedClassify.Cli.Arguments;

namespace EmbedClassify.Cli.Data;

/// <summary>
/// One of <see cref="Count"/> parts of an input (<c>--shard i/n</c>). A text belongs to shard
/// <c>XxHash3(UTF-8 of the text, seed 0) mod n</c>: the split depends on the text alone, never on its position, so it is
/// the same on every machine and every run, adding or reordering lines moves no other line, and a text repeated in the
/// input lands in one shard only, so workers sharing a cache never embed the same text twice.
/// </summary>
internal readonly record struct Shard(int Index, int Count)
{
    public const string Option = "--shard";

    public static readonly Shard Whole = new(0, 1);

    public bool IsWhole => Count == 1;

    /// <summary>Parses <c>i/n</c> with <c>0 &lt;= i &lt; n</c>.</summary>
    public static Shard Parse(string command, string? text)
    {
        if (text is null)
        {
            return Whole;
        }

        string[] parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count))
        {
            throw new UsageException($"{command}: {Option} must be i/n, such as 0/4 (the first of four shards), not '{text}'.");
        }

        if (count < 1 || index >= count)
        {
            throw new UsageException($"{command}: {Option} {text}: the shard number must be at least 0 and less than the number of shards ({count}).");
        }

        return new Shard(index, count);
    }

    /// <summary>Gets whether <paramref name="text"/> belongs to this shard.</summary>
    public bool Takes(string text)
    {
        if (IsWhole)
        {
            return true;
        }

        int length = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = null;
        Span<byte> buffer = length <= 1024 ? stackalloc byte[length] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(length));
        try
        {
            int written = Encoding.UTF8.GetBytes(text, buffer);
            return XxHash3.HashToUInt64(buffer[..written]) % (ulong)Count == (ulong)Index;
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
