namespace EmbedClassify.FineTuning;

/// <summary>How a fine-tuned model was trained; saved with it.</summary>
public sealed record FineTuningSummary
{
    /// <summary>Gets the id of the model that was tuned.</summary>
    public required string BaseModelId { get; init; }

    /// <summary>Gets how many labelled examples it was tuned on.</summary>
    public required int ExampleCount { get; init; }

    /// <summary>Gets how many labels the examples had.</summary>
    public required int LabelCount { get; init; }

    /// <summary>Gets how many optimizer steps ran.</summary>
    public required int Steps { get; init; }

    /// <summary>Gets R, the pair iterations per example (<see cref="FineTuningOptions.PairIterations"/>).</summary>
    public required int PairIterations { get; init; }

    /// <summary>Gets the peak learning rate.</summary>
    public required float LearningRate { get; init; }

    /// <summary>Gets the tokens read per text while training.</summary>
    public required int MaxSequenceLength { get; init; }

    /// <summary>Gets how many top layers trained; <see langword="null"/> when all of them and the embeddings did.</summary>
    public int? TrainedLayers { get; init; }

    /// <summary>Gets the seed of the pairs.</summary>
    public required int Seed { get; init; }

    /// <summary>Gets the mean loss over the first tenth of the steps.</summary>
    public required float InitialLoss { get; init; }

    /// <summary>Gets the mean loss over the last tenth of the steps.</summary>
    public required float FinalLoss { get; init; }

    /// <summary>Gets how long the training took.</summary>
    public required TimeSpan Duration { get; init; }
}
