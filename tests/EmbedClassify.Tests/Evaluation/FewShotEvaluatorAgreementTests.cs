using EmbedClassify.Tests.TestDoubles;

namespace EmbedClassify.Tests.Evaluation;

/// <summary>
/// <see cref="FewShotEvaluator"/> measures the classifier users get: its leave-one-out answers are those of
/// <see cref="FewShotClassifier.CreateAsync(Microsoft.Extensions.AI.IEmbeddingGenerator{string, Microsoft.Extensions.AI.Embedding{float}}, IEnumerable{LabeledExample}, FewShotClassifierOptions?, CancellationToken)"/>
/// fitted on the other examples.
/// </summary>
public class FewShotEvaluatorAgreementTests
{
    private static readonly LabeledExample[] Dataset =
    [
        new("My invoice shows a double charge", "billing"),
        new("I was billed twice this month", "billing"),
        new("Refund the extra payment, please", "billing"),
        new("How do I update my credit card", "billing"),
        new("The app crashes when I open settings", "bug"),
        new("The login button does nothing", "bug"),
        new("Error 500 when saving a file", "bug"),
        new("The page freezes after an upload", "bug"),
        new("Please add a dark mode", "feature"),
        new("Could you support exporting to PDF", "feature"),
        new("I would love a calendar integration", "feature"),
        new("Add keyboard shortcuts, please", "feature"),
    ];

    public static IEnumerable<TestCaseData> Configurations()
    {
        yield return new TestCaseData(new FewShotClassifierOptions()).SetArgDisplayNames("Defaults");
        yield return new TestCaseData(new FewShotClassifierOptions { WordWeight = 0 }).SetArgDisplayNames("WordWeight0");
        yield return new TestCaseData(new FewShotClassifierOptions { LabelNamesAsDescriptions = false }).SetArgDisplayNames("NoLabelNames");
        var described = new FewShotClassifierOptions();
        described.LabelDescriptions["bug"] = "the app crashes, freezes or shows an error";
        yield return new TestCaseData(described).SetArgDisplayNames("ExplicitDescriptions");
        yield return new TestCaseData(new FewShotClassifierOptions { Strategy = ClassificationStrategy.KNearestNeighbors }).SetArgDisplayNames("KNearestNeighbors");
        yield return new TestCaseData(new FewShotClassifierOptions { CenterEmbeddings = false }).SetArgDisplayNames("NoCenter");
    }

    [TestCaseSource(nameof(Configurations))]
    public async Task LeaveOneOutAsync_GivesTheAnswersOfClassifiersCreatedOnTheOtherExamples(FewShotClassifierOptions options)
    {
        // Arrange
        var generator = BagOfWords.Generator();
        FewShotEvaluator evaluator = await FewShotEvaluator.CreateAsync(generator, Dataset);
        var predicted = new List<string>();
        for (int held = 0; held < Dataset.Length; held++)
        {
            FewShotClassifier classifier = await FewShotClassifier.CreateAsync(generator, Dataset.Where((_, i) => i != held), options);
            predicted.Add((await classifier.PredictAsync(Dataset[held].Text)).Label);
        }

        var expected = new ConfusionMatrix(evaluator.Labels, [.. Dataset.Select(e => e.Label)], predicted);

        // Act
        EvaluationReport report = await evaluator.LeaveOneOutAsync(options);

        // Assert
        ConfusionMatrix matrix = report.ConfusionMatrix;
        Assert.Multiple(() =>
        {
            Assert.That(matrix.Total, Is.EqualTo(Dataset.Length));
            Assert.That(expected.Accuracy, Is.GreaterThan(0.3).And.LessThan(1), "some answers are wrong, so agreeing on them means something");
            foreach (string actual in evaluator.Labels)
            {
                foreach (string label in evaluator.Labels)
                {
                    Assert.That(matrix[actual, label], Is.EqualTo(expected[actual, label]), $"actual {actual}, predicted {label}");
                }
            }
        });
    }
}
