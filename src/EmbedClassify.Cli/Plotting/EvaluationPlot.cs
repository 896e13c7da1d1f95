using EmbedClassify;

namespace EmbedClassify.Cli.Plotting;

/// <summary>Draws the evaluation figure: examples and centroids in 2-D, and the confusion matrix.</summary>
internal static class EvaluationPlot
{
    /// <summary>Saves the evaluation figure as a PNG.</summary>
    public static void Save(string path, IReadOnlyList<LabeledEmbedding> examples, EmbeddingClassifier model, ConfusionMatrix confusion)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(confusion);
        throw new NotImplementedException();
    }
}
