using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;

namespace EmbedClassify;

internal static partial class ModelFile
{
    /// <summary>
    /// Writes a schema-2 file: the container of schema 1 (magic, JSON header, data, SHA-256) whose data is a list of
    /// named, versioned sections, each written by the code that owns it.
    /// </summary>
    public static byte[] WriteClassifier(
        ModelIdentity identity,
        string[] labels,
        FewShotClassifierOptions options,
        IReadOnlyList<ModelSection> sections,
        SavedTexts? texts,
        DateTime createdUtc,
        IReadOnlyList<ModelIdentity>? views = null)
    {
        var header = new ClassifierHeader
        {
            SchemaVersion = LatestSchemaVersion,
            CreatedUtc = createdUtc,
            Embedding = new ModelHeaderEmbedding { Provider = identity.ProviderName, Model = identity.ModelId, Dimensions = identity.Dimensions },
            Views = views is null ? null : [.. views.Select(v => new ModelHeaderEmbedding { Provider = v.ProviderName, Model = v.ModelId, Dimensions = v.Dimensions })],
            Options = HeaderOptions(options),
            Labels = [.. labels],
            Sections = [.. sections.Select(s => new ClassifierHeaderSection { Name = s.Name, Version = s.Version, Length = s.Data.Length })],
            IncludesTexts = texts is not null,
            ExampleTexts = texts is null ? null : [.. texts.Examples],
            NoneTexts = texts is null ? null : [.. texts.None],
            UnlabeledTexts = texts is null ? null : [.. texts.Unlabeled],
        };

        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header, ModelJsonContext.Default.ClassifierHeader);
        long dataLength = sections.Sum(s => (long)s.Data.Length);
        byte[] file = Container(LatestSchemaVersion, json, dataLength);
        int offset = PreambleLength + json.Length;
        foreach (ModelSection section in sections)
        {
            section.Data.Span.CopyTo(file.AsSpan(offset));
            offset += section.Data.Length;
        }

        SHA256.HashData(file.AsSpan(0, offset), file.AsSpan(offset));
        return file;
    }

    /// <summary>Returns the schema version in the preamble of a file read by <see cref="ReadBytes"/>.</summary>
    public static int SchemaVersionOf(byte[] file) => (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(8));

    /// <summary>Verifies and decodes a whole schema-2 file down to its sections; each section is decoded by its owner.</summary>
    public static ClassifierContents ParseClassifier(byte[] file)
    {
        VerifyChecksum(file);
        if (BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(8)) != LatestSchemaVersion)
        {
            throw Invalid("it is not a schema-2 classifier file");
        }

        int headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(12));
        long dataLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(16));
        ClassifierHeader header;
        try
        {
            header = JsonSerializer.Deserialize(file.AsSpan(PreambleLength, headerLength), ModelJsonContext.Default.ClassifierHeader)
                ?? throw Invalid("the header is JSON null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The model file is invalid: its header is not valid JSON ({e.Message}).", e);
        }

        if (header.SchemaVersion != LatestSchemaVersion)
        {
            throw Invalid("the header's schema version differs from the file's");
        }

        ModelHeaderEmbedding embedding = header.Embedding ?? throw Invalid("the header has no embedding model");
        if (string.IsNullOrWhiteSpace(embedding.Provider) || string.IsNullOrWhiteSpace(embedding.Model) || embedding.Dimensions is not > 0)
        {
            throw Invalid("the header names no embedding provider, no model or no positive dimension count");
        }

        var identity = new ModelIdentity(embedding.Provider, embedding.Model, embedding.Dimensions.Value);
        ModelIdentity[]? views = null;
        if (header.Views is not null)
        {
            if (header.Views.Count < 2 || header.Views.Any(v => v is null || string.IsNullOrWhiteSpace(v.Provider) || string.IsNullOrWhiteSpace(v.Model) || v.Dimensions is not > 0))
            {
                throw Invalid("the header lists fewer than two views, or a view without a provider, a model or a positive dimension count");
            }

            views = [.. header.Views.Select(v => new ModelIdentity(v!.Provider!, v.Model!, v.Dimensions!.Value))];
            // As MultiViewEmbeddingGenerator refuses: a view must be another model (compared as IsCompatibleWith does, in
            // linear time: a forged header may list any number of views).
            if (views.DistinctBy(v => (v.ProviderName.ToUpperInvariant(), v.ModelId.ToUpperInvariant(), v.Dimensions)).Count() != views.Length)
            {
                throw Invalid("the header lists the same model as two views");
            }

            if (!MultiViewEmbeddingGenerator.CombinedIdentity(views).IsCompatibleWith(identity))
            {
                throw Invalid("the header's embedding model is not the combination of its views' models");
            }
        }

        FewShotClassifierOptions options = DecodeOptions(header.Options ?? throw Invalid("the header has no options"));
        string[] labels = DecodeLabels(header.Labels);
        DateTime created = header.CreatedUtc is { } c ? DateTime.SpecifyKind(c.ToUniversalTime(), DateTimeKind.Utc) : throw Invalid("the header has no creation time");

        var sections = new Dictionary<string, ModelSection>(StringComparer.Ordinal);
        long offset = PreambleLength + headerLength;
        long end = offset + dataLength;
        foreach (ClassifierHeaderSection entry in header.Sections ?? throw Invalid("the header lists no sections"))
        {
            if (string.IsNullOrWhiteSpace(entry.Name) || entry.Version is not > 0 || entry.Length is not >= 0 || entry.Length > end - offset)
            {
                throw Invalid("a section entry has no name, no positive version or a length beyond the data");
            }

            if (!sections.TryAdd(entry.Name, new ModelSection(entry.Name, entry.Version.Value, file.AsMemory((int)offset, entry.Length.Value))))
            {
                throw Invalid($"the section '{entry.Name}' appears twice");
            }

            offset += entry.Length.Value;
        }

        if (offset != end)
        {
            throw Invalid("the sections do not account for the whole data");
        }

        ModelSection embeddingSection = sections.GetValueOrDefault(ModelSection.EmbeddingName) ?? throw Invalid("the file has no embedding section");
        if (embeddingSection.Version != 1)
        {
            throw Invalid($"the embedding section has version {embeddingSection.Version}, which this library does not read");
        }

        ModelContents embeddingContents = ParseNested(embeddingSection.Data.Span);
        if (!embeddingContents.Identity.IsCompatibleWith(views?[0] ?? identity) || !embeddingContents.State.Labels.SequenceEqual(labels, StringComparer.Ordinal))
        {
            throw Invalid("the embedding section's model or labels differ from the header's");
        }

        SavedTexts? texts = null;
        if (header.IncludesTexts is not { } includesTexts)
        {
            throw Invalid("the header's includesTexts flag is missing");
        }

        if (includesTexts)
        {
            if (header.ExampleTexts is null || header.NoneTexts is null || header.UnlabeledTexts is null
                || header.ExampleTexts.Count != embeddingContents.State.ExampleClasses.Length
                || header.NoneTexts.Count != embeddingContents.State.NoneExamples.Length / embeddingContents.State.Dimensions
                || header.ExampleTexts.Concat(header.NoneTexts).Concat(header.UnlabeledTexts).Any(string.IsNullOrWhiteSpace))
            {
                throw Invalid("the header's texts are not one text per example");
            }

            texts = new SavedTexts([.. header.ExampleTexts], [.. header.NoneTexts], [.. header.UnlabeledTexts]);
        }
        else if (header.ExampleTexts is not null || header.NoneTexts is not null || header.UnlabeledTexts is not null)
        {
            throw Invalid("the header holds texts but says it does not");
        }

        return new ClassifierContents(identity, created, labels, options, embeddingContents, sections, texts, views);
    }

    /// <summary>Verifies and decodes a schema-1 model nested in a section of a schema-2 file (an embedding view).</summary>
    public static ModelContents ParseNested(ReadOnlySpan<byte> nested) => ParseSchema1(CheckNestedSchema1(nested));

    /// <summary>Returns the nested file if it is schema 1; a nested schema-2 file would let a crafted file recurse.</summary>
    private static ReadOnlySpan<byte> CheckNestedSchema1(ReadOnlySpan<byte> nested)
    {
        if (nested.Length < PreambleLength + ChecksumLength || !nested[..Magic.Length].SequenceEqual(Magic)
            || BinaryPrimitives.ReadUInt32LittleEndian(nested[8..]) != SchemaVersion)
        {
            throw Invalid("an embedding section is not a schema-1 model");
        }

        long total = CheckPreamble(nested[..PreambleLength]);
        return total == nested.Length ? nested : throw Invalid("an embedding section's length disagrees with its own preamble");
    }
}

/// <summary>One named, versioned section of a schema-2 model file.</summary>
internal sealed record ModelSection(string Name, int Version, ReadOnlyMemory<byte> Data)
{
    public const string EmbeddingName = "embedding";
    public const string WordsName = "words";
    public const string CalibrationName = "calibration";
}

/// <summary>The texts a schema-2 file holds when it was saved with them.</summary>
internal sealed record SavedTexts(string[] Examples, string[] None, string[] Unlabeled);

/// <summary>A schema-2 file read and verified in full, its sections not yet decoded (but the embedding view's).</summary>
internal sealed record ClassifierContents(
    ModelIdentity Identity,
    DateTime CreatedUtc,
    string[] Labels,
    FewShotClassifierOptions Options,
    ModelContents Embedding,
    IReadOnlyDictionary<string, ModelSection> Sections,
    SavedTexts? Texts,
    ModelIdentity[]? Views = null);

/// <summary>The JSON header of a schema-2 model file; see <c>docs/model-format.md</c>.</summary>
internal sealed class ClassifierHeader
{
    public int? SchemaVersion { get; set; }

    public DateTime? CreatedUtc { get; set; }

    public ModelHeaderEmbedding? Embedding { get; set; }

    /// <summary>Gets or sets every model's identity when the classifier has an embedding view per model; absent with one model.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public List<ModelHeaderEmbedding?>? Views { get; set; }

    public ModelHeaderOptions? Options { get; set; }

    public List<string>? Labels { get; set; }

    public List<ClassifierHeaderSection>? Sections { get; set; }

    public bool? IncludesTexts { get; set; }

    public List<string>? ExampleTexts { get; set; }

    public List<string>? NoneTexts { get; set; }

    public List<string>? UnlabeledTexts { get; set; }
}

/// <summary>One section entry of a schema-2 header: its name, its format version and its length in bytes.</summary>
internal sealed class ClassifierHeaderSection
{
    public string? Name { get; set; }

    public int? Version { get; set; }

    public int? Length { get; set; }
}
