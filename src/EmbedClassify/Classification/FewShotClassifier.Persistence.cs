using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.AI;

namespace EmbedClassify;

public sealed partial class FewShotClassifier
{
    // Version 2 stores the none and unlabelled texts as term hashes and counts, which a refit reweighs exactly; version 1
    // stored their word vectors as the first fit weighed them. Version 1 is still written for a classifier loaded from a
    // version-1 file without texts, the one kind that knows only those vectors.
    private const int CalibrationSectionVersion = 2;
    private const int WordVectorsCalibrationVersion = 1;

    /// <summary>
    /// Returns the model file of this classifier: one section per view, plus the calibration that combines them.
    /// <paramref name="views"/> names each embedding view's model when there are several (then <paramref name="identity"/>
    /// is their combination).
    /// </summary>
    internal byte[] ToModelFile(ModelIdentity identity, bool includeTexts, IReadOnlyList<ModelIdentity>? views = null)
    {
        if ((views?.Count ?? 1) != 1 + _extraViews.Length)
        {
            throw new InvalidOperationException($"The classifier has {1 + _extraViews.Length} embedding views but {views?.Count ?? 1} models were named for them.");
        }

        if (includeTexts && (_memory.ExampleTexts is null || (_embedding.NoneRows().Length > 0 && _memory.NoneTexts is null)
            || (_embedding.UnlabeledCount > 0 && _memory.UnlabeledTexts is null && _words is not null)))
        {
            throw new InvalidOperationException("The texts cannot be included: this classifier does not keep its example texts.");
        }

        DateTime created = DateTime.UtcNow;
        var sections = new List<ModelSection>
        {
            new(ModelSection.EmbeddingName, 1, _embedding.ToModelFile(views?[0] ?? identity, exampleTexts: null, created)),
            new(ModelSection.CalibrationName, CalibrationVersion, WriteCalibration(CalibrationVersion)),
        };
        for (int v = 0; v < _extraViews.Length; v++)
        {
            // Another model's view: its scale, then a complete schema-1 model naming that model.
            byte[] nested = _extraViews[v].ToModelFile(views![v + 1], exampleTexts: null, created);
            var data = new byte[sizeof(float) + nested.Length];
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(data, _calibration.ExtraScales[v]);
            nested.CopyTo(data, sizeof(float));
            sections.Add(new(EmbeddingViewName(v + 1), 1, data));
        }

        if (_words is not null)
        {
            using var stream = new MemoryStream();
            using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            {
                _words.WriteTo(writer);
            }

            sections.Add(new(ModelSection.WordsName, 1, stream.ToArray()));
        }

        if (DescribedOnlyLabels.Count > 0)
        {
            sections.Add(new(DescribedSectionName, 1, WriteDescribedLabels()));
        }

        SavedTexts? texts = includeTexts
            ? new SavedTexts([.. _memory.ExampleTexts!], _memory.NoneTexts ?? [], _memory.UnlabeledTexts ?? [])
            : null;
        return ModelFile.WriteClassifier(identity, [.. Labels], _options, sections, texts, created, views);
    }

    /// <summary>Builds a classifier from a verified schema-2 file; every section is checked before anything is built.</summary>
    internal static FewShotClassifier FromContents(IEmbeddingGenerator<string, Embedding<float>> generator, ClassifierContents contents, ModelIdentity? expected)
    {
        if (contents.Views is not null && expected is not null && !contents.Identity.IsCompatibleWith(expected))
        {
            // The combination names every model, so the message says which models the file needs.
            throw new EmbeddingModelMismatchException(contents.Identity, expected);
        }

        EmbeddingClassifier embedding = EmbeddingClassifier.FromContents(contents.Embedding, contents.Views is null ? expected : null);
        CheckSameEmbeddingOptions(contents.Options, contents.Embedding.State.Options);
        (EmbeddingClassifier[] extraViews, float[] extraScales) = ReadExtraViews(contents, embedding);
        WordView? words = null;
        if (contents.Sections.TryGetValue(ModelSection.WordsName, out ModelSection? wordsSection))
        {
            RequireVersion(wordsSection, 1);
            words = Decode(wordsSection, reader => WordView.ReadFrom(reader));
            if (words.ClassCount != embedding.Labels.Count)
            {
                throw ModelFile.Invalid("the word view's classes differ from the embedding view's");
            }
        }

        if (words is null != contents.Options.WordWeight is 0)
        {
            throw ModelFile.Invalid("the word view is stored exactly when the options weigh it, and this file disagrees");
        }

        ModelSection calibrationSection = contents.Sections.GetValueOrDefault(ModelSection.CalibrationName) ?? throw ModelFile.Invalid("the file has no calibration section");
        if (calibrationSection.Version is not (CalibrationSectionVersion or WordVectorsCalibrationVersion))
        {
            RequireVersion(calibrationSection, CalibrationSectionVersion);
        }

        (Calibration calibration, Description[] descriptions, TermVector[] noneTerms, TermVector[] unlabeledTerms, TermHashes[]? noneHashes, TermHashes[]? unlabeledHashes) =
            Decode(calibrationSection, reader => ReadCalibration(reader, calibrationSection.Version, embedding, OffsetsOf(embedding, extraViews), words));
        if ((noneHashes?.Length ?? noneTerms.Length) != (words is null ? 0 : embedding.NoneRows().Length))
        {
            throw ModelFile.Invalid("the calibration section's none examples differ from the embedding view's");
        }

        if (unlabeledHashes is not null && unlabeledHashes.Length != (words is null ? 0 : embedding.UnlabeledRows().Length))
        {
            throw ModelFile.Invalid("the calibration section's unlabelled texts differ from the embedding view's");
        }

        // A set, so that a forged file with many views is checked in linear time.
        var viewSections = new HashSet<string>(Enumerable.Range(1, extraViews.Length).Select(EmbeddingViewName), StringComparer.Ordinal);
        foreach (string known in contents.Sections.Keys)
        {
            if (known is not (ModelSection.EmbeddingName or ModelSection.WordsName or ModelSection.CalibrationName or DescribedSectionName)
                && !viewSections.Contains(known))
            {
                throw ModelFile.Invalid($"the file has a section '{known}' that this library does not know");
            }
        }

        string[]? describedLabels = null;
        if (contents.Sections.TryGetValue(DescribedSectionName, out ModelSection? describedSection))
        {
            RequireVersion(describedSection, 1);
            describedLabels = Decode(describedSection, reader => ReadDescribedLabels(reader, embedding, descriptions));
        }

        SavedTexts? texts = contents.Texts;
        if (texts is not null && texts.Unlabeled.Length != 0 && texts.Unlabeled.Length != embedding.UnlabeledCount)
        {
            throw ModelFile.Invalid("the header's unlabelled texts are not one per unlabelled vector");
        }

        // A version-1 file kept the none and unlabelled texts as word vectors only; with its texts the hashes are derived
        // from them (the word vectors are those of the same texts), so that a refit or a new save is exact.
        if (words is not null && noneHashes is null && (noneTerms.Length == 0 || texts?.None.Length == noneTerms.Length))
        {
            noneHashes = noneTerms.Length == 0 ? [] : [.. texts!.None.Select(WordView.Hash)];
        }

        if (words is not null && unlabeledHashes is null && (unlabeledTerms.Length == 0 || texts?.Unlabeled.Length == unlabeledTerms.Length))
        {
            unlabeledHashes = unlabeledTerms.Length == 0 ? [] : [.. texts!.Unlabeled.Select(WordView.Hash)];
        }

        var memory = new TrainingMemory(
            texts?.Examples ?? DescribedExampleTexts(embedding, descriptions, describedLabels),
            texts?.None,
            noneTerms,
            texts is { Unlabeled.Length: > 0 } ? texts.Unlabeled : null,
            unlabeledTerms,
            descriptions,
            noneHashes ?? (words is null ? [] : null),
            unlabeledHashes ?? (words is null ? [] : null),
            describedLabels);
        return new FewShotClassifier(generator, embedding, extraViews, words, contents.Options, calibration with { ExtraScales = extraScales }, memory);
    }

    /// <summary>
    /// Reads the other models' embedding views that the header lists: each must name its model, and hold the same
    /// examples, "none" examples and unlabelled texts under the same rule as the first view.
    /// </summary>
    private static (EmbeddingClassifier[] Views, float[] Scales) ReadExtraViews(ClassifierContents contents, EmbeddingClassifier embedding)
    {
        if (contents.Views is null)
        {
            return ([], []);
        }

        var views = new EmbeddingClassifier[contents.Views.Length - 1];
        var scales = new float[views.Length];
        ModelState first = contents.Embedding.State;
        for (int v = 0; v < views.Length; v++)
        {
            string name = EmbeddingViewName(v + 1);
            ModelSection section = contents.Sections.GetValueOrDefault(name) ?? throw ModelFile.Invalid($"the header lists {contents.Views.Length} models but the file has no '{name}' section");
            RequireVersion(section, 1);
            if (section.Data.Length < sizeof(float))
            {
                throw ModelFile.Invalid($"the {name} section is too short");
            }

            scales[v] = Finite(System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(section.Data.Span));
            ModelContents nested = ModelFile.ParseNested(section.Data.Span[sizeof(float)..]);
            ModelState state = nested.State;
            if (!nested.Identity.IsCompatibleWith(contents.Views[v + 1]) || !state.Labels.SequenceEqual(first.Labels, StringComparer.Ordinal)
                || !state.ExampleClasses.AsSpan().SequenceEqual(first.ExampleClasses)
                || state.NoneExamples.Length / state.Dimensions != first.NoneExamples.Length / first.Dimensions
                || state.InputUnlabeled.Length / state.Dimensions != first.InputUnlabeled.Length / first.Dimensions)
            {
                throw ModelFile.Invalid($"the {name} section's model, labels, examples or texts differ from what the header and the first view say");
            }

            CheckSameEmbeddingOptions(contents.Options, state.Options);
            views[v] = EmbeddingClassifier.FromContents(nested, expected: null);
        }

        return (views, scales);
    }

    /// <summary>The header's options and the embedding section's must describe one embedding view.</summary>
    private static void CheckSameEmbeddingOptions(FewShotClassifierOptions header, FewShotClassifierOptions embedding)
    {
        if (header.Strategy != embedding.Strategy || header.CenterEmbeddings != embedding.CenterEmbeddings || header.Neighbors != embedding.Neighbors
            || header.Clusters != embedding.Clusters || header.Initialization != embedding.Initialization || header.MaxIterations != embedding.MaxIterations
            || header.NoneLabel != embedding.NoneLabel || header.Seed != embedding.Seed || header.DetectUnknown != embedding.DetectUnknown)
        {
            throw ModelFile.Invalid("the header's options and the embedding section's describe different embedding views");
        }
    }

    /// <summary>
    /// Gets the calibration version this classifier is saved with: 2, unless it knows its none or unlabelled texts only as
    /// the word vectors of a version-1 file (then 1, which stores those).
    /// </summary>
    private int CalibrationVersion =>
        _words is not null && (_memory.NoneHashes is null || _memory.UnlabeledHashes is null) ? WordVectorsCalibrationVersion : CalibrationSectionVersion;

    private byte[] WriteCalibration(int version)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(_calibration.EmbeddingScale);
            writer.Write(_calibration.WordScale);
            writer.Write(_calibration.Temperature);
            writer.Write(_calibration.UnknownThreshold);
            writer.Write(_memory.Descriptions.Length);
            foreach (Description description in _memory.Descriptions)
            {
                writer.Write(description.Label);
                writer.Write(description.Text);
                writer.Write(description.Vector.Length);
                foreach (float value in description.Vector.Span)
                {
                    writer.Write(value);
                }
            }

            if (version == WordVectorsCalibrationVersion)
            {
                WriteTerms(writer, _memory.NoneTerms);
                WriteTerms(writer, _memory.UnlabeledTerms);
            }
            else
            {
                WriteHashes(writer, _words is null ? [] : _memory.NoneHashes!);
                WriteHashes(writer, _words is null ? [] : _memory.UnlabeledHashes!);
            }
        }

        return stream.ToArray();
    }

    /// <summary>Writes texts as term hashes and counts: what a refit needs to weigh them under a new vocabulary, never their words.</summary>
    private static void WriteHashes(BinaryWriter writer, TermHashes[] texts)
    {
        writer.Write(texts.Length);
        foreach (TermHashes text in texts)
        {
            writer.Write(text.Hashes.Length);
            for (int k = 0; k < text.Hashes.Length; k++)
            {
                writer.Write(text.Hashes[k]);
                writer.Write(text.Counts[k]);
            }
        }
    }

    private static void WriteTerms(BinaryWriter writer, TermVector[] terms)
    {
        writer.Write(terms.Length);
        foreach (TermVector text in terms)
        {
            writer.Write(text.Terms.Length);
            foreach (int term in text.Terms)
            {
                writer.Write(term);
            }

            foreach (float weight in text.Weights)
            {
                writer.Write(weight);
            }
        }
    }

    private static (Calibration, Description[], TermVector[], TermVector[], TermHashes[]?, TermHashes[]?) ReadCalibration(
        BinaryReader reader, int version, EmbeddingClassifier embedding, int[] offsets, WordView? words)
    {
        var calibration = new Calibration(Finite(reader.ReadSingle()), Finite(reader.ReadSingle()), Finite(reader.ReadSingle()), Finite(reader.ReadSingle()));
        if (calibration.Temperature <= 0)
        {
            throw ModelFile.Invalid("the calibration temperature is not positive");
        }

        int vectorLength = offsets[^1];
        var descriptions = new Description[Count(reader, 8)];
        Dictionary<string, int> classOf = ClassIndices(embedding.Labels);
        for (int i = 0; i < descriptions.Length; i++)
        {
            string label = reader.ReadString();
            string text = reader.ReadString();
            if (!classOf.ContainsKey(label) || string.IsNullOrWhiteSpace(text) || reader.ReadInt32() != vectorLength)
            {
                throw ModelFile.Invalid("a label description names no class, is blank or has the wrong dimension count");
            }

            var vector = new float[vectorLength];
            for (int d = 0; d < vector.Length; d++)
            {
                vector[d] = Finite(reader.ReadSingle());
            }

            // As the generator's vectors are checked when embedded (each model's part on its own): a refit divides by this length.
            float norm = UnusablePartLength(vector, offsets);
            if (!float.IsFinite(norm) || norm == 0)
            {
                throw ModelFile.Invalid("a label description's vector is all zeros or so large that its length overflows");
            }

            descriptions[i] = new Description(label, text, vector);
        }

        if (version == WordVectorsCalibrationVersion)
        {
            TermVector[] none = ReadTerms(reader, words);
            TermVector[] unlabeled = ReadTerms(reader, words);
            EndOfCalibration(reader);
            return (calibration, descriptions, none, unlabeled, null, null);
        }

        TermHashes[] noneHashes = ReadHashes(reader, words);
        TermHashes[] unlabeledHashes = ReadHashes(reader, words);
        EndOfCalibration(reader);

        // No word vectors: a loaded classifier scores none of these texts (its calibration and refined centroids are
        // stored), and a refit weighs the hashes with its own view. Weighing them here would only slow loading.
        return (calibration, descriptions, [], [], noneHashes, unlabeledHashes);
    }

    private static void EndOfCalibration(BinaryReader reader)
    {
        if (reader.BaseStream.Position != reader.BaseStream.Length)
        {
            throw ModelFile.Invalid("the calibration section has bytes after its end");
        }
    }

    private static TermHashes[] ReadHashes(BinaryReader reader, WordView? words)
    {
        var texts = new TermHashes[Count(reader, 4)];
        if (texts.Length > 0 && words is null)
        {
            throw ModelFile.Invalid("term hashes are stored without a word view");
        }

        for (int i = 0; i < texts.Length; i++)
        {
            // A term is its 8-byte hash and its 4-byte count.
            int length = Count(reader, 12);
            var hashes = new ulong[length];
            var counts = new int[length];
            for (int k = 0; k < length; k++)
            {
                hashes[k] = reader.ReadUInt64();
                counts[k] = reader.ReadInt32() is int count and >= 1 ? count : throw ModelFile.Invalid("a text counts a term less than once");
            }

            texts[i] = new TermHashes(hashes, counts);
        }

        return texts;
    }

    private static TermVector[] ReadTerms(BinaryReader reader, WordView? words)
    {
        var texts = new TermVector[Count(reader, 4)];
        if (texts.Length > 0 && words is null)
        {
            throw ModelFile.Invalid("word vectors are stored without a word view");
        }

        for (int i = 0; i < texts.Length; i++)
        {
            int length = Count(reader, 8);
            var terms = new int[length];
            var weights = new float[length];
            for (int k = 0; k < length; k++)
            {
                terms[k] = reader.ReadInt32();
                if ((uint)terms[k] >= (uint)words!.TermCount)
                {
                    throw ModelFile.Invalid("a word vector names a term the word view does not have");
                }
            }

            for (int k = 0; k < length; k++)
            {
                weights[k] = Finite(reader.ReadSingle());
            }

            texts[i] = new TermVector(terms, weights);
        }

        return texts;
    }

    /// <summary>Reads a count and checks that that many items of at least <paramref name="bytesEach"/> bytes can still follow.</summary>
    private static int Count(BinaryReader reader, int bytesEach)
    {
        int count = reader.ReadInt32();
        long remaining = reader.BaseStream.Length - reader.BaseStream.Position;
        return count >= 0 && (long)count * bytesEach <= remaining ? count : throw ModelFile.Invalid("a count is negative or larger than the data that follows");
    }

    private static float Finite(float value) => float.IsFinite(value) ? value : throw ModelFile.Invalid("a stored number is NaN or infinite");

    private static void RequireVersion(ModelSection section, int version)
    {
        if (section.Version != version)
        {
            throw ModelFile.Invalid($"the {section.Name} section has version {section.Version}, which this library does not read");
        }
    }

    /// <summary>Decodes a section with its owner's reader; a short or malformed section is an <see cref="InvalidDataException"/>.</summary>
    private static T Decode<T>(ModelSection section, Func<BinaryReader, T> read)
    {
        try
        {
            // Sections are slices of the file read whole; the reader works on that array in place rather than on a copy.
            ArraySegment<byte> bytes = MemoryMarshal.TryGetArray(section.Data, out ArraySegment<byte> segment) ? segment : section.Data.ToArray();
            using var reader = new BinaryReader(new MemoryStream(bytes.Array!, bytes.Offset, bytes.Count, writable: false), Encoding.UTF8);
            T value = read(reader);
            return reader.BaseStream.Position == reader.BaseStream.Length
                ? value
                : throw ModelFile.Invalid($"the {section.Name} section has bytes after its end");
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException or DecoderFallbackException or FormatException)
        {
            throw new InvalidDataException($"The model file is invalid: its {section.Name} section is malformed ({e.Message}).", e);
        }
    }
}
