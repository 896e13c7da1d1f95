using EmbedClassify.Tests.TestDoubles;

namespace EmbedClassify.Tests.Persistence;

public class ModelInfoTests
{
    private static readonly string[] Labels = ["billing", "shipping", "returns"];

    private static readonly LabeledExample[] Examples =
    [
        new("my invoice shows a double charge", "billing"),
        new("please refund the payment", "billing"),
        new("the parcel delivery is late", "shipping"),
        new("courier lost my parcel", "shipping"),
        new("I want to send the shoes back", "returns"),
        new("how do I return this jacket", "returns"),
    ];

    private static MetadataEmbeddingGenerator Generator() => new("bag-of-words", "fnv-64", BagOfWords.Dimensions);

    // One explicit description and two labels read as words, so that both sources of a description are reported.
    private static FewShotClassifierOptions Options() => new()
    {
        LabelDescriptions = new Dictionary<string, string> { ["billing"] = "invoice payment refund charge" },
    };

    [Test]
    public async Task ReadAsync_ListsTheDescribedOnlyLabelsAndTheirDescriptions_OfAClassifierFromDescriptions()
    {
        // Arrange: billing gets examples; shipping and returns still rest on their descriptions.
        FewShotClassifier zeroShot = await FewShotClassifier.CreateFromDescriptionsAsync(Generator(), Labels, Options());
        FewShotClassifier mixed = await zeroShot.AddExamplesAsync(Examples.Where(e => e.Label == "billing"));
        using var stream = new MemoryStream();
        await mixed.SaveAsync(stream);
        stream.Position = 0;

        // Act
        ModelInfo info = await ModelInfo.ReadAsync(stream);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(info.DescribedOnlyLabels, Is.EqualTo(mixed.DescribedOnlyLabels).And.EquivalentTo(new[] { "shipping", "returns" }));
            Assert.That(info.Descriptions, Is.EquivalentTo(new Dictionary<string, string>
            {
                ["billing"] = "invoice payment refund charge",
                ["shipping"] = "shipping",
                ["returns"] = "returns",
            }));
            Assert.That(info.ExampleCount, Is.EqualTo(4), "two billing examples and the two stand-ins");
        });
    }

    [Test]
    public async Task ReadAsync_ListsNoDescribedOnlyLabel_OfAClassifierFittedOnExamplesOfEveryClass()
    {
        // Arrange
        FewShotClassifier classifier = await FewShotClassifier.CreateAsync(Generator(), Examples, Options());
        using var stream = new MemoryStream();
        await classifier.SaveAsync(stream);
        stream.Position = 0;

        // Act
        ModelInfo info = await ModelInfo.ReadAsync(stream);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(info.DescribedOnlyLabels, Is.Empty);
            Assert.That(info.Descriptions.Keys, Is.EquivalentTo(Labels), "descriptions are priors here, not stand-ins");
        });
    }

    [Test]
    public void Read_ListsNoDescriptions_OfASchemaOneFile()
    {
        // Arrange
        EmbeddingClassifier model = EmbeddingClassifier.Fit(Examples.Select(e => new LabeledEmbedding(e.Label, BagOfWords.Embed(e.Text))));
        string directory = Directory.CreateTempSubdirectory("embedclassify-").FullName;
        try
        {
            string path = Path.Combine(directory, "v1.ecm");
            model.Save(path, new ModelIdentity("bag-of-words", "fnv-64", BagOfWords.Dimensions));

            // Act
            ModelInfo info = ModelInfo.Read(path);

            // Assert
            Assert.Multiple(() =>
            {
                Assert.That(info.SchemaVersion, Is.EqualTo(1));
                Assert.That(info.DescribedOnlyLabels, Is.Empty);
                Assert.That(info.Descriptions, Is.Empty);
            });
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
