using EmbedClassify.Onnx.Quantizer;

namespace EmbedClassify.Onnx.Tests;

/// <summary>The weight arithmetic of the build step (build/EmbedClassify.Onnx.Quantizer).</summary>
public class WeightQuantizerTests
{
    [TestCase(true, 127)]
    [TestCase(false, 127)]
    [TestCase(true, 63)]
    public void Quantize_ReconstructsEachWeight_WithinHalfAStep(bool perColumn, int maxLevel)
    {
        const int Rows = 37, Columns = 11;
        var random = new Random(7);
        float[] weights = [.. Enumerable.Range(0, Rows * Columns).Select(i => (float)(random.NextDouble() - 0.5) * (1 + (i % Columns)))];

        QuantizedWeight quantized = WeightQuantizer.Quantize(weights, Rows, Columns, perColumn, maxLevel);

        Assert.Multiple(() =>
        {
            Assert.That(quantized.Scales, Has.Length.EqualTo(perColumn ? Columns : 1));
            for (int r = 0; r < Rows; r++)
            {
                for (int c = 0; c < Columns; c++)
                {
                    float scale = quantized.Scales[perColumn ? c : 0];
                    sbyte level = quantized.Values[(r * Columns) + c];
                    Assert.That(Math.Abs((int)level), Is.LessThanOrEqualTo(maxLevel));
                    Assert.That(level * scale, Is.EqualTo(weights[(r * Columns) + c]).Within((scale / 2) + 1e-6f), $"[{r}, {c}]");
                }
            }
        });
    }

    [Test]
    public void Quantize_MapsEachColumnsLargestMagnitude_ToTheTopLevel_PerColumn()
    {
        float[] weights = [0.5f, -4f, -0.25f, 2f]; // 2 × 2: column maxima 0.5 and 4

        QuantizedWeight quantized = WeightQuantizer.Quantize(weights, rows: 2, columns: 2, perColumn: true, maxLevel: 127);

        Assert.Multiple(() =>
        {
            Assert.That(quantized.Scales, Is.EqualTo(new[] { 0.5f / 127, 4f / 127 }));
            Assert.That(quantized.Values, Is.EqualTo(new sbyte[] { 127, -127, -64, 64 }));
        });
    }

    [Test]
    public void Quantize_KeepsAnAllZeroColumn_AtZero_WithAFiniteScale()
    {
        float[] weights = [0f, 1f, 0f, -1f];

        QuantizedWeight quantized = WeightQuantizer.Quantize(weights, rows: 2, columns: 2, perColumn: true, maxLevel: 127);

        Assert.Multiple(() =>
        {
            Assert.That(quantized.Scales[0], Is.EqualTo(1f));
            Assert.That(quantized.Values[0], Is.Zero);
            Assert.That(quantized.Values[2], Is.Zero);
        });
    }

    [Test]
    public void Quantize_Throws_WhenTheShapeDoesNotMatchTheData()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => WeightQuantizer.Quantize(new float[5], rows: 2, columns: 2, perColumn: true, maxLevel: 127));

        Assert.That(ex!.ParamName, Is.EqualTo("weights"));
    }
}
