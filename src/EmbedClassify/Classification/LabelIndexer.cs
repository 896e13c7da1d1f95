namespace EmbedClassify;

/// <summary>
/// Numbers class labels in the order they first appear, with the checks every classifier makes on its examples' labels,
/// so that all of them reject the same inputs with the same messages.
/// </summary>
internal sealed class LabelIndexer(string parameterName)
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly List<string> _labels = [];

    /// <summary>Returns the class index of the label of the example at <paramref name="position"/>.</summary>
    /// <exception cref="ArgumentException">
    /// The label is null or blank (see <see cref="TextContent.IsBlank"/>), or contains an unpaired surrogate, which a
    /// model file could not store faithfully ("The label of examples[i] contains an unpaired surrogate …").
    /// </exception>
    public int Add(string? label, int position)
    {
        if (TextContent.IsBlank(label))
        {
            throw new ArgumentException(
                $"examples[{position}] has a {(label is null ? "null" : "blank")} label; every example needs a label.",
                parameterName);
        }

        TextContent.ThrowIfLoneSurrogate(label, $"The label of examples[{position}]", parameterName);

        if (!_index.TryGetValue(label, out int classIndex))
        {
            classIndex = _labels.Count;
            _index.Add(label, classIndex);
            _labels.Add(label);
        }

        return classIndex;
    }

    /// <summary>Returns the labels in class order.</summary>
    /// <exception cref="ArgumentException">Fewer than two distinct labels were added.</exception>
    public string[] ToClassLabels()
    {
        if (_labels.Count < 2)
        {
            throw new ArgumentException(
                $"Every example has the label '{_labels[0]}'; a classifier needs examples of at least two classes.",
                parameterName);
        }

        return [.. _labels];
    }
}
