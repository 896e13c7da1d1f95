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

    [TestCase(2)]
    [TestCase(14)]
    [TestCase(40)]
    public void Save_WritesPngOfTheSizeForItsClassCount(int classCount)
    {
        (LabeledEmbedding[] examples, EmbeddingClassifier model, ConfusionMatrix confusion) = Sample(classCount);
        string path = Path.Combine(_directory, "nested", "plot.png");

        EvaluationPlot.Save(path, examples, model, confusion);

        byte[] bytes = File.ReadAllBytes(path);
        Assert.That(bytes.AsSpan(0, 8).ToArray(), Is.EqualTo(PngSignature));

        // IHDR is the first chunk: width and height are big-endian at offsets 16 and 20.
        (int width, int height) = EvaluationPlot.SizeFor(classCount);
        Assert.That(System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), Is.EqualTo(width));
        Assert.That(System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)), Is.EqualTo(height));

        // To look at the figures: EMBEDCLASSIFY_PLOT_DIR=/some/folder dotnet test --filter Save_WritesPng...
        if (Environment.GetEnvironmentVariable("EMBEDCLASSIFY_PLOT_DIR") is { Length: > 0 } keep)
        {
            Directory.CreateDirectory(keep);
            File.Copy(path, Path.Combine(keep, $"classes-{classCount}.png"), overwrite: true);
        }
    }

    [Test]
    public void ClassStyle_GivesTwentyClassesTwentyColours_TenClassesTenHues_AndFortyClassesFortyStyles()
    {
        (ScottPlot.Color Color, ScottPlot.MarkerShape Shape)[] styles = [.. Enumerable.Range(0, 40).Select(EvaluationPlot.ClassStyle)];

        Assert.Multiple(() =>
        {
            Assert.That(styles.Take(20).Select(s => s.Color).Distinct().Count(), Is.EqualTo(20));
            Assert.That(styles.Take(20).Select(s => s.Shape).Distinct().Count(), Is.EqualTo(1), "colour alone up to 20 classes");
            Assert.That(styles.Distinct().Count(), Is.EqualTo(40), "past 20 classes the shape differs");

            // The first ten are the ten hues and the next ten their light tints, so up to ten classes never get a
            // colour and its own tint (blue and light blue): each of the first ten is darker than class i + 10.
            for (int i = 0; i < 10; i++)
            {
                Assert.That(styles[i].Color.ToHSL().l, Is.LessThan(styles[i + 10].Color.ToHSL().l), $"class {i}");
            }
        });
    }

    [Test]
    public void SizeFor_GrowsOnlyPastTwentyClasses_KeepingTheMatrixPanelSquare()
    {
        Assert.Multiple(() =>
        {
            Assert.That(EvaluationPlot.SizeFor(2), Is.EqualTo(EvaluationPlot.SizeFor(20)));
            Assert.That(EvaluationPlot.SizeFor(2).Height, Is.EqualTo(EvaluationPlot.BaseHeight));
            Assert.That(EvaluationPlot.SizeFor(40).Height, Is.GreaterThan(EvaluationPlot.SizeFor(21).Height));
            Assert.That(EvaluationPlot.SizeFor(40).Width - EvaluationPlot.ScatterWidth, Is.EqualTo(EvaluationPlot.SizeFor(40).Height));
        });
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

    // Label names of the lengths people use, the longest past the 18 characters a label is drawn with.
    private static readonly string[] Names =
    [
        "ham", "spam", "promotions", "billing", "technical support", "feature request", "Smileys & Emotion", "Food & Drink",
        "noun.communication", "account and security questions", "shipping", "refunds", "praise", "complaint", "question",
        "travel & places", "legal", "sales", "partnerships", "press",
    ];

    private static (LabeledEmbedding[] Examples, EmbeddingClassifier Model, ConfusionMatrix Confusion) Sample(int classCount = 3)
    {
        var random = new Random(7);
        string[] labels = [.. Enumerable.Range(0, classCount).Select(c => c < Names.Length ? Names[c] : $"{Names[c % Names.Length]} {c / Names.Length + 1}")];
        var examples = new List<LabeledEmbedding>();
        int dimensions = Math.Max(8, classCount + 2);
        for (int c = 0; c < labels.Length; c++)
        {
            for (int i = 0; i < 12; i++)
            {
                float[] vector = [.. Enumerable.Range(0, dimensions).Select(d => (float)((d == c ? 1 : 0) + (random.NextDouble() * 0.9)))];
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
