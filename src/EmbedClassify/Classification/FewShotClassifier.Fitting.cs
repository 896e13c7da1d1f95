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
        EmbeddingClassifier embedding = EmbeddingClassifier.Fit(
            input.Labels.Select((label, i) => new LabeledEmbedding(label, input.Vectors[i])),
            refineWanted ? input.UnlabeledVectors : [],
            options,
            unlabeledCenterOnly: true);
        int classCount = embedding.Labels.Count;
        int[] classes = embedding.ExampleClasses;

        int[] real = [.. Enumerable.Range(0, input.Labels.Length).Where(i => input.Labels[i] != options.NoneLabel)];
        int[] none = [.. Enumerable.Range(0, input.Labels.Length).Where(i => input.Labels[i] == options.NoneLabel)];
        WordView? words = null;
        TermVector[] noneTerms = [];
        TermVector[] unlabeledTerms = [];
        if (options.WordWeight > 0)
        {
            if (input.Texts is not null)
            {
                words = WordView.Fit([.. real.Select(i => input.Texts[i])], classes, classCount);
                noneTerms = [.. none.Select(i => words.Vectorize(input.Texts[i]))];
            }
            else
            {
                PriorWords prior = input.Prior ?? throw new InvalidOperationException("Neither texts nor a fitted word view were given.");
                int firstNew = prior.OldExampleCount;
                words = prior.Words.WithExamples(prior.NewTexts, classes[firstNew..], classCount);
                noneTerms = [.. prior.NoneTerms, .. prior.NewNoneTexts.Select(words.Vectorize)];
            }

            unlabeledTerms = !refineWanted ? [] : input.UnlabeledTexts is not null
                ? [.. input.UnlabeledTexts.Select(words.Vectorize)]
                : input.UnlabeledTerms ?? [];
        }

        cancellationToken.ThrowIfCancellationRequested();
        (float embeddingScale, float wordScale, float temperature, float[] heldOutTop) = CalibrateScales(embedding, words, options);

        bool centroids = embedding.Strategy == ClassificationStrategy.NearestCentroid;
        Description[] descriptions = centroids && options.LabelDescriptionWeight > 0 ? input.Descriptions : [];
        bool refine = refineWanted && centroids;
        EmbeddingClassifier fitted = embedding;
        WordView? fittedWords = words;
        if (refine || descriptions.Length > 0)
        {
            float[] classSums = ClassSums(embedding, descriptions, (float)options.LabelDescriptionWeight);
            if (refine)
            {
                (fitted, fittedWords) = Refine(
                    embedding, embeddingScale, words, wordScale, classSums, input.UnlabeledVectors, unlabeledTerms, options.UnlabeledWeight, cancellationToken);
            }
            else
            {
                fitted = embedding.WithCentroids(UnitRows(classSums, embedding.Dimensions));
            }
        }

        // Auto resolves to one concrete rule; the classifier keeps (and saves, and refits with) the rule it fitted.
        FewShotClassifierOptions kept = options.Clone();
        kept.Strategy = embedding.Strategy;
        kept.CenterEmbeddings = embedding.Options.CenterEmbeddings;
        var calibration = new Calibration(embeddingScale, wordScale, temperature, 0);
        var memory = new TrainingMemory(
            input.Texts is null ? null : [.. real.Select(i => input.Texts[i])],
            input.Texts is null ? null : [.. none.Select(i => input.Texts[i])],
            noneTerms,
            refineWanted ? input.UnlabeledTexts : null,
            unlabeledTerms,
            input.Descriptions);
        var classifier = new FewShotClassifier(generator, fitted, fittedWords, kept, calibration, memory);
        return classifier.WithUnknownThreshold(heldOutTop);
    }

    /// <summary>Embeds the descriptions of <paramref name="labels"/> that the options give or imply, in one generator call.</summary>
    internal static async Task<Description[]> EmbedDescriptionsAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator,
        IReadOnlyList<string> labels,
        FewShotClassifierOptions options,
        CancellationToken cancellationToken)
    {
        foreach (string label in options.LabelDescriptions.Keys)
        {
            if (!labels.Contains(label))
            {
                throw new ArgumentException($"LabelDescriptions has a description for '{label}', which no example has.", nameof(options));
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
        ReadOnlyMemory<float>[] oldExamples = _embedding.InputExampleRows();
        ReadOnlyMemory<float>[] oldNone = _embedding.NoneRows();
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
                [.. added.Where(e => e.Label == noneLabel).Select(e => e.Text)])
            : null;
        ReadOnlyMemory<float>[] unlabeled = _embedding.UnlabeledRows();
        return new FitInput(
            labels,
            vectors,
            texts,
            prior,
            unlabeled,
            _memory.UnlabeledTexts,
            _memory.UnlabeledTerms,
            [.. _memory.Descriptions, .. addedDescriptions]);
    }

    /// <summary>
    /// Returns each class's sum of its examples as the embedding view compares them, plus its description (if any)
    /// <paramref name="descriptionWeight"/> times; row-major, one row per class.
    /// </summary>
    private static float[] ClassSums(EmbeddingClassifier embedding, Description[] descriptions, float descriptionWeight)
    {
        int dimensions = embedding.Dimensions;
        float[] sums = embedding.ComparedClassSums();
        var compared = new float[dimensions];
        foreach (Description description in descriptions)
        {
            int c = IndexOf(embedding.Labels, description.Label);
            if (c < 0)
            {
                continue;
            }

            embedding.Compared(description.Vector.Span, compared);
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(compared, descriptionWeight, sums.AsSpan(c * dimensions, dimensions), sums.AsSpan(c * dimensions, dimensions));
        }

        return sums;
    }

    private static int IndexOf(IReadOnlyList<string> labels, string label)
    {
        for (int i = 0; i < labels.Count; i++)
        {
            if (labels[i] == label)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>What one fit consumes: the examples (real and "none") with their vectors, unlabelled texts and descriptions.</summary>
    /// <param name="Labels">Each example's label, "none" examples included, in fitting order.</param>
    /// <param name="Vectors">Each example's vector.</param>
    /// <param name="Texts">Each example's text, or <see langword="null"/> when the texts are not kept (then <paramref name="Prior"/> supplies the word view).</param>
    /// <param name="Prior">The fitted word view to extend when <paramref name="Texts"/> is <see langword="null"/>.</param>
    /// <param name="UnlabeledVectors">The unlabelled texts' vectors.</param>
    /// <param name="UnlabeledTexts">The unlabelled texts, or <see langword="null"/> when only their word vectors are kept.</param>
    /// <param name="UnlabeledTerms">The unlabelled texts as the word view saw them, when their texts are not kept.</param>
    /// <param name="Descriptions">The label descriptions with their vectors.</param>
    internal sealed record FitInput(
        string[] Labels,
        ReadOnlyMemory<float>[] Vectors,
        string[]? Texts,
        PriorWords? Prior,
        ReadOnlyMemory<float>[] UnlabeledVectors,
        string[]? UnlabeledTexts,
        TermVector[]? UnlabeledTerms,
        Description[] Descriptions);

    /// <summary>A fitted word view to extend with new examples, for a classifier that does not keep its example texts.</summary>
    internal sealed record PriorWords(WordView Words, int OldExampleCount, string[] NewTexts, TermVector[] NoneTerms, string[] NewNoneTexts);

    /// <summary>What a classifier keeps beyond its views so that it can be refitted and saved.</summary>
    internal sealed record TrainingMemory(
        string[]? ExampleTexts,
        string[]? NoneTexts,
        TermVector[] NoneTerms,
        string[]? UnlabeledTexts,
        TermVector[] UnlabeledTerms,
        Description[] Descriptions);

    /// <summary>A label description and its embedding.</summary>
    internal sealed record Description(string Label, string Text, ReadOnlyMemory<float> Vector);
}
