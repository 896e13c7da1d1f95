using EmbedClassify.Onnx;
using Microsoft.Extensions.AI;

namespace EmbedClassify.FineTuning;

public sealed partial class FineTunedClassifier
{
    /// <summary>The default of the <c>folds</c> argument of <see cref="EstimateGainAsync"/>.</summary>
    public const int DefaultEstimateFolds = 2;

    /// <summary>
    /// Estimates, before committing to it, whether fine-tuning helps on <paramref name="examples"/>: splits them into
    /// <paramref name="folds"/> stratified folds and predicts each fold with the classifier fitted on the others, once
    /// on frozen vectors and once on a model fine-tuned on those others.
    /// </summary>
    /// <param name="examples">Labelled examples of at least two labels, at least <paramref name="folds"/> of every label.</param>
    /// <param name="fineTuning">Optional fine-tuning settings; its seed also draws the folds.</param>
    /// <param name="options">Optional classifier settings, used on both sides.</param>
    /// <param name="frozenGenerator">
    /// The generator to compare against (for example a caching one, so that nothing is embedded twice); the built-in
    /// model at float32 when <see langword="null"/>. Not disposed.
    /// </param>
    /// <param name="folds">How many folds; each costs a tuning run on (folds − 1) / folds of the examples.</param>
    /// <param name="progress">Optional; told after each optimizer step of each fold's run (steps restart at 1 with every fold).</param>
    /// <param name="cancellationToken">Checked between steps and embedding batches.</param>
    /// <returns>The estimate.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="examples"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="folds"/> is below 2.</exception>
    /// <exception cref="ArgumentException">
    /// An example has a blank text or label, fewer than two labels are given, or a label has fewer examples than
    /// <paramref name="folds"/> (every fold must hold out one of each and leave one to train on).
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <remarks>
    /// It costs about (folds − 1) tuning runs on all the examples. Each fold trains on fewer examples than the final
    /// model would, so it estimates the gain at that smaller size; docs/accuracy.md shows the gain changes little
    /// between 5 and 10 examples per class.
    /// </remarks>
    public static async Task<FineTuningGainEstimate> EstimateGainAsync(
        IEnumerable<LabeledExample> examples,
        FineTuningOptions? fineTuning = null,
        FewShotClassifierOptions? options = null,
        IEmbeddingGenerator<string, Embedding<float>>? frozenGenerator = null,
        int folds = DefaultEstimateFolds,
        IProgress<FineTuningProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        LabeledExample[] list = [.. examples];
        (_, int[] labels, int classCount) = FineTunedModel.ReadExamples(list, nameof(examples));
        if (classCount < 2)
        {
            throw new ArgumentException("Estimating the gain of fine-tuning needs examples of at least two labels.", nameof(examples));
        }

        fineTuning = fineTuning?.Clone() ?? new FineTuningOptions();
        int[] fold = AssignFolds(list, labels, classCount, folds, fineTuning.Seed);

        OnnxEmbeddingGenerator? owned = frozenGenerator is null ? OnnxEmbeddingGenerator.CreateDefault() : null;
        IEmbeddingGenerator<string, Embedding<float>> frozen = frozenGenerator ?? owned!;
        try
        {
            var summaries = new FineTuningSummary[folds];
            var frozenRight = new bool[list.Length];
            var tunedRight = new bool[list.Length];
            for (int f = 0; f < folds; f++)
            {
                LabeledExample[] train = [.. list.Where((_, i) => fold[i] != f)];
                int[] heldOut = [.. Enumerable.Range(0, list.Length).Where(i => fold[i] == f)];
                string[] texts = [.. heldOut.Select(i => list[i].Text)];

                FewShotClassifier plain = await FewShotClassifier.CreateAsync(frozen, train, options, cancellationToken).ConfigureAwait(false);
                Mark(await plain.PredictBatchAsync(texts, cancellationToken).ConfigureAwait(false), heldOut, list, frozenRight);

                FineTunedModel model = await FineTunedModel.TrainAsync(train, fineTuning, progress, cancellationToken).ConfigureAwait(false);
                summaries[f] = model.Summary;
                using OnnxEmbeddingGenerator generator = model.CreateGenerator();
                FewShotClassifier tuned = await FewShotClassifier.CreateAsync(generator, train, options, cancellationToken).ConfigureAwait(false);
                Mark(await tuned.PredictBatchAsync(texts, cancellationToken).ConfigureAwait(false), heldOut, list, tunedRight);
            }

            return Summarize(frozenRight, tunedRight, summaries);
        }
        finally
        {
            owned?.Dispose();
        }
    }

    /// <summary>Stratified: each label's examples, shuffled by <paramref name="seed"/>, are dealt to the folds in turn.</summary>
    private static int[] AssignFolds(LabeledExample[] examples, int[] labels, int classCount, int folds, int seed)
    {
        var members = new List<int>[classCount];
        for (int c = 0; c < classCount; c++)
        {
            members[c] = [];
        }

        for (int i = 0; i < labels.Length; i++)
        {
            members[labels[i]].Add(i);
        }

        var random = new Random(seed);
        var fold = new int[examples.Length];
        foreach (List<int> indices in members)
        {
            if (indices.Count < folds)
            {
                throw new ArgumentException(
                    $"The label '{examples[indices[0]].Label}' has {indices.Count} example(s); estimating with {folds} folds needs at least {folds} of every label.",
                    nameof(examples));
            }

            int[] order = [.. indices];
            random.Shuffle(order);
            for (int k = 0; k < order.Length; k++)
            {
                fold[order[k]] = k % folds;
            }
        }

        return fold;
    }

    private static void Mark(IReadOnlyList<Prediction> predictions, int[] heldOut, LabeledExample[] examples, bool[] right)
    {
        for (int k = 0; k < heldOut.Length; k++)
        {
            right[heldOut[k]] = string.Equals(predictions[k].Label, examples[heldOut[k]].Label, StringComparison.Ordinal);
        }
    }

    private static FineTuningGainEstimate Summarize(bool[] frozenRight, bool[] tunedRight, FineTuningSummary[] summaries)
    {
        int count = frozenRight.Length;
        double sum = 0, sumOfSquares = 0;
        for (int i = 0; i < count; i++)
        {
            int d = (tunedRight[i] ? 1 : 0) - (frozenRight[i] ? 1 : 0);
            sum += d;
            sumOfSquares += d * d;
        }

        double mean = sum / count;
        double variance = count > 1 ? Math.Max(0, (sumOfSquares - (count * mean * mean)) / (count - 1)) : 0;
        double half = 1.96 * Math.Sqrt(variance / count);
        return new FineTuningGainEstimate
        {
            Folds = summaries.Length,
            HeldOutCount = count,
            FrozenAccuracy = (double)frozenRight.Count(r => r) / count,
            TunedAccuracy = (double)tunedRight.Count(r => r) / count,
            DifferenceLow = mean - half,
            DifferenceHigh = mean + half,
            FoldSummaries = summaries,
        };
    }
}
