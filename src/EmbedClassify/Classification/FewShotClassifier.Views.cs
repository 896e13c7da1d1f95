using Microsoft.Extensions.AI;

namespace EmbedClassify;

public sealed partial class FewShotClassifier
{
    /// <summary>Gets each embedding view's vector length, in view order (one entry per model).</summary>
    internal int[] EmbeddingViewDimensions => [_embedding.Dimensions, .. _extraViews.Select(v => v.Dimensions)];

    /// <summary>Gets the length of the vectors the generator returns: every embedding view's, laid end to end.</summary>
    private int VectorLength => _viewOffsets[^1];

    /// <summary>
    /// Returns each embedding view's vector length for vectors of <paramref name="vectorLength"/> from
    /// <paramref name="generator"/>: one view, unless the generator combines several models.
    /// </summary>
    /// <exception cref="InvalidOperationException">The generator combines models whose lengths do not add up to <paramref name="vectorLength"/>.</exception>
    internal static int[] ViewDimensionsOf(IEmbeddingGenerator<string, Embedding<float>> generator, int vectorLength)
    {
        MultiViewEmbeddingGenerator? views = generator.GetService<MultiViewEmbeddingGenerator>();
        if (views is null)
        {
            return [vectorLength];
        }

        return views.Dimensions == vectorLength
            ? [.. views.Models.Select(m => m.Dimensions)]
            : throw new InvalidOperationException(
                $"The generator combines models of {views.Dimensions} dimensions in all, but returned vectors of length {vectorLength}.");
    }

    /// <summary>Returns where each of these embedding views starts in a combined vector, and where the last one ends.</summary>
    private static int[] OffsetsOf(EmbeddingClassifier embedding, EmbeddingClassifier[] extraViews) =>
        OffsetsOf([embedding.Dimensions, .. extraViews.Select(v => v.Dimensions)]);

    /// <summary>
    /// Returns the length of the first view's part of a combined vector that has no direction (0, or not finite in single
    /// precision), or 1 when every part has one: each view normalizes its part on its own, so one such part makes the
    /// whole vector unusable even when its own length is fine.
    /// </summary>
    private static float UnusablePartLength(ReadOnlySpan<float> vector, int[] offsets)
    {
        for (int v = 0; v + 1 < offsets.Length; v++)
        {
            float norm = VectorMath.Norm(ViewPart(vector, offsets, v));
            if (!float.IsFinite(norm) || norm == 0)
            {
                return norm;
            }
        }

        return 1;
    }

    /// <summary>Returns where each view starts in a combined vector, and where the last one ends.</summary>
    private static int[] OffsetsOf(IEnumerable<int> dimensions)
    {
        var offsets = new List<int> { 0 };
        foreach (int d in dimensions)
        {
            offsets.Add(offsets[^1] + d);
        }

        return [.. offsets];
    }

    /// <summary>Returns view <paramref name="view"/>'s part of a combined vector.</summary>
    private static ReadOnlyMemory<float> ViewPart(ReadOnlyMemory<float> vector, int[] offsets, int view) =>
        vector.Slice(offsets[view], offsets[view + 1] - offsets[view]);

    /// <summary>Returns view <paramref name="view"/>'s part of a combined vector.</summary>
    private static ReadOnlySpan<float> ViewPart(ReadOnlySpan<float> vector, int[] offsets, int view) =>
        vector.Slice(offsets[view], offsets[view + 1] - offsets[view]);

    /// <summary>Returns the primary (first) view's part of a combined vector: what its nearest examples and suggestions compare.</summary>
    private ReadOnlySpan<float> PrimaryPart(ReadOnlySpan<float> vector) => vector[.._embedding.Dimensions];

    /// <summary>
    /// Returns the rows that <paramref name="rows"/> gives of every embedding view, each laid end to end as the generator
    /// returned them (the same rows, uncopied, when there is one view).
    /// </summary>
    private ReadOnlyMemory<float>[] JoinedRows(Func<EmbeddingClassifier, ReadOnlyMemory<float>[]> rows) =>
        JoinedRows(_embedding, _extraViews, rows);

    private static ReadOnlyMemory<float>[] JoinedRows(
        EmbeddingClassifier embedding, EmbeddingClassifier[] extraViews, Func<EmbeddingClassifier, ReadOnlyMemory<float>[]> rows)
    {
        ReadOnlyMemory<float>[] first = rows(embedding);
        if (extraViews.Length == 0)
        {
            return first;
        }

        ReadOnlyMemory<float>[][] others = [.. extraViews.Select(rows)];
        int length = embedding.Dimensions + extraViews.Sum(v => v.Dimensions);
        var joined = new ReadOnlyMemory<float>[first.Length];
        for (int i = 0; i < first.Length; i++)
        {
            var row = new float[length];
            first[i].Span.CopyTo(row);
            int offset = embedding.Dimensions;
            foreach (ReadOnlyMemory<float>[] other in others)
            {
                other[i].Span.CopyTo(row.AsSpan(offset));
                offset += other[i].Length;
            }

            joined[i] = row;
        }

        return joined;
    }

    /// <summary>Returns the name of embedding view <paramref name="view"/>: "embedding" for the first, "embedding.1" and on for the others.</summary>
    internal static string EmbeddingViewName(int view) =>
        view == 0 ? ClassifierView.EmbeddingName : $"{ClassifierView.EmbeddingName}.{view.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
