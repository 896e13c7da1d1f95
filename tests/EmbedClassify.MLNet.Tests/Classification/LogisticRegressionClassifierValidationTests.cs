namespace EmbedClassify.MLNet.Tests.Classification;

public class LogisticRegressionClassifierValidationTests
{
    private static readonly LabeledEmbedding[] Valid = [new("a", new float[] { 1, 0 }), new("b", new float[] { 0, 1 })];

    [Test]
    public void Fit_Throws_WhenExamplesIsNull() =>
        Assert.That(() => LogisticRegressionClassifier.Fit(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("examples"));

    [Test]
    public void Fit_Throws_WhenThereAreNoExamples() =>
        Assert.That(() => LogisticRegressionClassifier.Fit([]), Throws.ArgumentException.With.Property("ParamName").EqualTo("examples"));

    [Test]
    public void Fit_Throws_WhenEveryExampleHasOneLabel() =>
        Assert.That(
            () => LogisticRegressionClassifier.Fit([new("a", new float[] { 1, 0 }), new("a", new float[] { 0, 1 })]),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("examples").And.Message.Contains("two classes"));

    [TestCase(null)]
    [TestCase("")]
    [TestCase("  ")]
    public void Fit_Throws_WhenALabelIsNullOrBlank(string? label) =>
        Assert.That(
            () => LogisticRegressionClassifier.Fit([.. Valid, new(label!, new float[] { 1, 1 })]),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("examples").And.Message.Contains("examples[2]"));

    [Test]
    public void Fit_Throws_WhenDimensionsDiffer() =>
        Assert.That(
            () => LogisticRegressionClassifier.Fit([.. Valid, new("a", new float[] { 1, 0, 0 })]),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("examples").And.Message.Contains("dimensions"));

    [TestCase(float.NaN)]
    [TestCase(float.PositiveInfinity)]
    [TestCase(float.NegativeInfinity)]
    public void Fit_Throws_WhenAVectorIsNotFinite(float value) =>
        Assert.That(
            () => LogisticRegressionClassifier.Fit([.. Valid, new("a", new float[] { value, 0 })]),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("examples").And.Message.Contains("NaN or infinity"));

    [Test]
    public void Fit_Throws_WhenAVectorIsAllZeros() =>
        Assert.That(
            () => LogisticRegressionClassifier.Fit([.. Valid, new("a", new float[] { 0, 0 })]),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("examples").And.Message.Contains("zeros"));

    [Test]
    public void Fit_Throws_WhenAVectorIsEmpty() =>
        Assert.That(
            () => LogisticRegressionClassifier.Fit([new("a", ReadOnlyMemory<float>.Empty), new("b", ReadOnlyMemory<float>.Empty)]),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("examples").And.Message.Contains("empty"));

    [Test]
    public void Predict_Throws_WhenDimensionsDiffer() =>
        Assert.That(
            () => LogisticRegressionClassifier.Fit(Valid).Predict(new float[] { 1, 0, 0 }),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("embedding"));

    [TestCase(float.NaN)]
    [TestCase(float.PositiveInfinity)]
    public void Predict_Throws_WhenTheEmbeddingIsNotFinite(float value) =>
        Assert.That(
            () => LogisticRegressionClassifier.Fit(Valid).Predict(new float[] { value, 1 }),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("embedding"));

    [Test]
    public void Score_Throws_WhenTheDestinationHasTheWrongLength() =>
        Assert.That(
            () => LogisticRegressionClassifier.Fit(Valid).Score(new float[] { 1, 0 }, new float[3]),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("probabilities"));

    [Test]
    public void PredictBatch_Throws_WhenEmbeddingsIsNull() =>
        Assert.That(
            () => LogisticRegressionClassifier.Fit(Valid).PredictBatch(null!),
            Throws.ArgumentNullException.With.Property("ParamName").EqualTo("embeddings"));

    [Test]
    public void PredictBatch_Throws_NamingTheBadItem() =>
        Assert.That(
            () => LogisticRegressionClassifier.Fit(Valid).PredictBatch([new float[] { 1, 0 }, new float[] { float.NaN, 0 }]),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("embeddings").And.Message.Contains("embeddings[1]"));

    [Test]
    public void Predict_AcceptsAnAllZeroEmbedding()
    {
        Prediction prediction = LogisticRegressionClassifier.Fit(Valid, new LogisticRegressionOptions { CenterOnTrainingMean = false }).Predict(new float[] { 0, 0 });

        Assert.That(prediction.Scores.Sum(s => s.Score), Is.EqualTo(1).Within(1e-5));
    }
}
