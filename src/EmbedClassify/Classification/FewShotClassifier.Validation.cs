namespace EmbedClassify;

public sealed partial class FewShotClassifier
{
    /// <summary>Checks texts and labels (and, when asked, that two real classes remain) before anything is embedded.</summary>
    internal static void ValidateExamples(LabeledExample[] examples, bool requireTwoClasses, string? noneLabel)
    {
        if (requireTwoClasses && examples.Length == 0)
        {
            throw new ArgumentException("At least one example is required.", nameof(examples));
        }

        var labels = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < examples.Length; i++)
        {
            if (TextContent.IsBlank(examples[i].Text))
            {
                throw new ArgumentException(
                    $"examples[{i}] has a {(examples[i].Text is null ? "null" : "blank")} text; every example needs text to embed.",
                    nameof(examples));
            }

            TextContent.ThrowIfNotEmbeddable(examples[i].Text, $"examples[{i}]", nameof(examples));
            string? label = examples[i].Label;
            if (TextContent.IsBlank(label))
            {
                throw new ArgumentException(
                    $"examples[{i}] has a {(label is null ? "null" : "blank")} label; every example needs a label.",
                    nameof(examples));
            }

            TextContent.ThrowIfLoneSurrogate(label!, $"The label of examples[{i}]", nameof(examples));

            if (label != noneLabel)
            {
                labels.Add(label);
            }
        }

        if (requireTwoClasses && labels.Count < 2)
        {
            throw new ArgumentException(
                labels.Count == 0
                    ? "There are no examples of a real class; a classifier needs examples of at least two classes."
                    : $"Every example has the label '{labels.First()}'; a classifier needs examples of at least two classes.",
                nameof(examples));
        }
    }

    /// <summary>Rejects unlabelled texts that the embedding view's strategy has no use for, before anything is embedded.</summary>
    private static void CheckUnlabeledFitsStrategy(int unlabeledCount, FewShotClassifierOptions options)
    {
        if (unlabeledCount > 0 && options.UnlabeledWeight > 0 && options.Strategy == ClassificationStrategy.KNearestNeighbors)
        {
            throw new ArgumentException(
                $"Unlabelled texts refine class centroids or place k-means clusters; the {nameof(ClassificationStrategy.KNearestNeighbors)} strategy has neither.",
                "unlabeledTexts");
        }
    }

    /// <summary>
    /// Returns the descriptions to embed for the classes of <paramref name="examples"/>: the explicit ones (each checked
    /// to name a class of the examples), then, when asked, each other class's label if it reads as words.
    /// </summary>
    private static KeyValuePair<string, string>[] Descriptions(LabeledExample[] examples, FewShotClassifierOptions options)
    {
        string[] labels = [.. examples.Select(e => e.Label).Where(l => l != options.NoneLabel).Distinct(StringComparer.Ordinal)];
        var known = new HashSet<string>(labels, StringComparer.Ordinal);
        foreach (string label in options.LabelDescriptions.Keys)
        {
            if (!known.Contains(label))
            {
                throw new ArgumentException($"LabelDescriptions has a description for '{label}', which no example has.", nameof(options));
            }
        }

        return DescriptionsFor(labels, options);
    }

    /// <summary>
    /// Returns the description of each of <paramref name="labels"/> that has one. Descriptions shape class centroids, so
    /// none are returned for the kNN and k-means strategies: nothing is embedded for nothing.
    /// </summary>
    private static KeyValuePair<string, string>[] DescriptionsFor(IEnumerable<string> labels, FewShotClassifierOptions options)
    {
        if (options.LabelDescriptionWeight == 0 || options.Strategy is ClassificationStrategy.KMeans or ClassificationStrategy.KNearestNeighbors)
        {
            return [];
        }

        var result = new List<KeyValuePair<string, string>>();
        foreach (string label in labels)
        {
            if (options.LabelDescriptions.TryGetValue(label, out string? description))
            {
                result.Add(new(label, description));
            }
            else if (options.LabelNamesAsDescriptions && LabelAsText(label) is { } name)
            {
                result.Add(new(label, name));
            }
        }

        return [.. result];
    }

    /// <summary>Returns the label as words ('_' and '-' as spaces) when it has at least two letters, otherwise <see langword="null"/>.</summary>
    internal static string? LabelAsText(string label)
    {
        int letters = 0;
        foreach (char c in label)
        {
            letters += char.IsLetter(c) ? 1 : 0;
        }

        return letters >= 2 ? label.Replace('_', ' ').Replace('-', ' ').Trim() : null;
    }
}
