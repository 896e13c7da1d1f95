namespace EmbedClassify.FineTuning;

/// <summary>Which parameters of the encoder train: the top layers, and whether the embeddings do.</summary>
internal sealed record BertTrainingScope
{
    /// <summary>Initializes a new instance of the <see cref="BertTrainingScope"/> class.</summary>
    /// <param name="configuration">The encoder's shape.</param>
    /// <param name="trainedLayerCount">How many layers, counted from the top, train (0 to the layer count).</param>
    /// <param name="trainEmbeddings">
    /// Whether the word, position and token type embeddings and the embedding LayerNorm train. When they do and
    /// not every layer trains, the backward pass still runs through the frozen layers (their inputs' gradients,
    /// not their weights').
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="trainedLayerCount"/> is negative or above the layer count.</exception>
    /// <exception cref="ArgumentException">Nothing would train.</exception>
    public BertTrainingScope(BertConfiguration configuration, int trainedLayerCount, bool trainEmbeddings)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentOutOfRangeException.ThrowIfNegative(trainedLayerCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(trainedLayerCount, configuration.LayerCount);
        if (trainedLayerCount == 0 && !trainEmbeddings)
        {
            throw new ArgumentException("Nothing would train: no layer and not the embeddings.", nameof(trainedLayerCount));
        }

        LayerCount = configuration.LayerCount;
        TrainedLayerCount = trainedLayerCount;
        TrainEmbeddings = trainEmbeddings;
    }

    /// <summary>Gets the encoder's layer count.</summary>
    public int LayerCount { get; }

    /// <summary>Gets how many layers, counted from the top, train.</summary>
    public int TrainedLayerCount { get; }

    /// <summary>Gets a value indicating whether the embeddings and their LayerNorm train.</summary>
    public bool TrainEmbeddings { get; }

    /// <summary>Gets the lowest layer whose weights train (<see cref="LayerCount"/> when none does).</summary>
    public int LowestTrainedLayer => LayerCount - TrainedLayerCount;

    /// <summary>Gets the lowest layer the backward pass reaches: 0 when the embeddings train.</summary>
    public int LowestBackwardLayer => TrainEmbeddings ? 0 : LowestTrainedLayer;

    /// <summary>Creates the scope where everything trains.</summary>
    public static BertTrainingScope All(BertConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new BertTrainingScope(configuration, configuration.LayerCount, trainEmbeddings: true);
    }

    /// <summary>Gets a value indicating whether layer <paramref name="layer"/>'s weights train.</summary>
    public bool TrainsLayer(int layer) => layer >= LowestTrainedLayer;

    /// <summary>
    /// Lists the parameters that train, paired with their names, in <see cref="BertWeights.Parameters"/>'s order.
    /// </summary>
    public IEnumerable<(string Name, float[] Values)> TrainedParameters(BertWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        foreach ((string name, float[] values) in weights.Parameters())
        {
            if (name.StartsWith("embeddings.", StringComparison.Ordinal) ? TrainEmbeddings : TrainsLayer(LayerOf(name)))
            {
                yield return (name, values);
            }
        }
    }

    private static int LayerOf(string name)
    {
        // "encoder.layer.<n>.…"
        int start = "encoder.layer.".Length;
        int end = name.IndexOf('.', start);
        return int.Parse(name.AsSpan(start, end - start), System.Globalization.CultureInfo.InvariantCulture);
    }
}
