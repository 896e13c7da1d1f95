namespace EmbedClassify.FineTuning;

/// <summary>Where a fine-tuning run stands, reported after each optimizer step.</summary>
/// <param name="Step">Steps done so far, from 1.</param>
/// <param name="TotalSteps">Steps the run takes.</param>
/// <param name="Loss">The mean loss of the step's pairs: (cosine − target)², 0 is perfect.</param>
/// <param name="Elapsed">Time since the run started, model loading included.</param>
public sealed record FineTuningProgress(int Step, int TotalSteps, float Loss, TimeSpan Elapsed);
