using EmbedClassify.Cli.Plotting;

namespace EmbedClassify.Cli.Tests.Plotting;

public class EvaluationPlotTests
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private string _directory = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "embedclassify-plot-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void Save_WritesPngOfTheExpectedSize()
    {
        (LabeledEmbedding[] examples, EmbeddingClassifier model, ConfusionMatrix confusion) = Sample();
        string path = Path.Combine(_directory, "nested", "plot.png");

        EvaluationPlot.Save(path, examples, model, confusion);

        byte[] bytes = File.ReadAllBytes(path);
        Assert.That(bytes.AsSpan(0, 8).ToArray(), Is.EqualTo(PngSignature));

        // IHDR is the first chunk: width and height are big-endian at offsets 16 and 20.
        Assert.That(System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), Is.EqualTo(EvaluationPlot.Width));
        Assert.That(System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)), Is.EqualTo(EvaluationPlot.Height));
        Assert.That((EvaluationPlot.Width, EvaluationPlot.Height), Is.EqualTo((1200, 600)));
    }

    [Test]
    public void Save_WritesIdenticalBytes_ForIdenticalInput()
    {
        (LabeledEmbedding[] examples, EmbeddingClassifier model, ConfusionMatrix confusion) = Sample();
        string first = Path.Combine(_directory, "first.png");
        string second = Path.Combine(_directory, "second.png");

        EvaluationPlot.Save(first, examples, model, confusion);
        EvaluationPlot.Save(second, examples, model, confusion);

        Assert.That(File.ReadAllBytes(second), Is.EqualTo(File.ReadAllBytes(first)));
    }

    [Test]
    public void Save_DrawsText_WithTheEmbeddedFont()
    {
        Assert.That(new EmbeddedFontProbe().HasGlyphs(), Is.True);
    }

    [Test]
    public void Save_ThrowsForInvalidArguments()
    {
        (LabeledEmbedding[] examples, EmbeddingClassifier model, ConfusionMatrix confusion) = Sample();
        string path = Path.Combine(_directory, "plot.png");

        Assert.Multiple(() =>
        {
            Assert.That(() => EvaluationPlot.Save(null!, examples, model, confusion), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("path"));
            Assert.That(() => EvaluationPlot.Save(" ", examples, model, confusion), Throws.ArgumentException.With.Property("ParamName").EqualTo("path"));
            Assert.That(() => EvaluationPlot.Save(path, null!, model, confusion), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("examples"));
            Assert.That(() => EvaluationPlot.Save(path, [], model, confusion), Throws.ArgumentException.With.Property("ParamName").EqualTo("examples"));
            Assert.That(() => EvaluationPlot.Save(path, examples, null!, confusion), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("model"));
            Assert.That(() => EvaluationPlot.Save(path, examples, model, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("confusion"));
        });
        Assert.That(File.Exists(path), Is.False);
    }

    [Test]
    public void ClassOrder_FollowsTheModel_ThenAddsUnknownLabelsInOrdinalOrder()
    {
        (LabeledEmbedding[] examples, EmbeddingClassifier model, _) = Sample();
        LabeledEmbedding[] withExtra = [.. examples, new("zeta", new float[] { 1, 1, 1, 1 }), new("alpha", new float[] { 1, 0, 1, 0 })];

        IReadOnlyList<string> order = EvaluationPlot.ClassOrder(withExtra, model);

        Assert.That(order, Is.EqualTo(model.Labels.Concat(["alpha", "zeta"])));
    }

    private static (LabeledEmbedding[] Examples, EmbeddingClassifier Model, ConfusionMatrix Confusion) Sample()
    {
        var random = new Random(7);
        string[] labels = ["ham", "spam", "promotions"];
        var examples = new List<LabeledEmbedding>();
        for (int c = 0; c < labels.Length; c++)
        {
            for (int i = 0; i < 12; i++)
            {
                float[] vector = [.. Enumerable.Range(0, 8).Select(d => (float)((d == c ? 1 : 0) + (random.NextDouble() * 0.4)))];
                examples.Add(new LabeledEmbedding(labels[c], vector));
            }
        }

        EmbeddingClassifier model = EmbeddingClassifier.Fit(examples);
        string[] actual = [.. examples.Select(e => e.Label)];
        string[] predicted = [.. examples.Select(e => model.Predict(e.Vector.Span).Label)];
        return ([.. examples], model, new ConfusionMatrix(model.Labels, actual, predicted));
    }

    private sealed class EmbeddedFontProbe
    {
        public bool HasGlyphs()
        {
            EmbeddedFont.EnsureRegistered();
            ScottPlot.IFontResolver resolver = ScottPlot.Fonts.FontResolvers.OfType<EmbeddedFont>().Single();
            using SkiaSharp.SKTypeface? typeface = resolver.CreateTypeface(EmbeddedFont.Name, ScottPlot.FontWeight.Normal, ScottPlot.FontSlant.Upright, ScottPlot.FontSpacing.Normal);
            return typeface is not null && typeface.ContainsGlyphs("Confusion matrix 0123456789");
        }
    }
}
