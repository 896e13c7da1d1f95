namespace EmbedClassify;

internal sealed partial class WordView
{
    private const int FormatVersion = 1;

    // A unit vector's squared length, with room for the rounding of its float weights.
    private const double MaxCentroidSquaredNorm = 1.001;

    /// <summary>
    /// Writes the view's whole state: vocabulary (terms as their 64-bit hashes, never their text), document frequencies and IDF weights, each
    /// example's class and term counts, and the class centroids as they are (refined ones included), so that
    /// <see cref="ReadFrom"/> gives a view whose every score is the same to the bit.
    /// </summary>
    /// <remarks>Only hashes of the training examples' words are written, so a saved model does not hold their text.</remarks>
    internal void WriteTo(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(FormatVersion);
        writer.Write(_classCount);

        var termList = new ulong[_terms.Count];
        foreach ((ulong term, int index) in _terms)
        {
            termList[index] = term;
        }

        writer.Write(termList.Length);
        for (int t = 0; t < termList.Length; t++)
        {
            writer.Write(termList[t]);
            writer.Write(_documentFrequency[t]);
            writer.Write(_inverseDocumentFrequency[t]);
        }

        writer.Write(_unseenInverseDocumentFrequency);
        writer.Write(_exampleCounts.Length);
        for (int i = 0; i < _exampleCounts.Length; i++)
        {
            writer.Write(_exampleClasses[i]);
            TermCounts example = _exampleCounts[i];
            writer.Write(example.Terms.Length);
            for (int k = 0; k < example.Terms.Length; k++)
            {
                writer.Write(example.Terms[k]);
                writer.Write(example.Counts[k]);
            }
        }

        (int[] offsets, int[] terms, float[] weights) = ToClassMajor(_centroidOffsets, _centroidClasses, _centroidWeights, _classCount);
        for (int c = 0; c < _classCount; c++)
        {
            writer.Write(offsets[c + 1] - offsets[c]);
            for (int p = offsets[c]; p < offsets[c + 1]; p++)
            {
                writer.Write(terms[p]);
                writer.Write(weights[p]);
            }
        }
    }

    /// <summary>Reads a view written by <see cref="WriteTo"/>.</summary>
    /// <exception cref="ArgumentException">The reader's stream cannot seek, so counts cannot be checked against its length.</exception>
    /// <exception cref="InvalidDataException">
    /// The data is truncated or inconsistent: an unknown version, a count that is negative or larger than the bytes left
    /// could hold, an empty or duplicate term, a term id or class index out of range, a term repeated within an example or
    /// a class, document frequencies that do not match the examples, or a weight that is NaN, infinite or not positive
    /// where it must be.
    /// </exception>
    internal static WordView ReadFrom(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (!reader.BaseStream.CanSeek)
        {
            throw new ArgumentException("The word view is read from a seekable stream, so that counts can be checked against its length.", nameof(reader));
        }

        try
        {
            return Read(reader);
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException)
        {
            throw new InvalidDataException($"The word view data is truncated or malformed ({e.Message}).", e);
        }
    }

    private static WordView Read(BinaryReader reader)
    {
        int version = reader.ReadInt32();
        if (version != FormatVersion)
        {
            throw Invalid($"version {version} is not {FormatVersion}");
        }

        // Every class writes at least its centroid count.
        int classCount = ReadCount(reader, 4, "class count");
        if (classCount == 0)
        {
            throw Invalid("there are no classes");
        }

        // A term is its 8-byte hash, its frequency and its weight.
        int termCount = ReadCount(reader, 16, "term count");
        var terms = new Dictionary<ulong, int>(termCount);
        var documentFrequency = new int[termCount];
        var inverseDocumentFrequency = new float[termCount];
        for (int t = 0; t < termCount; t++)
        {
            ulong term = reader.ReadUInt64();
            if (!terms.TryAdd(term, t))
            {
                throw Invalid($"term {t} repeats an earlier term");
            }

            documentFrequency[t] = reader.ReadInt32();
            inverseDocumentFrequency[t] = ReadWeight(reader, $"the IDF weight of term {t}");
        }

        float unseen = ReadWeight(reader, "the IDF weight of unseen terms");
        int exampleCount = ReadCount(reader, 8, "example count");
        var examples = new TermCounts[exampleCount];
        var classes = new int[exampleCount];
        var counted = new int[termCount];
        var lastSeenIn = new int[termCount];
        for (int i = 0; i < exampleCount; i++)
        {
            classes[i] = ReadIndex(reader, classCount, $"the class of example {i}");
            int length = ReadCount(reader, 8, $"term count of example {i}");
            var ids = new int[length];
            var counts = new int[length];
            for (int k = 0; k < length; k++)
            {
                ids[k] = ReadIndex(reader, termCount, $"a term id of example {i}");
                counts[k] = reader.ReadInt32();
                if (counts[k] < 1 || lastSeenIn[ids[k]] == i + 1)
                {
                    throw Invalid(counts[k] < 1 ? $"example {i} counts a term {counts[k]} times" : $"example {i} lists term {ids[k]} twice");
                }

                lastSeenIn[ids[k]] = i + 1;
                counted[ids[k]]++;
            }

            examples[i] = new TermCounts(ids, counts);
        }

        if (!counted.AsSpan().SequenceEqual(documentFrequency))
        {
            throw Invalid("the document frequencies do not match the examples");
        }

        var byClass = new ClassMajor(classCount);
        for (int c = 0; c < classCount; c++)
        {
            int length = ReadCount(reader, 8, $"centroid length of class {c}");
            int previous = -1;
            double squaredNorm = 0;
            for (int p = 0; p < length; p++)
            {
                int term = ReadIndex(reader, termCount, $"a centroid term of class {c}");
                float weight = reader.ReadSingle();
                if (term <= previous || !float.IsFinite(weight))
                {
                    throw Invalid(term <= previous ? $"the centroid terms of class {c} are not strictly ascending" : $"a centroid weight of class {c} is {weight}");
                }

                previous = term;
                squaredNorm += (double)weight * weight;
                byClass.Append(term, weight);
            }

            // Centroids are unit vectors (or zero): a longer one scales the word view's logits past float range.
            if (squaredNorm > MaxCentroidSquaredNorm)
            {
                throw Invalid($"the centroid of class {c} is longer than a unit vector");
            }

            byClass.EndClass();
        }

        var fitted = new WordView(classCount, terms, documentFrequency, inverseDocumentFrequency, unseen, examples, classes);
        (int[] offsets, int[] centroidClasses, double[] centroidWeights) = byClass.ToTermMajor(termCount);

        // The weights were floats when written, so the round trip through double is exact.
        return new WordView(fitted, offsets, centroidClasses, [.. centroidWeights.Select(w => (float)w)]);
    }

    /// <summary>Reads a count and checks it against the bytes left, at <paramref name="minimumBytesEach"/> per item.</summary>
    private static int ReadCount(BinaryReader reader, int minimumBytesEach, string what)
    {
        int count = reader.ReadInt32();
        long remaining = reader.BaseStream.Length - reader.BaseStream.Position;
        if (count < 0 || count > remaining / minimumBytesEach)
        {
            throw Invalid($"the {what} {count} is negative or larger than the {remaining} bytes left can hold");
        }

        return count;
    }

    private static int ReadIndex(BinaryReader reader, int count, string what)
    {
        int index = reader.ReadInt32();
        if ((uint)index >= (uint)count)
        {
            throw Invalid($"{what} is {index}, outside [0, {count})");
        }

        return index;
    }

    private static float ReadWeight(BinaryReader reader, string what)
    {
        float weight = reader.ReadSingle();
        if (!float.IsFinite(weight) || weight <= 0)
        {
            throw Invalid($"{what} is {weight}");
        }

        return weight;
    }

    private static InvalidDataException Invalid(string reason) => new($"The word view data is invalid: {reason}.");
}
