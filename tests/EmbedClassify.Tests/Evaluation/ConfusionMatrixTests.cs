namespace EmbedClassify.Tests.Evaluation;

public class ConfusionMatrixTests
{
    [Test]
    public void Metrics_MatchHandComputedValues()
    {
        // spam: 3 actual, 2 caught; ham: 2 actual, 1 flagged as spam.
        var matrix = new ConfusionMatrix(
            ["spam", "ham"],
            ["spam", "spam", "spam", "ham", "ham"],
            ["spam", "spam", "ham", "spam", "ham"]);

        IReadOnlyList<ClassMetrics> metrics = matrix.ClassMetrics();

        Assert.Multiple(() =>
        {
            Assert.That(matrix["spam", "ham"], Is.EqualTo(1));
            Assert.That(matrix["ham", "spam"], Is.EqualTo(1));
            Assert.That(matrix.Total, Is.EqualTo(5));
            Assert.That(matrix.Accuracy, Is.EqualTo(0.6).Within(1e-12));
            Assert.That(metrics[0], Is.EqualTo(new ClassMetrics("spam", 2 / 3.0, 2 / 3.0, 2 / 3.0, 3)));
            Assert.That(metrics[1].Precision, Is.EqualTo(0.5).Within(1e-12));
            Assert.That(metrics[1].Recall, Is.EqualTo(0.5).Within(1e-12));
            Assert.That(matrix.MacroF1, Is.EqualTo(((2 / 3.0) + 0.5) / 2).Within(1e-12));
        });
    }

    [Test]
    public void Metrics_AreZeroRatherThanNaN_ForAClassNeverPredicted()
    {
        var matrix = new ConfusionMatrix(["a", "b"], ["a", "b"], ["a", "a"]);

        ClassMetrics b = matrix.ClassMetrics()[1];

        Assert.That((b.Precision, b.Recall, b.F1), Is.EqualTo((0.0, 0.0, 0.0)));
    }

    [Test]
    public void Constructor_RejectsUnknownLabelsAndMismatchedLengths() =>
        Assert.Multiple(() =>
        {
            Assert.That(() => new ConfusionMatrix(["a", "b"], ["a", "c"], ["a", "a"]), Throws.ArgumentException.With.Property("ParamName").EqualTo("actual"));
            Assert.That(() => new ConfusionMatrix(["a", "b"], ["a", "b"], ["a"]), Throws.ArgumentException.With.Property("ParamName").EqualTo("predicted"));
            Assert.That(() => new ConfusionMatrix(["a"], ["a"], ["a"])["a", "z"], Throws.ArgumentException.With.Property("ParamName").EqualTo("predicted"));
        });
}
