namespace EmbedClassify;

public sealed partial class FewShotClassifier
{
    // Leave-one-out over more examples than this adds cost without changing a temperature or threshold estimate much.
    private const int MaxCalibrationExamples = 200;

    // One held-out example more is a coin flip on 20 of them: with a margin of one, the share moved on noise and cost
    // spam 0.001 at n = 10 (docs/accuracy.md, "The word view's weight is earned").
    internal const int MinExtraCorrectToLowerShare = 2;

    /// <summary>
    /// Fits each view's scale and the final temperature on one shared set of held-out examples, and returns the top
    /// probability each held-out example received (for the unknown threshold).
    /// </summary>
    /// <remarks>
    /// Each view is first divided by the temperature that fits its own held-out scores best, so views of different
    /// sharpness meet on one logit scale; then one temperature over their sum, fitted with label smoothing, corrects
    /// for the views agreeing with each other (two confident views that make the same call should not multiply their
    /// confidence) and for the few examples the evidence rests on. Several embedding views (one per model) share the
    /// embedding view's say equally, so that the word view's earned share is weighed against the same total however many
    /// models there are.
    /// </remarks>
    private static (float[] EmbeddingScales, float WordScale, float Temperature, float[] HeldOutTop) CalibrateScales(
        EmbeddingClassifier[] embeddings, WordView? words, FewShotClassifierOptions options)
    {
        EmbeddingClassifier embedding = embeddings[0];
        int classCount = embedding.Labels.Count;
        int[] candidates = EmbeddingClassifier.CalibrationCandidates(embedding.ExampleClasses, classCount, options.Seed, MaxCalibrationExamples);
        var embeddingScales = new float[embeddings.Length];
        float[][]? embedded = null;
        int[] truth = [];
        for (int v = 0; v < embeddings.Length; v++)
        {
            (float[][] viewed, truth) = embeddings[v].LeaveOneOutScores(candidates);
            embeddingScales[v] = 1 / (EmbeddingClassifier.FitTemperature(viewed, truth, classCount) * embeddings.Length);
            if (embedded is null)
            {
                embedded = viewed;
                for (int n = 0; n < viewed.Length; n++)
                {
                    System.Numerics.Tensors.TensorPrimitives.Multiply(viewed[n], embeddingScales[v], viewed[n]);
                }
            }
            else
            {
                for (int n = 0; n < viewed.Length; n++)
                {
                    System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(viewed[n], embeddingScales[v], embedded[n], embedded[n]);
                }
            }
        }

        // From here on, embedded holds the embedding views' scaled sum.
        float wordScale = 0;
        float[][]? worded = null;
        if (words is not null)
        {
            (worded, _) = words.LeaveOneOutScores(candidates);
            wordScale = (float)options.WordWeight / EmbeddingClassifier.FitTemperature(worded, truth, classCount);
            wordScale *= EarnedShare(embedded!, 1, worded, wordScale, truth);
        }

        if (truth.Length == 0)
        {
            // Nothing can be held out (one example per class): the logits stay as the view temperatures made them.
            return (embeddingScales, wordScale, 1, []);
        }

        var logits = new float[truth.Length][];
        for (int n = 0; n < truth.Length; n++)
        {
            logits[n] = new float[classCount];
            for (int c = 0; c < classCount; c++)
            {
                logits[n][c] = embedded![n][c] + (worded is null ? 0 : worded[n][c] * wordScale);
            }
        }

        // Laplace's rule of succession: after n held-out examples, about 1 / (n + 2) of the probability stays with the
        // classes the evidence did not pick, so a handful of perfectly separated examples does not make every
        // prediction certain. It only softens the probabilities; which class wins does not change.
        float temperature = EmbeddingClassifier.FitTemperature(logits, truth, classCount, smoothing: 1.0 / (truth.Length + 2), maxTemperature: 1e4);
        var top = new float[truth.Length];
        for (int n = 0; n < truth.Length; n++)
        {
            EmbeddingClassifier.Softmax(logits[n], temperature);
            top[n] = logits[n].Max();
        }

        return (embeddingScales, wordScale, temperature, top);
    }

    /// <summary>
    /// Returns how much of its weight the word view earns on these examples: the full weight, unless a smaller share (½,
    /// then 0) classifies at least <see cref="MinExtraCorrectToLowerShare"/> more held-out examples right than the share
    /// kept so far. A view's own temperature says how sharp it is, not whether it adds anything to the other view.
    /// </summary>
    internal static float EarnedShare(float[][] embedded, float embeddingScale, float[][] worded, float wordScale, int[] truth)
    {
        ReadOnlySpan<float> shares = [1f, 0.5f, 0f];
        float best = 1;
        int bestCorrect = -1;
        foreach (float share in shares)
        {
            int correct = 0;
            for (int n = 0; n < truth.Length; n++)
            {
                int top = 0;
                float topLogit = float.NegativeInfinity;
                for (int c = 0; c < embedded[n].Length; c++)
                {
                    float logit = (embedded[n][c] * embeddingScale) + (worded[n][c] * wordScale * share);
                    if (logit > topLogit)
                    {
                        top = c;
                        topLogit = logit;
                    }
                }

                correct += top == truth[n] ? 1 : 0;
            }

            if (bestCorrect < 0 || correct >= bestCorrect + MinExtraCorrectToLowerShare)
            {
                best = share;
                bestCorrect = correct;
            }
        }

        return best;
    }

    /// <summary>Calibrates a classifier made from an embedding classifier alone (no word view, no other embedding view).</summary>
    private static Calibration Calibrate(EmbeddingClassifier model, FewShotClassifierOptions options)
    {
        (float[] embeddingScales, float wordScale, float temperature, float[] top) = CalibrateScales([model], null, options);
        var calibration = new Calibration(embeddingScales[0], wordScale, temperature, 0);
        return calibration with { UnknownThreshold = UnknownThresholdOf(top, NoneTopProbabilities(model, [], null, calibration, [])) };
    }

    /// <summary>Returns this classifier with its unknown threshold fitted from the held-out examples' top probabilities.</summary>
    private FewShotClassifier WithUnknownThreshold(float[] heldOutTop)
    {
        float threshold = UnknownThresholdOf(heldOutTop, NoneTopProbabilities(_embedding, _extraViews, _words, _calibration, _memory.NoneTerms));
        return new FewShotClassifier(Generator, _embedding, _extraViews, _words, _options, _calibration with { UnknownThreshold = threshold }, _memory);
    }

    /// <summary>The top probability the fitted classifier gives each "none" example.</summary>
    private static float[] NoneTopProbabilities(
        EmbeddingClassifier embedding, EmbeddingClassifier[] extraViews, WordView? words, Calibration calibration, TermVector[] noneTerms)
    {
        ReadOnlyMemory<float>[] none = JoinedRows(embedding, extraViews, e => e.NoneRows());
        int[] offsets = OffsetsOf(embedding, extraViews);
        var top = new float[none.Length];
        var logits = new float[embedding.Labels.Count];
        var scratch = new float[embedding.Labels.Count];
        for (int i = 0; i < none.Length; i++)
        {
            embedding.Score(none[i].Span[..embedding.Dimensions], logits);
            Combine(logits, none[i].Span, extraViews, offsets, words, i < noneTerms.Length ? noneTerms[i] : null, scratch, calibration);
            top[i] = logits.Max();
        }

        return top;
    }

    /// <summary>
    /// Returns the unknown threshold on the probability scale (see <see cref="EmbeddingClassifier.ThresholdBetween"/>);
    /// 0, which flags nothing, when nothing was held out.
    /// </summary>
    private static float UnknownThresholdOf(float[] known, float[] none) =>
        known.Length == 0 ? 0 : EmbeddingClassifier.ThresholdBetween(known, none);

    /// <summary>The factors that put each view on one logit scale, the temperature of their sum, and the unknown threshold.</summary>
    /// <param name="EmbeddingScale">The first embedding view's factor.</param>
    /// <param name="WordScale">The word view's factor (0 without one).</param>
    /// <param name="Temperature">The temperature of the views' sum.</param>
    /// <param name="UnknownThreshold">The probability below which a prediction is unknown.</param>
    internal readonly record struct Calibration(float EmbeddingScale, float WordScale, float Temperature, float UnknownThreshold)
    {
        /// <summary>Gets the other embedding views' factors, one per view after the first; empty with one model.</summary>
        public float[] ExtraScales { get; init; } = [];
    }
}
