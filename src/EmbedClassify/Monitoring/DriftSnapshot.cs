namespace EmbedClassify;

/// <summary>
/// Represents a <see cref="DriftMonitor"/>'s statistics over its window at one moment, with the thresholds they are
/// checked against. A statistic that cannot be computed yet is <see cref="double.NaN"/>.
/// </summary>
/// <param name="WindowCount">The number of predictions in the window (at most <see cref="DriftMonitorOptions.WindowSize"/>).</param>
/// <param name="TotalCount">The number of predictions observed since the monitor was created.</param>
/// <param name="UnknownShare">The share of the window's predictions flagged <see cref="Prediction.IsUnknown"/>.</param>
/// <param name="UnknownShareThreshold">The share above which <see cref="DriftSignal.UnknownShare"/> is raised; <see cref="double.NaN"/> when the classifier does not detect unknown texts or until the baseline window is full.</param>
/// <param name="MeanConfidence">The mean of the window's <see cref="Prediction.Score"/> (the calibrated probability of the predicted class).</param>
/// <param name="MeanConfidenceThreshold">The mean below which <see cref="DriftSignal.Confidence"/> is raised; <see cref="double.NaN"/> until the baseline window is full.</param>
/// <param name="ClassMixDistance">
/// The total-variation distance between the window's predicted-class mix and the examples' class mix: half the sum over
/// classes of the absolute difference of the shares, 0 for the same mix, 1 for disjoint ones. Published, not checked:
/// production's class mix usually differs from the examples' by design (a few examples per class).
/// </param>
/// <param name="BaselineClassMixDistance">The total-variation distance between the window's predicted-class mix and the baseline window's; <see cref="double.NaN"/> until the baseline window is full.</param>
/// <param name="ClassMixChiSquare">
/// The two-sample chi-square statistic of the window's class counts against the baseline window's (what
/// <see cref="DriftSignal.ClassMix"/> checks); <see cref="double.NaN"/> until the baseline window is full.
/// </param>
/// <param name="ClassMixChiSquareThreshold">The statistic above which <see cref="DriftSignal.ClassMix"/> is raised; <see cref="double.NaN"/> until the baseline window is full.</param>
/// <param name="MeanSimilarity">The mean of the window's <see cref="Prediction.EmbeddingSimilarity"/>.</param>
/// <param name="SimilarityShift">
/// The mean over the window of each prediction's <see cref="Prediction.EmbeddingSimilarity"/> minus the mean
/// leave-one-out similarity of its predicted class's examples, in units of the examples' standard deviation: about 0
/// or above for texts like the examples, negative for texts farther from every class. <see cref="double.NaN"/> when no
/// prediction carried a similarity, or when no class has two examples to hold one out.
/// </param>
/// <param name="SimilarityShiftThreshold">The shift below which <see cref="DriftSignal.Similarity"/> is raised.</param>
public readonly record struct DriftSnapshot(
    int WindowCount,
    long TotalCount,
    double UnknownShare,
    double UnknownShareThreshold,
    double MeanConfidence,
    double MeanConfidenceThreshold,
    double ClassMixDistance,
    double BaselineClassMixDistance,
    double ClassMixChiSquare,
    double ClassMixChiSquareThreshold,
    double MeanSimilarity,
    double SimilarityShift,
    double SimilarityShiftThreshold);
