using System.Diagnostics;
using EmbedClassify.Onnx;

namespace EmbedClassify.FineTuning;

/// <summary>
/// SetFit's body step on <see cref="BertWeights"/>: balanced contrastive pairs, cosine-similarity loss, one epoch of
/// AdamW with sentence-transformers' linear warm-up (the first tenth of the steps) and linear decay to 0.
/// </summary>
internal static class SetFitTrainer
{
    /// <summary>The fraction of the steps the learning rate warms up over (sentence-transformers' default).</summary>
    private const double WarmupFraction = 0.1;

    /// <summary>
    /// The most tokens one training pass keeps activations for: the default step (32 texts) at the default 128 tokens.
    /// A larger step (a longer <see cref="FineTuningOptions.MaxSequenceLength"/> or <see cref="FineTuningOptions.BatchSize"/>)
    /// is split, so memory stays near the default's (522 MB of activations with every layer training) whatever the
    /// options, at the price of one extra inference pass over the step.
    /// </summary>
    internal const int MaxTokensPerPass = 4096;

    /// <summary>Tunes <paramref name="weights"/> in place.</summary>
    public static FineTuningSummary Train(
        BertWeights weights,
        string[] texts,
        int[] labels,
        FineTuningOptions options,
        IProgress<FineTuningProgress>? progress,
        CancellationToken cancellationToken,
        int maxTokensPerPass = MaxTokensPerPass)
    {
        var clock = Stopwatch.StartNew();
        BertConfiguration configuration = weights.Configuration;
        int[][] ids = Tokenize(texts, options.MaxSequenceLength);
        SentencePair[] pairs = ContrastivePairs.Generate(labels, options.PairIterations, options.Seed);

        int trainedLayers = options.TrainedLayers ?? configuration.LayerCount;
        var scope = new BertTrainingScope(configuration, trainedLayers, trainEmbeddings: options.TrainedLayers is null);
        var cache = new BertActivationCache(configuration);
        var gradients = new BertGradients(configuration);
        var optimizer = new AdamW(weights, scope);

        if (options.MaxSteps is { } maxSteps && (long)maxSteps * options.BatchSize < pairs.Length)
        {
            // The pairs are shuffled, so the first ones are a random part of them.
            pairs = pairs[..(maxSteps * options.BatchSize)];
        }

        int steps = (pairs.Length + options.BatchSize - 1) / options.BatchSize;
        int warmup = (int)Math.Ceiling(steps * WarmupFraction);
        int edge = Math.Max(1, steps / 10);
        double firstLosses = 0;
        double lastLosses = 0;
        var local = new Dictionary<int, int>();
        var batchIds = new List<int[]>();
        for (int step = 0; step < steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ReadOnlySpan<SentencePair> batch = pairs.AsSpan(step * options.BatchSize, Math.Min(options.BatchSize, pairs.Length - (step * options.BatchSize)));

            // Each text of the step runs once, however many of its pairs use it: the gradients of its pairs meet in
            // its pooled vector.
            local.Clear();
            batchIds.Clear();
            var batchPairs = new SentencePair[batch.Length];
            for (int p = 0; p < batch.Length; p++)
            {
                batchPairs[p] = new SentencePair(Local(batch[p].First), Local(batch[p].Second), batch[p].Label);
            }

            int[][] stepIds = [.. batchIds];
            float loss = Step(weights, stepIds, batchPairs, scope, cache, gradients, maxTokensPerPass);
            optimizer.Step(gradients, (float)(options.LearningRate * LearningRateFactor(step, steps, warmup)));

            if (step < edge)
            {
                firstLosses += loss;
            }

            if (step >= steps - edge)
            {
                lastLosses += loss;
            }

            progress?.Report(new FineTuningProgress(step + 1, steps, loss, clock.Elapsed));
        }

        return new FineTuningSummary
        {
            BaseModelId = OnnxEmbeddingGenerator.DefaultModelId,
            ExampleCount = texts.Length,
            LabelCount = labels.Distinct().Count(),
            Steps = steps,
            PairIterations = options.PairIterations,
            LearningRate = options.LearningRate,
            MaxSequenceLength = options.MaxSequenceLength,
            TrainedLayers = options.TrainedLayers,
            Seed = options.Seed,
            InitialLoss = (float)(firstLosses / edge),
            FinalLoss = (float)(lastLosses / edge),
            Duration = clock.Elapsed,
        };

        int Local(int example)
        {
            if (!local.TryGetValue(example, out int index))
            {
                local[example] = index = batchIds.Count;
                batchIds.Add(ids[example]);
            }

            return index;
        }
    }

    /// <summary>Fills <paramref name="gradients"/> with one step's gradients and returns the step's loss.</summary>
    private static float Step(
        BertWeights weights, int[][] ids, SentencePair[] pairs, BertTrainingScope scope, BertActivationCache cache, BertGradients gradients, int maxTokensPerPass)
    {
        BertConfiguration configuration = weights.Configuration;
        int hidden = configuration.HiddenSize;
        gradients.Clear();
        TokenBatch tokens = TokenBatch.Create(configuration, ids);
        var pooled = new float[tokens.Count * hidden];
        var pooledGradient = new float[pooled.Length];
        if (tokens.TokenCount <= maxTokensPerPass)
        {
            BertEncoder.ForwardTraining(weights, tokens, scope, cache, pooled);
            float loss = (float)CosineSimilarityLoss.Compute(pooled, hidden, pairs, pooledGradient);
            BertEncoder.Backward(weights, cache, pooledGradient, gradients);
            return loss;
        }

        // The loss couples every text of the step, so its gradient needs all the pooled vectors first: an inference
        // pass gives them (equal to the training pass's), then each slice of texts runs forward and backward on its
        // own, its gradients adding up to the whole step's.
        List<Range> slices = Slices(ids, maxTokensPerPass);
        foreach (Range range in slices)
        {
            BertEncoder.Forward(weights, ids[range]).CopyTo(pooled.AsSpan(range.Start.Value * hidden));
        }

        float stepLoss = (float)CosineSimilarityLoss.Compute(pooled, hidden, pairs, pooledGradient);
        foreach (Range range in slices)
        {
            TokenBatch slice = TokenBatch.Create(configuration, ids[range]);
            var slicePooled = new float[slice.Count * hidden];
            BertEncoder.ForwardTraining(weights, slice, scope, cache, slicePooled);
            BertEncoder.Backward(weights, cache, pooledGradient.AsSpan(range.Start.Value * hidden, slice.Count * hidden), gradients);
        }

        return stepLoss;
    }

    /// <summary>Consecutive runs of texts of at most <paramref name="maxTokens"/> tokens together (a longer text alone).</summary>
    private static List<Range> Slices(int[][] ids, int maxTokens)
    {
        var slices = new List<Range>();
        int start = 0;
        while (start < ids.Length)
        {
            int end = start;
            int tokens = 0;
            while (end < ids.Length && (end == start || tokens + ids[end].Length <= maxTokens))
            {
                tokens += ids[end++].Length;
            }

            slices.Add(start..end);
            start = end;
        }

        return slices;
    }

    /// <summary>
    /// sentence-transformers' WarmupLinear schedule: step / warmup while warming up (so the first step moves nothing),
    /// then (steps − step) / (steps − warmup) down to 0.
    /// </summary>
    internal static double LearningRateFactor(int step, int steps, int warmup) =>
        step < warmup
            ? (double)step / Math.Max(1, warmup)
            : Math.Max(0, (double)(steps - step) / Math.Max(1, steps - warmup));

    private static int[][] Tokenize(string[] texts, int maxSequenceLength)
    {
        var encoder = OnnxEmbeddingGenerator.CreateMiniLMEncoder(lowerCase: true, maxSequenceLength);
        var ids = new int[texts.Length][];
        for (int i = 0; i < texts.Length; i++)
        {
            ids[i] = encoder.Encode(texts[i]);
        }

        return ids;
    }
}
