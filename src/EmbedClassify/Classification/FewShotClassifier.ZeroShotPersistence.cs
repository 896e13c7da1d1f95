using System.Text;

namespace EmbedClassify;

public sealed partial class FewShotClassifier
{
    // Its own section, so that files of classifiers fitted on examples are unchanged and a library that predates the
    // start from descriptions refuses such a file rather than treat the descriptions as examples.
    private const string DescribedSectionName = "described-labels";

    /// <summary>Writes the labels whose one example is their description.</summary>
    private byte[] WriteDescribedLabels()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(DescribedOnlyLabels.Count);
            foreach (string label in DescribedOnlyLabels)
            {
                writer.Write(label);
            }
        }

        return stream.ToArray();
    }

    /// <summary>
    /// Reads the labels whose one example is their description, checking each against the views: a known label, one
    /// example, a description whose vector points the way that example's does (the view keeps its examples normalized).
    /// </summary>
    private static string[] ReadDescribedLabels(BinaryReader reader, EmbeddingClassifier embedding, Description[] descriptions)
    {
        int count = reader.ReadInt32();
        if (count <= 0 || count > embedding.Labels.Count)
        {
            throw ModelFile.Invalid("the described-labels section's count is out of range");
        }

        Dictionary<string, int> classOf = ClassIndices(embedding.Labels);
        ReadOnlyMemory<float>[] rows = embedding.InputExampleRows();

        // Each class's rows and description looked up once, so that reading stays linear in the number of classes.
        var rowsOf = new int[embedding.Labels.Count];
        var rowOf = new int[embedding.Labels.Count];
        for (int r = 0; r < rows.Length; r++)
        {
            int c = embedding.ExampleClasses[r];
            rowsOf[c]++;
            rowOf[c] = r;
        }

        var descriptionOf = new Dictionary<string, Description>(StringComparer.Ordinal);
        foreach (Description d in descriptions)
        {
            descriptionOf.TryAdd(d.Label, d);
        }

        var labels = new string[count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string label = reader.ReadString();
            if (!classOf.TryGetValue(label, out int c) || !seen.Add(label))
            {
                throw ModelFile.Invalid("the described-labels section names an unknown or repeated label");
            }

            // A description holds every model's vector end to end; the first view's example is compared with the first part.
            if (rowsOf[c] != 1 || !descriptionOf.TryGetValue(label, out Description? description) || description.Vector.Length < rows[rowOf[c]].Length
                || System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(rows[rowOf[c]].Span, description.Vector.Span[..rows[rowOf[c]].Length]) < 0.9999f)
            {
                throw ModelFile.Invalid($"the class '{label}' is marked as described only, but its one example is not its description");
            }

            labels[i] = label;
        }

        return labels;
    }

    /// <summary>
    /// Returns the example texts of a classifier whose every class rests on its description (they are the descriptions,
    /// which the file keeps), so that it can be refitted exactly; otherwise <see langword="null"/>.
    /// </summary>
    private static string[]? DescribedExampleTexts(EmbeddingClassifier embedding, Description[] descriptions, string[]? described)
    {
        if (described is null || described.Length != embedding.Labels.Count || embedding.NoneRows().Length > 0)
        {
            return null;
        }

        Dictionary<string, Description> byLabel = descriptions.GroupBy(d => d.Label, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        return [.. embedding.ExampleClasses.Select(c => byLabel[embedding.Labels[c]].Text)];
    }
}
