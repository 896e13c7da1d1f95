using System.Buffers.Binary;
using System.Text.Json;

namespace EmbedClassify.Cli.Commands;

/// <summary>
/// Reads the JSON header of a model file (docs/model-format.md) for what the library does not expose on a loaded
/// classifier: the embedding model identity and the creation time. Called only after the library has verified the file.
/// </summary>
internal static class ModelHeaderReader
{
    private const int PreambleLength = 24;

    public static JsonDocument Read(string path)
    {
        using FileStream stream = File.OpenRead(path);
        Span<byte> preamble = stackalloc byte[PreambleLength];
        stream.ReadExactly(preamble);
        uint headerLength = BinaryPrimitives.ReadUInt32LittleEndian(preamble[12..]);
        byte[] header = new byte[headerLength];
        stream.ReadExactly(header);
        return JsonDocument.Parse(header);
    }
}
