using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;

namespace EmbedClassify;

/// <summary>
/// Writes and reads the model file format described in <c>docs/model-format.md</c>. Reading takes the whole file into
/// memory, verifies its checksum, then validates every count and index before anything is built from it, so that a damaged
/// file is an exception and never a half-loaded model.
/// </summary>
internal static partial class ModelFile
{
    public const int SchemaVersion = 1;

    /// <summary>The newest schema version this library reads and writes (a <see cref="FewShotClassifier"/> with its views).</summary>
    public const int LatestSchemaVersion = 2;

    // Magic (8), schema version (4), header length (4), data length (8).
    private const int PreambleLength = 24;
    private const int ChecksumLength = SHA256.HashSizeInBytes;

    // Small files are read into a buffer of their size; larger ones grow by doubling, so that a header that lies about
    // the length costs memory only for bytes that really arrive.
    private const int InitialBufferLength = 1 << 20;

    /// <summary>
    /// Gets the magic bytes. Like PNG's, they start with a non-ASCII byte and hold CR LF, SUB and LF, so that a file damaged
    /// by a text-mode transfer is recognized as such.
    /// </summary>
    private static ReadOnlySpan<byte> Magic => [0x89, (byte)'E', (byte)'C', (byte)'M', 0x0D, 0x0A, 0x1A, 0x0A];

    public static byte[] Write(ModelState state, ModelIdentity identity, IReadOnlyList<string>? exampleTexts, DateTime createdUtc)
    {
        int d = state.Dimensions;
        int exampleCount = state.ExampleClasses.Length;
        var header = new ModelHeader
        {
            SchemaVersion = SchemaVersion,
            CreatedUtc = createdUtc,
            Embedding = new ModelHeaderEmbedding { Provider = identity.ProviderName, Model = identity.ModelId, Dimensions = d },
            Options = HeaderOptions(state.Options),
            Labels = [.. state.Labels],
            Counts = new ModelHeaderCounts
            {
                Examples = exampleCount,
                Unlabeled = state.InputUnlabeled.Length / d,
                Center = state.Center is not null,
                Prototypes = state.PrototypeClasses.Length,
                NoneExamples = state.NoneExamples.Length / d,
            },
            IncludesTexts = exampleTexts is not null,
            ExampleTexts = exampleTexts is null ? null : [.. exampleTexts],
        };

        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header, ModelJsonContext.Default.ModelHeader);
        long dataLength = sizeof(float) * (
            (long)exampleCount
            + state.InputExamples.Length
            + state.InputUnlabeled.Length
            + (state.Center is null ? 0L : (long)d + state.Examples.Length)
            + state.Prototypes.Length
            + state.PrototypeClasses.Length
            + state.NoneExamples.Length);
        byte[] file = Container(SchemaVersion, json, dataLength);
        int offset = PreambleLength + json.Length;
        offset = WriteInt32s(file, offset, state.ExampleClasses);
        offset = WriteSingles(file, offset, state.InputExamples);
        offset = WriteSingles(file, offset, state.InputUnlabeled);
        if (state.Center is not null)
        {
            offset = WriteSingles(file, offset, state.Center);
            offset = WriteSingles(file, offset, state.Examples);
        }

        offset = WriteSingles(file, offset, state.Prototypes);
        offset = WriteInt32s(file, offset, state.PrototypeClasses);
        offset = WriteSingles(file, offset, state.NoneExamples);
        SHA256.HashData(file.AsSpan(0, offset), file.AsSpan(offset));
        return file;
    }

    /// <summary>Reads one model file's bytes from the current position, and no further.</summary>
    public static byte[] ReadBytes(Stream stream)
    {
        var preamble = new byte[PreambleLength];
        int got = stream.ReadAtLeast(preamble, PreambleLength, throwOnEndOfStream: false);
        long total = CheckPreamble(preamble.AsSpan(0, got));
        byte[] file = NewBuffer(preamble, total);
        int filled = PreambleLength;
        while (filled < total)
        {
            Grow(ref file, filled, total);
            int read = stream.Read(file, filled, file.Length - filled);
            filled += read > 0 ? read : throw Truncated(filled, total);
        }

        return file;
    }

    /// <summary>Reads one model file's bytes from the current position, and no further.</summary>
    public static async Task<byte[]> ReadBytesAsync(Stream stream, CancellationToken cancellationToken)
    {
        var preamble = new byte[PreambleLength];
        int got = await stream.ReadAtLeastAsync(preamble, PreambleLength, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        long total = CheckPreamble(preamble.AsSpan(0, got));
        byte[] file = NewBuffer(preamble, total);
        int filled = PreambleLength;
        while (filled < total)
        {
            Grow(ref file, filled, total);
            int read = await stream.ReadAsync(file.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            filled += read > 0 ? read : throw Truncated(filled, total);
        }

        return file;
    }

    /// <summary>Verifies and decodes a whole model file, as returned by <see cref="ReadBytes"/>.</summary>
    public static ModelContents Parse(byte[] file) =>
        BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(8)) == LatestSchemaVersion
            // A classifier file: its embedding view is a complete schema-1 file of its own.
            ? ParseClassifier(file).Embedding
            : ParseSchema1(file);

    /// <summary>Verifies and decodes a whole schema-1 file, also when it is a section of a schema-2 file (read in place).</summary>
    private static ModelContents ParseSchema1(ReadOnlySpan<byte> file)
    {
        VerifyChecksum(file);
        int headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(file[12..]);
        long dataLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(file[16..]);
        int dataStart = PreambleLength + headerLength;
        ModelHeader header;
        try
        {
            header = JsonSerializer.Deserialize(file.Slice(PreambleLength, headerLength), ModelJsonContext.Default.ModelHeader)
                ?? throw Invalid("the header is JSON null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The model file is invalid: its header is not valid JSON ({e.Message}).", e);
        }

        return Decode(header, file.Slice(dataStart, (int)dataLength));
    }

    private static void VerifyChecksum(ReadOnlySpan<byte> file)
    {
        int checksumStart = file.Length - ChecksumLength;
        Span<byte> checksum = stackalloc byte[ChecksumLength];
        SHA256.HashData(file[..checksumStart], checksum);
        if (!checksum.SequenceEqual(file[checksumStart..]))
        {
            throw new InvalidDataException("The model file is corrupted: its SHA-256 checksum does not match its contents.");
        }
    }

    /// <summary>
    /// Returns a file of the right length with the preamble and header in place, for the caller to fill the data and
    /// then append the SHA-256 of everything before it; the container is the same in every schema version.
    /// </summary>
    private static byte[] Container(uint schemaVersion, byte[] json, long dataLength)
    {
        long total = PreambleLength + json.Length + dataLength + ChecksumLength;
        if (total > Array.MaxLength)
        {
            throw new InvalidOperationException($"The model needs {total} bytes, more than the {Array.MaxLength} a model file may have.");
        }

        var file = new byte[total];
        Magic.CopyTo(file);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), schemaVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(12), (uint)json.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(16), (ulong)dataLength);
        json.CopyTo(file, PreambleLength);
        return file;
    }

    internal static ModelHeaderOptions HeaderOptions(FewShotClassifierOptions options) => new()
    {
        Strategy = options.Strategy,
        Neighbors = options.Neighbors,
        Clusters = options.Clusters,
        Initialization = options.Initialization,
        MaxIterations = options.MaxIterations,
        CenterEmbeddings = options.CenterEmbeddings,
        DetectUnknown = options.DetectUnknown,
        NoneLabel = options.NoneLabel,
        Seed = options.Seed,
        WordWeight = options.WordWeight,
        UnlabeledWeight = options.UnlabeledWeight,
        LabelDescriptionWeight = options.LabelDescriptionWeight,
        LabelNamesAsDescriptions = options.LabelNamesAsDescriptions,
        LabelDescriptions = new Dictionary<string, string>(options.LabelDescriptions, StringComparer.Ordinal),
    };

    private static ModelContents Decode(ModelHeader header, ReadOnlySpan<byte> data)
    {
        if (header.SchemaVersion != SchemaVersion)
        {
            throw Invalid($"the header's schema version ({header.SchemaVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}) differs from the file's ({SchemaVersion})");
        }

        ModelHeaderEmbedding embedding = header.Embedding ?? throw Invalid("the header has no embedding model");
        if (string.IsNullOrWhiteSpace(embedding.Provider) || string.IsNullOrWhiteSpace(embedding.Model) || embedding.Dimensions is not > 0)
        {
            throw Invalid("the header names no embedding provider, no model or no positive dimension count");
        }

        int d = embedding.Dimensions.Value;
        var identity = new ModelIdentity(embedding.Provider, embedding.Model, d);
        FewShotClassifierOptions options = DecodeOptions(header.Options ?? throw Invalid("the header has no options"));
        string[] labels = DecodeLabels(header.Labels);
        ModelHeaderCounts counts = header.Counts ?? throw Invalid("the header has no array counts");
        if (counts.Examples is not > 0 || counts.Unlabeled is not >= 0 || counts.Prototypes is not >= 0 || counts.NoneExamples is not >= 0
            || counts.Center is not { } hasCenter)
        {
            throw Invalid("the header's array counts are missing or negative");
        }

        int exampleCount = counts.Examples.Value;
        if (hasCenter != options.CenterEmbeddings)
        {
            throw Invalid("the file holds a center exactly when the options center embeddings, and this one does not");
        }

        string[]? texts = DecodeTexts(header, exampleCount);

        // Lengths are checked against what is really there before any array is allocated, so that a header claiming
        // huge counts fails here instead of exhausting memory.
        long remaining = data.Length / sizeof(float);
        if (data.Length % sizeof(float) != 0)
        {
            throw Invalid("the data section is not a whole number of 4-byte values");
        }

        long Take(long count, long width)
        {
            long elements = count * width;
            if (elements > remaining)
            {
                throw Invalid("the header's counts need more data than the file holds");
            }

            remaining -= elements;
            return elements;
        }

        int cursor = 0;
        int[] exampleClasses = ReadInt32s(data, ref cursor, Take(exampleCount, 1));
        float[] inputExamples = ReadSingles(data, ref cursor, Take(exampleCount, d));
        float[] unlabeled = ReadSingles(data, ref cursor, Take(counts.Unlabeled.Value, d));
        float[]? center = hasCenter ? ReadSingles(data, ref cursor, Take(1, d)) : null;
        float[] examples = hasCenter ? ReadSingles(data, ref cursor, Take(exampleCount, d)) : inputExamples;
        float[] prototypes = ReadSingles(data, ref cursor, Take(counts.Prototypes.Value, d));
        int[] prototypeClasses = ReadInt32s(data, ref cursor, Take(counts.Prototypes.Value, 1));
        float[] none = ReadSingles(data, ref cursor, Take(counts.NoneExamples.Value, d));
        if (remaining != 0)
        {
            throw Invalid($"the data section holds {remaining * sizeof(float)} bytes more than the header's counts account for");
        }

        CheckStructure(options, labels.Length, exampleClasses, prototypeClasses, none.Length);
        foreach (float[] matrix in (ReadOnlySpan<float[]>)[inputExamples, unlabeled, center ?? [], examples, prototypes, none])
        {
            if (!IsFinite(matrix))
            {
                throw Invalid("a vector holds NaN or infinity");
            }
        }

        var state = new ModelState(labels, d, inputExamples, unlabeled, exampleClasses, center, examples, prototypes, prototypeClasses, options, none);
        DateTime created = header.CreatedUtc is { } c ? DateTime.SpecifyKind(c.ToUniversalTime(), DateTimeKind.Utc) : throw Invalid("the header has no creation time");
        return new ModelContents(state, identity, created, texts);
    }

    internal static FewShotClassifierOptions DecodeOptions(ModelHeaderOptions saved)
    {
        if (saved.Strategy is not { } strategy || saved.Neighbors is not { } neighbors || saved.Initialization is not { } initialization
            || saved.MaxIterations is not { } maxIterations || saved.CenterEmbeddings is not { } center || saved.DetectUnknown is not { } detectUnknown
            || saved.Seed is not { } seed)
        {
            throw Invalid("an option is missing from the header");
        }

        // Auto resolves to a concrete rule when fitting, so a fitted classifier never holds it.
        if (strategy == ClassificationStrategy.Auto)
        {
            throw Invalid("the strategy is Auto, which a fitted classifier never has");
        }

        var options = new FewShotClassifierOptions
        {
            Strategy = strategy,
            Neighbors = neighbors,
            Clusters = saved.Clusters,
            Initialization = initialization,
            MaxIterations = maxIterations,
            CenterEmbeddings = center,
            DetectUnknown = detectUnknown,
            NoneLabel = saved.NoneLabel,
            Seed = seed,
            WordWeight = saved.WordWeight ?? 0,
            UnlabeledWeight = saved.UnlabeledWeight ?? 0,
            LabelDescriptionWeight = saved.LabelDescriptionWeight ?? 0,
            LabelNamesAsDescriptions = saved.LabelNamesAsDescriptions ?? false,
            LabelDescriptions = saved.LabelDescriptions is null
                ? new Dictionary<string, string>(StringComparer.Ordinal)
                : new Dictionary<string, string>(saved.LabelDescriptions, StringComparer.Ordinal),
        };
        List<string> failures = FewShotClassifierOptionsValidator.Failures(options, string.Empty);
        return failures.Count == 0 ? options : throw Invalid($"an option is out of range ({string.Join(" ", failures)})");
    }

    internal static string[] DecodeLabels(List<string>? labels)
    {
        if (labels is not { Count: >= 2 })
        {
            throw Invalid("the header has fewer than two labels");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string label in labels)
        {
            if (string.IsNullOrWhiteSpace(label) || !seen.Add(label))
            {
                throw Invalid("a label is null, blank or repeated");
            }
        }

        return [.. labels];
    }

    private static string[]? DecodeTexts(ModelHeader header, int exampleCount)
    {
        if (header.IncludesTexts is not { } includesTexts || includesTexts != header.ExampleTexts is not null)
        {
            throw Invalid("the header's includesTexts flag is missing or disagrees with its example texts");
        }

        if (header.ExampleTexts is null)
        {
            return null;
        }

        if (header.ExampleTexts.Count != exampleCount || header.ExampleTexts.Any(string.IsNullOrWhiteSpace))
        {
            throw Invalid("the header's example texts are not one text per example");
        }

        return [.. header.ExampleTexts];
    }

    private static void CheckStructure(FewShotClassifierOptions options, int classCount, int[] exampleClasses, int[] prototypeClasses, int noneLength)
    {
        var used = new bool[classCount];
        foreach (int c in exampleClasses)
        {
            if ((uint)c >= (uint)classCount)
            {
                throw Invalid("an example's class index is out of range");
            }

            used[c] = true;
        }

        if (Array.IndexOf(used, false) >= 0)
        {
            throw Invalid("a label has no example");
        }

        foreach (int c in prototypeClasses)
        {
            if ((uint)c >= (uint)classCount)
            {
                throw Invalid("a prototype's class index is out of range");
            }
        }

        bool usesPrototypes = options.Strategy != ClassificationStrategy.KNearestNeighbors;
        if (usesPrototypes != prototypeClasses.Length > 0)
        {
            throw Invalid($"the {options.Strategy} strategy {(usesPrototypes ? "needs" : "keeps no")} prototypes");
        }

        // Unlabelled vectors are allowed with any strategy and centering: besides k-means and centering, a FewShotClassifier
        // refined on unlabelled texts keeps them so that AddExamplesAsync refines its refit on them too, centered or not.
        if (noneLength > 0 && options.NoneLabel is null)
        {
            throw Invalid("none examples are stored without a none label");
        }
    }

    private static long CheckPreamble(ReadOnlySpan<byte> preamble)
    {
        if (preamble.IsEmpty)
        {
            throw new InvalidDataException("The model file is empty.");
        }

        int magicLength = Math.Min(preamble.Length, Magic.Length);
        if (!preamble[..magicLength].SequenceEqual(Magic[..magicLength]))
        {
            throw new InvalidDataException("This is not an EmbedClassify model file: it does not start with the model file's magic bytes.");
        }

        if (preamble.Length < PreambleLength)
        {
            throw Truncated(preamble.Length, PreambleLength);
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(preamble[8..]);
        if (version > LatestSchemaVersion)
        {
            throw new InvalidDataException(
                $"The model file has schema version {version}, but this version of EmbedClassify reads schema version {LatestSchemaVersion} "
                + "and older; update EmbedClassify to load it.");
        }

        if (version == 0)
        {
            throw Invalid("its schema version is 0");
        }

        uint headerLength = BinaryPrimitives.ReadUInt32LittleEndian(preamble[12..]);
        ulong dataLength = BinaryPrimitives.ReadUInt64LittleEndian(preamble[16..]);
        if (headerLength == 0 || headerLength > Array.MaxLength || dataLength > (ulong)Array.MaxLength)
        {
            throw Invalid($"the preamble claims a {headerLength}-byte header and {dataLength} bytes of data");
        }

        long total = PreambleLength + (long)headerLength + (long)dataLength + ChecksumLength;
        return total <= Array.MaxLength
            ? total
            : throw Invalid($"the preamble claims {total} bytes, more than the {Array.MaxLength} a model file may have");
    }

    private static byte[] NewBuffer(byte[] preamble, long total)
    {
        var buffer = new byte[Math.Min(total, InitialBufferLength)];
        preamble.CopyTo(buffer, 0);
        return buffer;
    }

    private static void Grow(ref byte[] buffer, int filled, long total)
    {
        if (filled == buffer.Length)
        {
            Array.Resize(ref buffer, (int)Math.Min(total, 2L * buffer.Length));
        }
    }

    private static InvalidDataException Truncated(long length, long expected) =>
        new($"The model file is truncated: it ends after {length} bytes but should have {expected}.");

    internal static InvalidDataException Invalid(string reason) => new($"The model file is invalid: {reason}.");

    private static int WriteSingles(byte[] file, int offset, float[] values)
    {
        Span<byte> destination = file.AsSpan(offset, values.Length * sizeof(float));
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values.AsSpan()).CopyTo(destination);
        }
        else
        {
            for (int i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(destination[(i * sizeof(float))..], values[i]);
            }
        }

        return offset + destination.Length;
    }

    private static int WriteInt32s(byte[] file, int offset, int[] values)
    {
        Span<byte> destination = file.AsSpan(offset, values.Length * sizeof(int));
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values.AsSpan()).CopyTo(destination);
        }
        else
        {
            for (int i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(destination[(i * sizeof(int))..], values[i]);
            }
        }

        return offset + destination.Length;
    }

    private static float[] ReadSingles(ReadOnlySpan<byte> data, ref int cursor, long count)
    {
        ReadOnlySpan<byte> source = data.Slice(cursor, (int)count * sizeof(float));
        var values = new float[count];
        if (BitConverter.IsLittleEndian)
        {
            source.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
        }
        else
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(i * sizeof(float))..]);
            }
        }

        cursor += source.Length;
        return values;
    }

    private static int[] ReadInt32s(ReadOnlySpan<byte> data, ref int cursor, long count)
    {
        ReadOnlySpan<byte> source = data.Slice(cursor, (int)count * sizeof(int));
        var values = new int[count];
        if (BitConverter.IsLittleEndian)
        {
            source.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
        }
        else
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = BinaryPrimitives.ReadInt32LittleEndian(source[(i * sizeof(int))..]);
            }
        }

        cursor += source.Length;
        return values;
    }

    private static bool IsFinite(float[] values)
    {
        foreach (float v in values)
        {
            if (!float.IsFinite(v))
            {
                return false;
            }
        }

        return true;
    }
}
