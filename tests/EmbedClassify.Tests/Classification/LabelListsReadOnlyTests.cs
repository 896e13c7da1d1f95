using EmbedClassify.Tests.TestDoubles;

namespace EmbedClassify.Tests.Classification;

/// <summary>
/// The label lists a classifier, a monitor or an evaluator hands out are read-only views: a caller who casts one to a
/// list cannot rename a class of the classifier, of what it saves, or of what a monitor counts.
/// </summary>
public class LabelListsReadOnlyTests
{
    private static readonly LabeledExample[] Examples =
    [
        new("my invoice shows a double charge", "billing"),
        new("please refund the payment", "billing"),
        new("the parcel delivery is late", "shipping"),
        new("courier lost my parcel", "shipping"),
    ];

    [Test]
    public async Task Labels_CannotBeChangedThroughACast()
    {
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(BagOfWords.Generator(), Examples);
        FewShotClassifier described = await FewShotClassifier.CreateFromDescriptionsAsync(BagOfWords.Generator(), ["billing", "shipping"]);
        using var monitor = new DriftMonitor(classifier);
        FewShotEvaluator evaluator = await FewShotEvaluator.CreateAsync(BagOfWords.Generator(), Examples);

        Assert.Multiple(async () =>
        {
            foreach (IReadOnlyList<string> labels in new[] { classifier.Labels, classifier.Model.Labels, described.DescribedOnlyLabels, monitor.Labels, evaluator.Labels })
            {
                Assert.That(labels, Is.Not.InstanceOf<string[]>());
                Assert.That(() => ((IList<string>)labels)[0] = "renamed", Throws.TypeOf<NotSupportedException>());
            }

            Assert.That(classifier.Labels, Is.EqualTo(new[] { "billing", "shipping" }));
            Assert.That((await classifier.PredictAsync("refund my payment")).Label, Is.EqualTo("billing"));
        });
    }
}
