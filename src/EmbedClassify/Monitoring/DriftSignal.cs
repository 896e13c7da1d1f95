namespace EmbedClassify;

/// <summary>Names the statistic of a <see cref="DriftMonitor"/> that crossed its threshold.</summary>
public enum DriftSignal
{
    /// <summary>
    /// Recent texts are farther from their nearest class than the examples are from theirs: the mean of
    /// <see cref="Prediction.EmbeddingSimilarity"/>, standardized by the examples' leave-one-out similarities, fell
    /// below its threshold (<see cref="DriftSnapshot.SimilarityShift"/>).
    /// </summary>
    Similarity,

    /// <summary>More recent texts are flagged <see cref="Prediction.IsUnknown"/> than in the baseline window (<see cref="DriftSnapshot.UnknownShare"/>).</summary>
    UnknownShare,

    /// <summary>The mean calibrated confidence (<see cref="Prediction.Score"/>) fell below the baseline window's (<see cref="DriftSnapshot.MeanConfidence"/>).</summary>
    Confidence,

    /// <summary>The mix of predicted classes moved away from the baseline window's (<see cref="DriftSnapshot.ClassMixChiSquare"/>).</summary>
    ClassMix,
}
