namespace EmbedClassify.FineTuning;

/// <summary>
/// What fine-tuning gained over the frozen model on the caller's own examples, by cross-validation
/// (<see cref="FineTunedClassifier.EstimateGainAsync"/>): every example is predicted once by a classifier fitted on the
/// other folds' examples with frozen vectors and once by one fitted on a model tuned on those same examples.
/// </summary>
/// <remarks>
/// The interval is a normal 95% interval of the paired per-example difference (+1 where only the tuned classifier is
/// right, −1 where only the frozen one is, 0 otherwise). With few held-out examples it is wide: on two labels with ten
/// examples each it cannot tell a gain of a few points from none (docs/accuracy.md measures how well the estimate
/// predicts the gain on unseen texts).
/// </remarks>
public sealed record FineTuningGainEstimate
{
    /// <summary>Gets the number of folds the examples were split into.</summary>
    public required int Folds { get; init; }

    /// <summary>Gets the number of examples predicted (every example, once).</summary>
    public required int HeldOutCount { get; init; }

    /// <summary>Gets the share of held-out examples the classifier on frozen vectors labelled correctly.</summary>
    public required double FrozenAccuracy { get; init; }

    /// <summary>Gets the share of held-out examples the classifier on tuned vectors labelled correctly.</summary>
    public required double TunedAccuracy { get; init; }

    /// <summary>Gets <see cref="TunedAccuracy"/> minus <see cref="FrozenAccuracy"/>.</summary>
    public double Difference => TunedAccuracy - FrozenAccuracy;

    /// <summary>Gets the lower end of the 95% interval of <see cref="Difference"/>.</summary>
    public required double DifferenceLow { get; init; }

    /// <summary>Gets the upper end of the 95% interval of <see cref="Difference"/>.</summary>
    public required double DifferenceHigh { get; init; }

    /// <summary>Gets the summary of each fold's tuning run, in fold order.</summary>
    public required IReadOnlyList<FineTuningSummary> FoldSummaries { get; init; }
}
