using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace EmbedClassify.FineTuning;

/// <summary>
/// AdamW as torch.optim.AdamW computes it (decoupled weight decay, bias-corrected moments), with the parameter _groups
/// of sentence-transformers (no weight decay on biases and LayerNorm parameters) and its global gradient-norm clipping
/// (torch.nn.utils.clip_grad_norm_). Moments exist only for the parameters the scope trains.
/// </summary>
/// <remarks>
/// The word-embedding table is updated only on the rows that ever had a gradient (moments are kept for those rows
/// alone, in first-touch order). On those rows the update is exactly dense AdamW's, including steps where the row has
/// no gradient (its moments decay and still move it, and weight decay applies). The one difference from dense AdamW:
/// a row before its first gradient, or never given one, is not shrunk by weight decay, where dense AdamW multiplies it
/// by (1 − lr·0.01) every step (its zero moments move it no further). Over a SetFit run (125 steps at lr 2e-5) that
/// factor is 1 − 2.5e-5, and those rows are tokens absent from the training texts.
/// Not thread-safe.
/// </remarks>
internal sealed class AdamW
{
    // Work items of the update: large enough to outweigh scheduling, small enough to spread a layer over the cores.
    private const int RowsPerWordChunk = 256;
    private const int ElementsPerChunk = 1 << 16;

    private readonly BertWeights _weights;
    private readonly BertTrainingScope _scope;
    private readonly List<Group> _groups = [];
    private readonly int _hidden;
    private readonly int[] _wordSlots;
    private readonly List<int> _wordRows = [];
    private float[] _wordFirstMoment = [];
    private float[] _wordSecondMoment = [];

    /// <summary>Initializes a new instance of the <see cref="AdamW"/> class for the parameters of <paramref name="weights"/> that <paramref name="scope"/> trains.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="weights"/> or <paramref name="scope"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of its range (betas in [0, 1), epsilon and the clipping norm positive, weight decay not negative).</exception>
    public AdamW(BertWeights weights, BertTrainingScope scope, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-6f, float weightDecay = 0.01f, float maxGradientNorm = 1f)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(scope);
        if (!(beta1 >= 0 && beta1 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "Must be in [0, 1).");
        }

        if (!(beta2 >= 0 && beta2 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "Must be in [0, 1).");
        }

        if (!(epsilon > 0 && float.IsFinite(epsilon)))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Must be positive and finite.");
        }

        if (!(weightDecay >= 0 && float.IsFinite(weightDecay)))
        {
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "Must be zero or positive and finite.");
        }

        if (!(maxGradientNorm > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(maxGradientNorm), maxGradientNorm, "Must be positive.");
        }

        if (scope.LayerCount != weights.Configuration.LayerCount)
        {
            throw new ArgumentException("The scope was made for another configuration.", nameof(scope));
        }

        _weights = weights;
        _scope = scope;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        MaxGradientNorm = maxGradientNorm;
        _hidden = weights.Configuration.HiddenSize;
        _wordSlots = scope.TrainEmbeddings ? new int[weights.Configuration.VocabularySize] : [];
        foreach ((string name, float[] values) in scope.TrainedParameters(weights))
        {
            // sentence-transformers' no_decay list: "bias", "LayerNorm.bias", "LayerNorm.weight".
            bool decay = !name.Contains("bias", StringComparison.Ordinal) && !name.Contains("LayerNorm", StringComparison.Ordinal);
            bool sparse = ReferenceEquals(values, weights.WordEmbeddings);
            _groups.Add(new Group(name, values, decay, sparse ? [] : new float[values.Length], sparse ? [] : new float[values.Length]));
        }
    }

    /// <summary>Gets the first moment's decay rate.</summary>
    public float Beta1 { get; }

    /// <summary>Gets the second moment's decay rate.</summary>
    public float Beta2 { get; }

    /// <summary>Gets the term added to the denominator.</summary>
    public float Epsilon { get; }

    /// <summary>Gets the decoupled weight decay of the decayed group.</summary>
    public float WeightDecay { get; }

    /// <summary>Gets the global gradient norm above which gradients are scaled down to it.</summary>
    public float MaxGradientNorm { get; }

    /// <summary>Gets the number of steps taken.</summary>
    public int StepCount { get; private set; }

    /// <summary>Gets the names of the parameters that are updated, with whether weight decay applies to each.</summary>
    public IEnumerable<(string Name, bool Decayed)> Groups => _groups.Select(group => (group.Name, group.Decay));

    /// <summary>Gets the bytes of optimizer state held (both moments).</summary>
    public long MomentBytes => _groups.Sum(group => 2L * group.First.Length * sizeof(float))
        + 2L * (_wordFirstMoment.Length + (long)_wordSlots.Length) * sizeof(float);

    /// <summary>
    /// Clips the gradients to the global norm <see cref="MaxGradientNorm"/> (as clip_grad_norm_: scaled by
    /// max/(norm + 1e-6) when that is below 1) and takes one AdamW step at <paramref name="learningRate"/>.
    /// The gradients are read, not modified.
    /// </summary>
    /// <returns>The global gradient norm before clipping.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="gradients"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is negative or not finite.</exception>
    /// <exception cref="ArgumentException"><paramref name="gradients"/> belongs to another configuration.</exception>
    public double Step(BertGradients gradients, float learningRate)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        if (!(learningRate >= 0 && float.IsFinite(learningRate)))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "Must be zero or positive and finite.");
        }

        if (gradients.Values.Configuration != _weights.Configuration)
        {
            throw new ArgumentException("The gradients were made for another configuration.", nameof(gradients));
        }

        float[][] gradientValues = _scope.TrainedParameters(gradients.Values).Select(parameter => parameter.Values).ToArray();
        foreach (int row in gradients.TouchedWordRows)
        {
            AddWordRow(row);
        }

        double squares = 0;
        for (int g = 0; g < _groups.Count; g++)
        {
            if (_groups[g].First.Length == 0)
            {
                // Word embeddings: rows without a gradient contribute nothing to the norm.
                foreach (int row in gradients.TouchedWordRows)
                {
                    squares += SumOfSquares(gradientValues[g].AsSpan(row * _hidden, _hidden));
                }
            }
            else
            {
                squares += SumOfSquares(gradientValues[g]);
            }
        }

        double norm = Math.Sqrt(squares);
        float clip = (float)Math.Min(1.0, MaxGradientNorm / (norm + 1e-6));

        StepCount++;
        var step = new StepConstants(
            learningRate,
            clip,
            Beta1,
            Beta2,
            Epsilon,
            (float)(learningRate / (1 - Math.Pow(Beta1, StepCount))),
            (float)Math.Sqrt(1 - Math.Pow(Beta2, StepCount)));
        for (int g = 0; g < _groups.Count; g++)
        {
            Group group = _groups[g];
            float decay = group.Decay ? 1f - learningRate * WeightDecay : 1f;
            if (group.First.Length == 0)
            {
                float[] gradient = gradientValues[g];
                int rows = _wordRows.Count;
                int chunks = (rows + RowsPerWordChunk - 1) / RowsPerWordChunk;
                Parallel.For(0, chunks, chunk =>
                {
                    int end = Math.Min(rows, (chunk + 1) * RowsPerWordChunk);
                    for (int slot = chunk * RowsPerWordChunk; slot < end; slot++)
                    {
                        int row = _wordRows[slot];
                        Update(
                            group.Values.AsSpan(row * _hidden, _hidden),
                            gradient.AsSpan(row * _hidden, _hidden),
                            _wordFirstMoment.AsSpan(slot * _hidden, _hidden),
                            _wordSecondMoment.AsSpan(slot * _hidden, _hidden),
                            decay,
                            step);
                    }
                });
            }
            else
            {
                float[] gradient = gradientValues[g];
                int length = group.Values.Length;
                int chunks = (length + ElementsPerChunk - 1) / ElementsPerChunk;
                Parallel.For(0, chunks, chunk =>
                {
                    int start = chunk * ElementsPerChunk;
                    int count = Math.Min(ElementsPerChunk, length - start);
                    Update(
                        group.Values.AsSpan(start, count),
                        gradient.AsSpan(start, count),
                        group.First.AsSpan(start, count),
                        group.Second.AsSpan(start, count),
                        decay,
                        step);
                });
            }
        }

        return norm;
    }

    // Float sums per span (TensorPrimitives' vector accumulators) added in double: precise enough to clip by.
    private static double SumOfSquares(ReadOnlySpan<float> values) => TensorPrimitives.SumOfSquares(values);

    // One torch.optim.AdamW element update (non-amsgrad, non-fused), eight lanes at a time where vectors are accelerated:
    // p ← p·(1 − lr·wd); m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²; p ← p − lr/(1 − β1ᵗ) · m / (√v/√(1 − β2ᵗ) + ε).
    private static void Update(Span<float> values, ReadOnlySpan<float> gradient, Span<float> first, Span<float> second, float decay, StepConstants step)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            int width = Vector256<float>.Count;
            for (; i <= values.Length - width; i += width)
            {
                Vector256<float> g = Vector256.Create(gradient.Slice(i, width)) * step.Clip;
                Vector256<float> m = step.Beta1 * Vector256.Create((ReadOnlySpan<float>)first.Slice(i, width)) + (1 - step.Beta1) * g;
                Vector256<float> v = step.Beta2 * Vector256.Create((ReadOnlySpan<float>)second.Slice(i, width)) + (1 - step.Beta2) * g * g;
                m.CopyTo(first.Slice(i, width));
                v.CopyTo(second.Slice(i, width));
                Vector256<float> p = Vector256.Create((ReadOnlySpan<float>)values.Slice(i, width)) * decay
                    - step.StepSize * m / (Vector256.Sqrt(v) / step.SecondCorrectionRoot + Vector256.Create(step.Epsilon));
                p.CopyTo(values.Slice(i, width));
            }
        }

        for (; i < values.Length; i++)
        {
            float g = gradient[i] * step.Clip;
            float m = step.Beta1 * first[i] + (1 - step.Beta1) * g;
            float v = step.Beta2 * second[i] + (1 - step.Beta2) * g * g;
            first[i] = m;
            second[i] = v;
            values[i] = values[i] * decay - step.StepSize * m / (MathF.Sqrt(v) / step.SecondCorrectionRoot + step.Epsilon);
        }
    }

    private void AddWordRow(int row)
    {
        // Slots are 1-based in _wordSlots so that the array's zeros mean "no moments yet".
        if (_wordSlots[row] != 0)
        {
            return;
        }

        _wordRows.Add(row);
        _wordSlots[row] = _wordRows.Count;
        int needed = _wordRows.Count * _hidden;
        if (_wordFirstMoment.Length < needed)
        {
            int length = Math.Max(needed, 2 * _wordFirstMoment.Length);
            Array.Resize(ref _wordFirstMoment, length);
            Array.Resize(ref _wordSecondMoment, length);
        }
    }

    private sealed record Group(string Name, float[] Values, bool Decay, float[] First, float[] Second);

    private readonly record struct StepConstants(float LearningRate, float Clip, float Beta1, float Beta2, float Epsilon, float StepSize, float SecondCorrectionRoot);
}
