namespace EmbedClassify;

/// <summary>
/// Represents the result of evaluating one method at one number of examples per class over repeated random draws.
/// </summary>
/// <remarks>Instances are immutable.</remarks>
public sealed class EvaluationReport
{
    internal EvaluationReport(string method, int examplesPerClass, IReadOnlyList<ConfusionMatrix> draws, IReadOnlyList<string> labels)
    {
        Method = method;
        ExamplesPerClass = examplesPerClass;
        Accuracies = [.. draws.Select(d => d.Accuracy)];
        Accuracy = Estimate.Of(Accuracies);
        MacroF1 = Estimate.Of([.. draws.Select(d => d.MacroF1)]);
        ConfusionMatrix = ConfusionMatrix.Sum(labels, draws);
        Classes = ConfusionMatrix.ClassMetrics();
    }

    /// <summary>Gets the name of the evaluated method.</summary>
    public string Method { get; }

    /// <summary>Gets the number of training examples drawn per class, or 0 for leave-one-out.</summary>
    public int ExamplesPerClass { get; }

    /// <summary>Gets the accuracy of each draw, in draw order.</summary>
    public IReadOnlyList<double> Accuracies { get; }

    /// <summary>Gets the accuracy: its mean over the draws and the 95% confidence interval of that mean.</summary>
    public Estimate Accuracy { get; }

    /// <summary>Gets the macro-averaged F1 (every class weighs the same): mean over the draws and 95% interval.</summary>
    public Estimate MacroF1 { get; }

    /// <summary>Gets precision, recall and F1 per class, computed from <see cref="ConfusionMatrix"/> (all draws pooled).</summary>
    public IReadOnlyList<ClassMetrics> Classes { get; }

    /// <summary>Gets the confusion matrix summed over all draws.</summary>
    public ConfusionMatrix ConfusionMatrix { get; }
}
