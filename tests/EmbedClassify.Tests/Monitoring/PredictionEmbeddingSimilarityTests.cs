using EmbedClassify.Tests.TestDoubles;

namespace EmbedClassify.Tests.Monitoring;

/// <summary>The seam the drift monitor reads: <see cref="Prediction.EmbeddingSimilarity"/>, set by both classifiers.</summary>
public class PredictionEmbeddingSimilarityTests
{
    [Test]
    public async Task FewShotClassifierPredictions_CarryTheCosineToThePredictedClasssExampleMean()
    {
        var world = new SyntheticClasses(classCount: 3, examplesPerClass: 4);
        var random = new Random(21);
        float[][] vectors = [.. Enumerable.Range(0, 30).Select(i => i % 2 == 0 ? world.InClass(i % 3) : Vectors.RandomDirection(SyntheticClasses.Dimensions, random))];
        var texts = vectors.Select((_, i) => $"text {i}").ToArray();
        var generator = new FakeEmbeddingGenerator(text => vectors[int.Parse(text[5..], System.Globalization.CultureInfo.InvariantCulture)]);
        var classifier = new FewShotClassifier(generator, world.Classifier.Model);

        IReadOnlyList<Prediction> batch = await classifier.PredictBatchAsync(texts);
        Prediction single = await classifier.PredictAsync(texts[1]);

        for (int i = 0; i < vectors.Length; i++)
        {
            // Not the classifier's centered score: the cosine to the examples themselves.
            double expected = Vectors.Cosine(vectors[i], world.ExampleMean(batch[i].Label));
            Assert.That(batch[i].EmbeddingSimilarity, Is.EqualTo(expected).Within(1e-5), $"text {i}");
        }

        Assert.That(batch.Select(p => p.EmbeddingSimilarity), Is.Not.EqualTo(batch.Select(p => (float?)p.Score)));

        Assert.That(single.EmbeddingSimilarity, Is.EqualTo(batch[1].EmbeddingSimilarity));
    }

    [Test]
    public void EmbeddingClassifierPredictions_LeaveTheSimilarityOut()
    {
        var world = new SyntheticClasses(classCount: 3, examplesPerClass: 4);

        Prediction prediction = world.Classifier.Model.Predict(world.InClass(1));

        Assert.That(prediction.EmbeddingSimilarity, Is.Null);
    }
}
