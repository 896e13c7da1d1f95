namespace EmbedClassify.FineTuning;

/// <summary>
/// Settings of a fine-tuning run: SetFit's contrastive body step on the examples (pairs of the same label pulled to
/// cosine 1, of different labels pushed to 0), one epoch of AdamW.
/// </summary>
/// <remarks>The defaults are the prototype's measured in issue 13 (SetFit's own defaults), until the table in docs/accuracy.md chooses others.</remarks>
public sealed class FineTuningOptions
{
    /// <summary>The default <see cref="PairIterations"/>.</summary>
    public const int DefaultPairIterations = 5;

    /// <summary>The default <see cref="LearningRate"/>.</summary>
    public const float DefaultLearningRate = 2e-5f;

    /// <summary>The default <see cref="MaxSequenceLength"/>.</summary>
    public const int DefaultMaxSequenceLength = 128;

    /// <summary>The default <see cref="BatchSize"/>.</summary>
    public const int DefaultBatchSize = 16;

    private int _pairIterations = DefaultPairIterations;
    private float _learningRate = DefaultLearningRate;
    private int _maxSequenceLength = DefaultMaxSequenceLength;
    private int _batchSize = DefaultBatchSize;
    private int? _trainedLayers;
    private int? _maxSteps;

    /// <summary>
    /// Gets or sets R: each example starts R pairs with its own label and R with another, so a run has
    /// 2 × R × examples pairs and (that ÷ <see cref="BatchSize"/>) optimizer steps.
    /// </summary>
    /// <value>Default 5. More steps cost time linearly; too few do not move the model (8 steps did not help in the prototype).</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1 or more than 1,000.</exception>
    public int PairIterations
    {
        get => _pairIterations;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1000);
            _pairIterations = value;
        }
    }

    /// <summary>Gets or sets AdamW's peak learning rate (reached after a linear warm-up over the first tenth of the steps, then decayed linearly to 0).</summary>
    /// <value>Default 2e-5.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a finite number in (0, 0.01].</exception>
    public float LearningRate
    {
        get => _learningRate;
        set
        {
            if (!float.IsFinite(value) || value <= 0 || value > 0.01f)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The learning rate must be a finite number in (0, 0.01].");
            }

            _learningRate = value;
        }
    }

    /// <summary>Gets or sets how many tokens of each text (with [CLS] and [SEP]) the model reads while training.</summary>
    /// <value>Default 128. Training cost grows with it (attention with its square); the tuned model embeds with the generator's own length.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 8 or more than 512.</exception>
    public int MaxSequenceLength
    {
        get => _maxSequenceLength;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 8);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 512);
            _maxSequenceLength = value;
        }
    }

    /// <summary>Gets or sets how many pairs each optimizer step reads.</summary>
    /// <value>Default 16 (32 texts a step).</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1 or more than 1,024.</exception>
    public int BatchSize
    {
        get => _batchSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1024);
            _batchSize = value;
        }
    }

    /// <summary>
    /// Gets or sets how many of the top transformer layers train; the layers below and the embeddings stay as they are,
    /// and no backward work is spent on them.
    /// </summary>
    /// <value>
    /// Default <see langword="null"/>: every layer and the embeddings train (full tuning). 1 to 6 trains only that
    /// many top layers: faster, smaller gains (see docs/accuracy.md).
    /// </value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1 or more than 6.</exception>
    public int? TrainedLayers
    {
        get => _trainedLayers;
        set
        {
            if (value is { } layers)
            {
                ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1, nameof(value));
                ArgumentOutOfRangeException.ThrowIfGreaterThan(layers, 6, nameof(value));
            }

            _trainedLayers = value;
        }
    }

    /// <summary>
    /// Gets or sets the most optimizer steps a run takes: with many examples, 2 × R × examples ÷ batch steps can take
    /// hours, and a cap keeps a random part of the (shuffled) pairs, every example still starting its share on average.
    /// </summary>
    /// <value>Default <see langword="null"/>: every pair, one epoch.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int? MaxSteps
    {
        get => _maxSteps;
        set
        {
            if (value is { } steps)
            {
                ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1, nameof(value));
            }

            _maxSteps = value;
        }
    }

    /// <summary>Gets or sets the seed of the pairs and their order, so a run can be repeated exactly.</summary>
    /// <value>Default 0.</value>
    public int Seed { get; set; }

    /// <summary>Creates a copy of these options.</summary>
    /// <returns>A new instance with the same values.</returns>
    public FineTuningOptions Clone() => (FineTuningOptions)MemberwiseClone();
}
