using System.Diagnostics;
using Microsoft.Extensions.AI;

namespace EmbedClassify;

public sealed partial class FewShotClassifier
{
    // The view scales of a classifier that has no labelled example to hold out. The embedding view's similarities are
    // centered cosines to the descriptions; the scale that minimized the negative log-likelihood of the true labels at
    // n = 0 grew with the number of classes on the five evaluation collections (2 to 6 with two classes, 10 with 9, 12 to
    // 16 with 24), as ln k does, and 4.5 ln k came within 0.03 nats of each collection's own best (samples/Evaluation
    // --loop prints each collection's calibration at these scales and the scales that would fit it best). The word view
    // matches a description's few words, which most texts do not contain: its scale changed no collection's likelihood
    // by more than 0.003, so it keeps a small fixed say.
    internal const float ZeroShotScalePerLogClass = 4.5f;
    internal const float ZeroShotWordScale = 2f;

    /// <summary>Returns the embedding view's scale for a classifier that rests on descriptions alone.</summary>
    internal static float ZeroShotEmbeddingScale(int classCount) => ZeroShotScalePerLogClass * (float)Math.Log(classCount);

    /// <summary>
    /// Gets the labels whose class still rests on its description alone (created by
    /// <see cref="CreateFromDescriptionsAsync(IEmbeddingGenerator{string, Embedding{float}}, IEnumerable{string}, FewShotClassifierOptions?, CancellationToken)"/>
    /// and given no example since); empty for a classifier fitted on examples of every class.
    /// </summary>
    public IReadOnlyList<string> DescribedOnlyLabels => _memory.DescribedLabels is { } described ? Array.AsReadOnly(described) : [];

    /// <summary>
    /// Creates a classifier from label descriptions alone, with no labelled example (a zero-shot start): each class
    /// starts at its description's embedding and words, and the probabilities use scales measured across collections
    /// (there is nothing of the caller's to hold out). Add examples later with <see cref="AddExamplesAsync"/>: a class
    /// that receives examples drops its stand-in and becomes an ordinary few-shot class, its description kept as the
    /// prior that <see cref="FewShotClassifierOptions.LabelDescriptions"/> gives.
    /// </summary>
    /// <param name="generator">The embedding generator.</param>
    /// <param name="labels">
    /// The class labels, at least two distinct ones. Each is described by its entry in
    /// <see cref="FewShotClassifierOptions.LabelDescriptions"/>, or else by the label itself when it reads as words
    /// (<see cref="FewShotClassifierOptions.LabelNamesAsDescriptions"/>).
    /// </param>
    /// <param name="options">The settings, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The classifier.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> or <paramref name="labels"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="labels"/> has fewer than two distinct labels, a null or blank one, the <see cref="FewShotClassifierOptions.NoneLabel"/>,
    /// or a label without a description; or <paramref name="options"/> holds a bad setting, a description of another label, or a
    /// strategy other than nearest centroid or auto (k-means and kNN need examples). Checked before anything is embedded.
    /// </exception>
    /// <exception cref="InvalidOperationException">The generator returned unusable vectors.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public static Task<FewShotClassifier> CreateFromDescriptionsAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator,
        IEnumerable<string> labels,
        FewShotClassifierOptions? options = null,
        CancellationToken cancellationToken = default) =>
        CreateFromDescriptionsAsync(generator, labels, [], options, cancellationToken);

    /// <summary>
    /// Creates a classifier from label descriptions alone and refines its classes on unlabelled texts (for example the
    /// pool the labels will be spent on), as
    /// <see cref="CreateAsync(IEmbeddingGenerator{string, Embedding{float}}, IEnumerable{LabeledExample}, IEnumerable{string}, FewShotClassifierOptions?, CancellationToken)"/>
    /// does with examples.
    /// </summary>
    /// <param name="generator">The embedding generator.</param>
    /// <param name="labels">The class labels; see the overload without unlabelled texts.</param>
    /// <param name="unlabeledTexts">Texts without labels; may be empty.</param>
    /// <param name="options">The settings, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The classifier.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/>, <paramref name="labels"/> or <paramref name="unlabeledTexts"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">As in the overload without unlabelled texts, or an unlabelled text is null or blank.</exception>
    /// <exception cref="InvalidOperationException">The generator returned unusable vectors.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public static async Task<FewShotClassifier> CreateFromDescriptionsAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator,
        IEnumerable<string> labels,
        IEnumerable<string> unlabeledTexts,
        FewShotClassifierOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(unlabeledTexts);
        options = options?.Clone() ?? new FewShotClassifierOptions();
        FewShotClassifierOptionsValidator.ThrowIfInvalid(options, nameof(options));
        if (options.Strategy is ClassificationStrategy.KMeans or ClassificationStrategy.KNearestNeighbors)
        {
            throw new ArgumentException($"A classifier from descriptions alone has one stand-in per class; the {options.Strategy} strategy needs examples.", nameof(options));
        }

        string[] labelList = [.. labels];
        string[] unlabeledList = [.. unlabeledTexts];
        KeyValuePair<string, string>[] descriptions = StandInDescriptions(labelList, options);
        TextBatch.Validate(unlabeledList, nameof(unlabeledTexts));

        using Activity? activity = Instrumentation.Source.StartActivity(EmbedClassifyTelemetry.CreateActivityName);
        activity?.SetTag(EmbedClassifyTelemetry.ExampleCountTagName, 0);
        activity?.SetTag(EmbedClassifyTelemetry.BatchSizeTagName, descriptions.Length + unlabeledList.Length);
        try
        {
            bool useUnlabeled = unlabeledList.Length > 0 && options.UnlabeledWeight > 0;
            string[] sent = useUnlabeled ? unlabeledList : [];
            string[] texts = [.. descriptions.Select(d => d.Value), .. sent];
            ReadOnlyMemory<float>[] vectors = await TextBatch.EmbedAsync(generator, texts, expectedDimensions: null, cancellationToken).ConfigureAwait(false);
            Description[] described = [.. descriptions.Select((d, i) => new Description(d.Key, d.Value, vectors[i]))];
            var input = new FitInput(
                [.. descriptions.Select(d => d.Key)],
                vectors[..descriptions.Length],
                [.. descriptions.Select(d => d.Value)],
                null,
                vectors[descriptions.Length..],
                sent,
                null,
                described,
                null,
                [.. descriptions.Select(d => d.Key)]);
            FewShotClassifier classifier = Fit(generator, input, options, cancellationToken);
            activity?.SetTag(EmbedClassifyTelemetry.StrategyTagName, Instrumentation.StrategyName(classifier._embedding.Strategy));
            activity?.SetTag(EmbedClassifyTelemetry.ClassCountTagName, classifier.Labels.Count);
            return classifier;
        }
        catch (Exception ex)
        {
            Instrumentation.RecordError(activity, ex);
            throw;
        }
    }

    /// <summary>Returns each label's description (explicit, else the label read as words), checking the labels first.</summary>
    private static KeyValuePair<string, string>[] StandInDescriptions(string[] labels, FewShotClassifierOptions options)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<KeyValuePair<string, string>>();
        for (int i = 0; i < labels.Length; i++)
        {
            string label = labels[i];
            if (TextContent.IsBlank(label))
            {
                throw new ArgumentException($"labels[{i}] is {(label is null ? "null" : "blank")}; every class needs a label.", nameof(labels));
            }

            TextContent.ThrowIfLoneSurrogate(label, $"labels[{i}]", nameof(labels));
            if (label == options.NoneLabel)
            {
                throw new ArgumentException($"labels[{i}] is the NoneLabel '{label}', which marks examples of no class and cannot be described.", nameof(labels));
            }

            if (!seen.Add(label))
            {
                continue;
            }

            string? description = options.LabelDescriptions.TryGetValue(label, out string? given) ? given
                : options.LabelNamesAsDescriptions ? LabelAsText(label) : null;
            if (description is null)
            {
                throw new ArgumentException(
                    $"labels[{i}] ('{label}') has no description: give one in LabelDescriptions (its label does not read as words, or LabelNamesAsDescriptions is off).",
                    nameof(labels));
            }

            TextContent.ThrowIfNotEmbeddable(description, $"The description of labels[{i}]", nameof(labels));
            result.Add(new(label, description));
        }

        if (result.Count < 2)
        {
            throw new ArgumentException($"A classifier needs at least two distinct labels; {result.Count} {(result.Count == 1 ? "was" : "were")} given.", nameof(labels));
        }

        foreach (string label in options.LabelDescriptions.Keys)
        {
            if (!seen.Contains(label))
            {
                throw new ArgumentException($"LabelDescriptions has a description for '{label}', which is not among the labels.", nameof(options));
            }
        }

        return [.. result];
    }

    /// <summary>
    /// Adds examples to a classifier with classes that rest on their descriptions: each class that receives an example
    /// drops its stand-in (the description, which stays the class's prior), so that once every class has examples the
    /// classifier is the one <see cref="CreateAsync(IEmbeddingGenerator{string, Embedding{float}}, IEnumerable{LabeledExample}, IEnumerable{string}, FewShotClassifierOptions?, CancellationToken)"/>
    /// fits on those examples with the descriptions.
    /// </summary>
    private async Task<FewShotClassifier> AddToDescribedAsync(LabeledExample[] added, CancellationToken cancellationToken)
    {
        string? noneLabel = _options.NoneLabel;
        var gaining = new HashSet<string>(added.Where(e => e.Label != noneLabel).Select(e => e.Label), StringComparer.Ordinal);
        string[] stillDescribed = [.. DescribedOnlyLabels.Where(l => !gaining.Contains(l))];
        if (_memory.ExampleTexts is null || (_embedding.NoneRows().Length > 0 && _memory.NoneTexts is null))
        {
            // A classifier loaded without its texts and holding real examples too: its word view cannot be refitted
            // without the stand-ins, so they stay as one example each of their classes.
            FewShotClassifier kept = await AddExamplesCoreAsync(added, cancellationToken).ConfigureAwait(false);
            return kept.WithDescribedLabels(stillDescribed);
        }

        var dropped = new HashSet<string>(DescribedOnlyLabels.Where(gaining.Contains), StringComparer.Ordinal);
        ReadOnlyMemory<float>[] oldRows = JoinedRows(e => e.InputExampleRows());
        int[] keep = [.. Enumerable.Range(0, oldRows.Length).Where(i => !dropped.Contains(Labels[_embedding.ExampleClasses[i]]))];
        ReadOnlyMemory<float>[] oldNone = JoinedRows(e => e.NoneRows());

        var described = new HashSet<string>(Labels.Concat(_memory.Descriptions.Select(d => d.Label)), StringComparer.Ordinal);
        KeyValuePair<string, string>[] newDescriptions = DescriptionsFor(
            added.Select(e => e.Label).Where(l => l != noneLabel && !described.Contains(l)).Distinct(StringComparer.Ordinal),
            _options);
        string[] texts = [.. added.Select(e => e.Text), .. newDescriptions.Select(d => d.Value)];
        ReadOnlyMemory<float>[] vectors = await TextBatch.EmbedAsync(Generator, texts, VectorLength, cancellationToken).ConfigureAwait(false);
        var input = new FitInput(
            [.. keep.Select(i => Labels[_embedding.ExampleClasses[i]]), .. oldNone.Select(_ => noneLabel!), .. added.Select(e => e.Label)],
            [.. keep.Select(i => oldRows[i]), .. oldNone, .. vectors[..added.Length]],
            [.. keep.Select(i => _memory.ExampleTexts[i]), .. _memory.NoneTexts ?? [], .. added.Select(e => e.Text)],
            null,
            JoinedRows(e => e.UnlabeledRows()),
            _memory.UnlabeledTexts,
            _memory.UnlabeledTerms,
            [.. _memory.Descriptions, .. newDescriptions.Select((d, i) => new Description(d.Key, d.Value, vectors[added.Length + i]))],
            _memory.UnlabeledHashes,
            stillDescribed);
        return Fit(Generator, input, _options, cancellationToken);
    }

    /// <summary>Returns this classifier with another list of labels that rest on their descriptions alone.</summary>
    private FewShotClassifier WithDescribedLabels(string[] described) =>
        new(Generator, _embedding, _extraViews, _words, _options, _calibration, _memory with { DescribedLabels = described.Length == 0 ? null : described });
}
