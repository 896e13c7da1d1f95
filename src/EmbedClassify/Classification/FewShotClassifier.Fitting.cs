using Microsoft.Extensions.AI;

namespace EmbedClassify;

public sealed partial class FewShotClassifier
{
    /// <summary>
    /// Fits every view to vectors that are already embedded: the one fitting routine behind creation, adding examples and
    /// evaluation, so that they cannot drift apart.
    /// </summary>
    internal static FewShotClassifier Fit(
        IEmbeddingGenerator<string, Embedding<float>> generator,
        FitInput input,
        FewShotClassifierOptions options,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        bool refineWanted = input.UnlabeledVectors.Length > 0 && options.UnlabeledWeight > 0;
        int[] offsets = OffsetsOf(ViewDimensionsOf(generator, input.Vectors.Length == 0 ? 0 : input.Vectors[0].Length));
        EmbeddingClassifier FitView(int view, FewShotClassifierOptions viewOptions) => EmbeddingClassifier.Fit(
            input.Labels.Select((label, i) => new LabeledEmbedding(label, ViewPart(input.Vectors[i], offsets, view))),
            refineWanted ? input.UnlabeledVectors.Select(u => ViewPart(u, offsets, view)) : [],
            viewOptions,
            unlabeledCenterOnly: true);
        EmbeddingClassifier embedding = FitView(0, options);

        // Every other model's view follows the rule the first one fitted (Auto resolves once), so the views score the
        // same kind of thing.
        EmbeddingClassifier[] extraViews = [.. Enumerable.Range(1, offsets.Length - 2).Select(v => FitView(v, embedding.Options))];
        EmbeddingClassifier[] views = [embedding, .. extraViews];
        int classCount = embedding.Labels.Count;
        int[] classes = embedding.ExampleClasses;

        int[] real = [.. Enumerable.Range(0, input.Labels.Length).Where(i => input.Labels[i] != options.NoneLabel)];
        int[] none = [.. Enumerable.Range(0, input.Labels.Length).Where(i => input.Labels[i] == options.NoneLabel)];
        WordView? words = null;
        TermVector[] noneTerms = [];
        TermVector[] unlabeledTerms = [];
        TermHashes[]? noneHashes = [];
        TermHashes[]? unlabeledHashes = [];
        if (options.WordWeight > 0)
        {
            // The none and unlabelled texts are kept as term hashes and counts, so that a later refit (after a load
            // without texts, too) weighs them with its own IDF, new terms included, as a fit from the texts would.
            if (input.Texts is not null)
            {
                words = WordView.Fit([.. real.Select(i => input.Texts[i])], classes, classCount);
                noneHashes = [.. none.Select(i => WordView.Hash(input.Texts[i]))];
            }
            else
            {
                PriorWords prior = input.Prior ?? throw new InvalidOperationException("Neither texts nor a fitted word view were given.");
                int firstNew = prior.OldExampleCount;
                words = prior.Words.WithExamples(prior.NewTexts, classes[firstNew..], classCount);
                noneHashes = prior.NoneHashes is null ? null : [.. prior.NoneHashes, .. prior.NewNoneTexts.Select(WordView.Hash)];
                if (noneHashes is null)
                {
                    // Only the word vectors of the first fit are known (a file of calibration version 1): they keep its weights.
                    noneTerms = [.. prior.NoneTerms, .. prior.NewNoneTexts.Select(words.Vectorize)];
                }
            }

            if (noneHashes is not null)
            {
                noneTerms = [.. noneHashes.Select(words.Vectorize)];
            }

            unlabeledHashes = !refineWanted ? [] : input.UnlabeledTexts is not null
                ? [.. input.UnlabeledTexts.Select(WordView.Hash)]
                : input.UnlabeledHashes;
            unlabeledTerms = unlabeledHashes is not null ? [.. unlabeledHashes.Select(words.Vectorize)] : input.UnlabeledTerms ?? [];
        }

        cancellationToken.ThrowIfCancellationRequested();
        (float[] embeddingScales, float wordScale, float temperature, float[] heldOutTop) = CalibrateScales(views, words, options);
        if (heldOutTop.Length == 0 && input.DescribedLabels is { Length: > 0 })
        {
            // Nothing of the caller's can be held out: the scales measured across collections at n = 0 stand in, the
            // embedding views sharing theirs.
            Array.Fill(embeddingScales, ZeroShotEmbeddingScale(classCount) / views.Length);
            (wordScale, temperature) = (words is null ? 0 : ZeroShotWordScale * (float)options.WordWeight, 1);
        }

        bool centroids = embedding.Strategy == ClassificationStrategy.NearestCentroid;
        Description[] descriptions = centroids && options.LabelDescriptionWeight > 0 ? input.Descriptions : [];
        bool refine = refineWanted && centroids;
        EmbeddingClassifier[] fitted = views;
        WordView? fittedWords = words;
        if (refine || descriptions.Length > 0)
        {
            float[][] classSums = [.. views.Select((view, v) => ClassSums(view, descriptions, offsets, v, (float)options.LabelDescriptionWeight))];
            if (refine)
            {
                (fitted, fittedWords) = Refine(
                    views, embeddingScales, offsets, words, wordScale, classSums, input.UnlabeledVectors, unlabeledTerms, options.UnlabeledWeight, cancellationToken);
            }
            else
            {
                fitted = [.. views.Select((view, v) => view.WithCentroids(UnitRows(classSums[v], view.Dimensions)))];
            }
        }

        // Auto resolves to one concrete rule; the classifier keeps (and saves, and refits with) the rule it fitted, with
        // the k-means seeding Auto gave it (the file's header and embedding section must agree on it).
        FewShotClassifierOptions fittedOptions = embedding.Options;
        FewShotClassifierOptions kept = options.Clone();
        kept.Strategy = fittedOptions.Strategy;
        kept.CenterEmbeddings = fittedOptions.CenterEmbeddings;
        kept.Initialization = fittedOptions.Initialization;
        kept.Clusters = fittedOptions.Clusters;
        var calibration = new Calibration(embeddingScales[0], wordScale, temperature, 0) { ExtraScales = embeddingScales[1..] };
        var memory = new TrainingMemory(
            input.Texts is null ? null : [.. real.Select(i => input.Texts[i])],
            input.Texts is null ? null : [.. none.Select(i => input.Texts[i])],
            noneTerms,
            refineWanted ? input.UnlabeledTexts : null,
            unlabeledTerms,
            input.Descriptions,
            noneHashes,
            unlabeledHashes,
            input.DescribedLabels is { Length: > 0 } described ? described : null);
        var classifier = new FewShotClassifier(generator, fitted[0], fitted[1..], fittedWords, kept, calibration, memory);
        return classifier.WithUnknownThreshold(heldOutTop);
    }

    /// <summary>Gets what this classifier keeps beyond its views (for tests that compare refits word vector by word vector).</summary>
    internal TrainingMemory Memory => _memory;

    /// <summary>
    /// Embeds the descriptions of <paramref name="labels"/> that the options give or imply, in one generator call; a
    /// description of another label is an <see cref="ArgumentException"/> naming <paramref name="parameterName"/>.
    /// </summary>
    internal static async Task<Description[]> EmbedDescriptionsAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator,
        IReadOnlyList<string> labels,
        FewShotClassifierOptions options,
        string parameterName,
        CancellationToken cancellationToken)
    {
        var known = new HashSet<string>(labels, StringComparer.Ordinal);
        foreach (string label in options.LabelDescriptions.Keys)
        {
            if (!known.Contains(label))
            {
                throw new ArgumentException($"LabelDescriptions has a description for '{label}', which no example has.", parameterName);
            }
        }

        KeyValuePair<string, string>[] descriptions = DescriptionsFor(labels, options);
        ReadOnlyMemory<float>[] vectors = await TextBatch.EmbedAsync(generator, [.. descriptions.Select(d => d.Value)], null, cancellationToken).ConfigureAwait(false);
        return [.. descriptions.Select((d, i) => new Description(d.Key, d.Value, vectors[i]))];
    }

    /// <summary>Returns what a refit needs: this classifier's inputs plus <paramref name="added"/> and its new descriptions.</summary>
    private FitInput Refit(LabeledExample[] added, ReadOnlyMemory<float>[] addedVectors, Description[] addedDescriptions)
    {
        string? noneLabel = _options.NoneLabel;
        ReadOnlyMemory<float>[] oldExamples = JoinedRows(e => e.InputExampleRows());
        ReadOnlyMemory<float>[] oldNone = JoinedRows(e => e.NoneRows());
        string[] labels =
        [
            .. _embedding.ExampleClasses.Select(c => Labels[c]),
            .. oldNone.Select(_ => noneLabel!),
            .. added.Select(e => e.Label),
        ];
        ReadOnlyMemory<float>[] vectors = [.. oldExamples, .. oldNone, .. addedVectors];
        string[]? texts = _memory.ExampleTexts is not null && (oldNone.Length == 0 || _memory.NoneTexts is not null)
            ? [.. _memory.ExampleTexts, .. _memory.NoneTexts ?? [], .. added.Select(e => e.Text)]
            : null;
        PriorWords? prior = texts is null && _words is not null
            ? new PriorWords(
                _words,
                oldExamples.Length,
                [.. added.Where(e => e.Label != noneLabel).Select(e => e.Text)],
                _memory.NoneTerms,
                _memory.NoneHashes,
                [.. added.Where(e => e.Label == noneLabel).Select(e => e.Text)])
            : null;
        ReadOnlyMemory<float>[] unlabeled = JoinedRows(e => e.UnlabeledRows());
        return new FitInput(
            labels,
            vectors,
            texts,
            prior,
            unlabeled,
            _memory.UnlabeledTexts,
            _memory.UnlabeledTerms,
            [.. _memory.Descriptions, .. addedDescriptions],
            _memory.UnlabeledHashes);
    }

    /// <summary>
    /// Returns each class's sum of its examples as embedding view <paramref name="view"/> compares them, plus its
    /// description (if any) <paramref name="descriptionWeight"/> times; row-major, one row per class.
    /// </summary>
    private static float[] ClassSums(EmbeddingClassifier embedding, Description[] descriptions, int[] offsets, int view, float descriptionWeight)
    {
        int dimensions = embedding.Dimensions;
        float[] sums = embedding.ComparedClassSums();
        var compared = new float[dimensions];

        // Every class has a label name as its description by default: a scan of the labels per description was
        // quadratic in the number of classes (40,000 classes: 5 s of a 6 s fit).
        Dictionary<string, int> classOf = ClassIndices(embedding.Labels);
        foreach (Description description in descriptions)
        {
            if (!classOf.TryGetValue(description.Label, out int c))
            {
                continue;
            }

            embedding.Compared(ViewPart(description.Vector, offsets, view).Span, compared);
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(compared, descriptionWeight, sums.AsSpan(c * dimensions, dimensions), sums.AsSpan(c * dimensions, dimensions));
        }

        return sums;
    }

    /// <summary>Returns each label's class index (labels are distinct, compared ordinally).</summary>
    internal static Dictionary<string, int> ClassIndices(IReadOnlyList<string> labels)
    {
        var indices = new Dictionary<string, int>(labels.Count, StringComparer.Ordinal);
        for (int i = 0; i < labels.Count; i++)
        {
            indices.Add(labels[i], i);
        }

        return indices;
    }

    /// <summary>What one fit consumes: the examples (real and "none") with their vectors, unlabelled texts and descriptions.</summary>
    /// <param name="Labels">Each example's label, "none" examples included, in fitting order.</param>
    /// <param name="Vectors">Each example's vector.</param>
    /// <param name="Texts">Each example's text, or <see langword="null"/> when the texts are not kept (then <paramref name="Prior"/> supplies the word view).</param>
    /// <param name="Prior">The fitted word view to extend when <paramref name="Texts"/> is <see langword="null"/>.</param>
    /// <param name="UnlabeledVectors">The unlabelled texts' vectors.</param>
    /// <param name="UnlabeledTexts">The unlabelled texts, or <see langword="null"/> when only their word vectors are kept.</param>
    /// <param name="UnlabeledTerms">
    /// The unlabelled texts as the first fit's word view saw them, used (as they are) only when neither their texts nor
    /// <paramref name="UnlabeledHashes"/> are known.
    /// </param>
    /// <param name="Descriptions">The label descriptions with their vectors.</param>
    /// <param name="UnlabeledHashes">The unlabelled texts' term hashes and counts, when their texts are not kept.</param>
    /// <param name="DescribedLabels">The labels whose one example is their description, standing in until examples arrive.</param>
    internal sealed record FitInput(
        string[] Labels,
        ReadOnlyMemory<float>[] Vectors,
        string[]? Texts,
        PriorWords? Prior,
        ReadOnlyMemory<float>[] UnlabeledVectors,
        string[]? UnlabeledTexts,
        TermVector[]? UnlabeledTerms,
        Description[] Descriptions,
        TermHashes[]? UnlabeledHashes = null,
        string[]? DescribedLabels = null);

    /// <summary>A fitted word view to extend with new examples, for a classifier that does not keep its example texts.</summary>
    /// <param name="Words">The fitted word view.</param>
    /// <param name="OldExampleCount">How many (real) examples it was fitted on.</param>
    /// <param name="NewTexts">The new real examples' texts.</param>
    /// <param name="NoneTerms">The old "none" examples as the first fit weighed them, used only when <paramref name="NoneHashes"/> is unknown.</param>
    /// <param name="NoneHashes">The old "none" examples' term hashes and counts, or <see langword="null"/> when only <paramref name="NoneTerms"/> are known.</param>
    /// <param name="NewNoneTexts">The new "none" examples' texts.</param>
    internal sealed record PriorWords(WordView Words, int OldExampleCount, string[] NewTexts, TermVector[] NoneTerms, TermHashes[]? NoneHashes, string[] NewNoneTexts);

    /// <summary>What a classifier keeps beyond its views so that it can be refitted and saved.</summary>
    /// <remarks>
    /// The none and unlabelled texts' term hashes and counts (<c>NoneHashes</c>, <c>UnlabeledHashes</c>) are what a refit
    /// weighs with its word view. They are <see langword="null"/> only for a classifier loaded from a file of calibration
    /// version 1 without texts, which stored the texts' word vectors (<c>NoneTerms</c>, <c>UnlabeledTerms</c>) alone; a
    /// refit then uses those as they are. The word vectors are also kept after a fit, for its unknown threshold; a
    /// classifier loaded from a version-2 file has none (empty arrays), since nothing scores these texts before a refit.
    /// <c>DescribedLabels</c> lists the classes whose one example is their description (a start from descriptions alone).
    /// </remarks>
    internal sealed record TrainingMemory(
        string[]? ExampleTexts,
        string[]? NoneTexts,
        TermVector[] NoneTerms,
        string[]? UnlabeledTexts,
        TermVector[] UnlabeledTerms,
        Description[] Descriptions,
        TermHashes[]? NoneHashes = null,
        TermHashes[]? UnlabeledHashes = null,
        string[]? DescribedLabels = null);

    /// <summary>A label description and its embedding.</summary>
    internal sealed record Description(string Label, string Text, ReadOnlyMemory<float> Vector);
}
