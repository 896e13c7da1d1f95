using EmbedClassify.MLNet.Tests.TestDoubles;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace EmbedClassify.MLNet.Tests.Classification;

public class LogisticRegressionClassifierTests
{
    [TestCase(true)]
    [TestCase(false)]
    public void Predict_RecoversSeparableBlobs(bool center)
    {
        var random = new Random(1);
        List<LabeledEmbedding> training = Blobs.Labeled(classes: 3, perClass: 10, dimensions: 16, spread: 0.1, random);
        List<LabeledEmbedding> test = Blobs.Labeled(classes: 3, perClass: 30, dimensions: 16, spread: 0.1, random);

        var classifier = LogisticRegressionClassifier.Fit(training, new LogisticRegressionOptions { CenterOnTrainingMean = center });

        Assert.Multiple(() =>
        {
            Assert.That(classifier.Labels, Is.EqualTo(new[] { "c0", "c1", "c2" }));
            Assert.That(classifier.Dimensions, Is.EqualTo(16));
            Assert.That(test.Count(t => classifier.Predict(t.Vector.Span).Label == t.Label), Is.EqualTo(test.Count));
        });
    }

    [Test]
    public void Predict_ReturnsProbabilitiesThatSumToOne_AndRankLikeTheLabel()
    {
        var random = new Random(2);
        var classifier = LogisticRegressionClassifier.Fit(Blobs.Labeled(4, 5, 12, 0.6, random));

        for (int i = 0; i < 50; i++)
        {
            Prediction prediction = classifier.Predict(Blobs.RandomDirection(12, random));

            float[] scores = [.. prediction.Scores.Select(s => s.Score)];
            Assert.Multiple(() =>
            {
                Assert.That(scores.Sum(), Is.EqualTo(1).Within(1e-5));
                Assert.That(scores, Is.All.InRange(0f, 1f));
                Assert.That(prediction.Scores.Select(s => s.Label), Is.EqualTo(classifier.Labels));
                Assert.That(prediction.Score, Is.EqualTo(scores.Max()));
                Assert.That(prediction.Label, Is.EqualTo(classifier.Labels[Array.IndexOf(scores, scores.Max())]));
            });
        }
    }

    [Test]
    public void Predict_IsConfidentOnTheTrainingBlobs_AndLessSoBetweenThem()
    {
        var random = new Random(3);
        var classifier = LogisticRegressionClassifier.Fit(Blobs.Labeled(2, 10, 8, 0.1, random));

        float onBlob = classifier.Predict(Blobs.Axis(0, 8)).Score;
        float between = classifier.Predict([1, 1, 0, 0, 0, 0, 0, 0]).Score;

        Assert.Multiple(() =>
        {
            Assert.That(onBlob, Is.GreaterThan(0.9f));
            Assert.That(between, Is.LessThan(onBlob));
        });
    }

    [Test]
    public void Predict_IgnoresTheEmbeddingsLength()
    {
        var random = new Random(4);
        var classifier = LogisticRegressionClassifier.Fit(Blobs.Labeled(2, 6, 8, 0.5, random));
        float[] query = Blobs.RandomDirection(8, random);

        Prediction original = classifier.Predict(query);
        Prediction scaled = classifier.Predict([.. query.Select(x => x * 250)]);

        Assert.That(scaled.Scores.Select(s => s.Score), Is.EqualTo(original.Scores.Select(s => s.Score)).Within(1e-5));
    }

    [Test]
    public void Fit_IsDeterministic()
    {
        var random = new Random(5);
        List<LabeledEmbedding> training = Blobs.Labeled(3, 8, 16, 0.8, random);
        float[][] queries = [.. Enumerable.Range(0, 40).Select(_ => Blobs.RandomDirection(16, random))];

        string[] Run() => [.. queries.Select(q => LogisticRegressionClassifier.Fit(training).Predict(q)).Select(p => string.Join(";", p.Scores.Select(s => s.Score.ToString("R"))))];

        string[] first = Run();
        string[] second = Run();

        Assert.That(second, Is.EqualTo(first));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void Predict_AgreesWithMLNetPredictionEngine_OnRandomData(bool center)
    {
        // The classifier scores with weights it copied out of the ML.NET model; the engine scores with the model itself.
        var random = new Random(6);
        var training = new List<LabeledEmbedding>();
        for (int i = 0; i < 30; i++)
        {
            training.Add(new LabeledEmbedding($"class{random.Next(3)}", Blobs.RandomDirection(24, random)));
        }

        (LogisticRegressionClassifier classifier, ITransformer model) = LogisticRegressionClassifier.FitCore(
            training,
            new LogisticRegressionOptions { CenterOnTrainingMean = center, L2Regularization = 0.1f });
        var context = new MLContext(0);
        SchemaDefinition schema = SchemaDefinition.Create(typeof(EngineInput));
        schema[nameof(EngineInput.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 24);
        using PredictionEngine<EngineInput, EngineOutput> engine = context.Model.CreatePredictionEngine<EngineInput, EngineOutput>(model, inputSchemaDefinition: schema);

        for (int i = 0; i < 100; i++)
        {
            float[] query = Blobs.Near(new float[24], 3, random);
            float[] expected = engine.Predict(new EngineInput { Features = classifier.Transform(query) }).Score;

            float[] actual = [.. classifier.Predict(query).Scores.Select(s => s.Score)];

            Assert.That(actual, Is.EqualTo(expected).Within(1e-4), $"query {i}");
        }
    }

    [Test]
    public void PredictBatch_EqualsPredictOneByOne()
    {
        var random = new Random(7);
        var classifier = LogisticRegressionClassifier.Fit(Blobs.Labeled(3, 4, 10, 0.5, random));
        ReadOnlyMemory<float>[] queries = [.. Enumerable.Range(0, 20).Select(_ => (ReadOnlyMemory<float>)Blobs.RandomDirection(10, random))];

        IReadOnlyList<Prediction> batch = classifier.PredictBatch(queries);

        Assert.That(
            batch.Select(p => (p.Label, p.Score, Scores: string.Join(";", p.Scores))),
            Is.EqualTo(queries.Select(q => classifier.Predict(q.Span)).Select(p => (p.Label, p.Score, Scores: string.Join(";", p.Scores)))));
    }

    [Test]
    public void Predict_IsThreadSafe()
    {
        var random = new Random(8);
        var classifier = LogisticRegressionClassifier.Fit(Blobs.Labeled(3, 5, 32, 0.5, random));
        float[][] queries = [.. Enumerable.Range(0, 200).Select(_ => Blobs.RandomDirection(32, random))];
        float[] expected = [.. queries.Select(q => classifier.Predict(q).Score)];

        var actual = new float[queries.Length];
        Parallel.For(0, queries.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => actual[i] = classifier.Predict(queries[i]).Score);

        Assert.That(actual, Is.EqualTo(expected));
    }

    [Test]
    public void Score_WritesProbabilitiesWithoutAPrediction()
    {
        var random = new Random(9);
        var classifier = LogisticRegressionClassifier.Fit(Blobs.Labeled(2, 5, 6, 0.3, random));
        float[] query = Blobs.Axis(1, 6);
        var probabilities = new float[2];

        int best = classifier.Score(query, probabilities);

        Assert.Multiple(() =>
        {
            Assert.That(best, Is.EqualTo(1));
            Assert.That(probabilities, Is.EqualTo(classifier.Predict(query).Scores.Select(s => s.Score)));
        });
    }

    public sealed class EngineInput
    {
        public float[] Features { get; set; } = [];
    }

    public sealed class EngineOutput
    {
        public float[] Score { get; set; } = [];
    }
}
