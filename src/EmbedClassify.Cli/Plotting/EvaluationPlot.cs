using EmbedClassify;
using ScottPlot;
using SkiaSharp;

namespace EmbedClassify.Cli.Plotting;

/// <summary>
/// Draws the evaluation figure of <c>eval --plot</c>: one PNG with two panels side by side — the
/// examples and class centroids projected to 2-D by PCA, and the confusion matrix as a heatmap.
/// </summary>
/// <remarks>
/// The output is deterministic: the same inputs give the same bytes (no randomness, a fixed
/// <see cref="Width"/> × <see cref="Height"/> size, and a font embedded in the tool).
/// </remarks>
internal static class EvaluationPlot
{
    /// <summary>The width of the image, in pixels.</summary>
    public const int Width = 1200;

    /// <summary>The height of the image, in pixels.</summary>
    public const int Height = 600;

    private const int MaxLabelLength = 18;

    /// <summary>Saves the evaluation figure as a PNG.</summary>
    /// <param name="path">The file to write (created or overwritten).</param>
    /// <param name="examples">The examples to draw, e.g. the evaluated inputs with their true labels.</param>
    /// <param name="model">The classifier; its <see cref="EmbeddingClassifier.Labels"/> fix the class order and colours.</param>
    /// <param name="confusion">The confusion matrix to draw (rows actual, columns predicted).</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or white space, <paramref name="examples"/> is empty, or the examples' vectors differ in length.</exception>
    public static void Save(string path, IReadOnlyList<LabeledEmbedding> examples, EmbeddingClassifier model, ConfusionMatrix confusion)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(confusion);
        if (examples.Count == 0)
        {
            throw new ArgumentException("At least one example is needed to draw.", nameof(examples));
        }

        EmbeddedFont.EnsureRegistered();
        Plot scatter = CreateScatter(examples, model);
        Plot heatmap = CreateConfusionHeatmap(confusion);

        // Each panel is rendered on its own surface, then both are drawn side by side on the figure.
        using var surface = SKSurface.Create(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        surface.Canvas.Clear(SKColors.White);
        DrawPanel(surface.Canvas, scatter, 0);
        DrawPanel(surface.Canvas, heatmap, Width / 2);
        surface.Canvas.Flush();

        using SKImage image = surface.Snapshot();
        using SKData png = image.Encode(SKEncodedImageFormat.Png, 100);
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        using FileStream file = File.Create(path);
        png.SaveTo(file);
    }

    private static void DrawPanel(SKCanvas canvas, Plot plot, int left)
    {
        using var panel = SKSurface.Create(new SKImageInfo(Width / 2, Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        panel.Canvas.Clear(SKColors.White);
        plot.Render(panel);
        panel.Canvas.Flush();
        using SKImage image = panel.Snapshot();
        canvas.DrawImage(image, left, 0);
    }

    private static void StyleAxes(Plot plot)
    {
        plot.Axes.Title.Label.FontSize = 17;
        plot.Axes.Bottom.Label.FontSize = 15;
        plot.Axes.Left.Label.FontSize = 15;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 13;
        plot.Axes.Left.TickLabelStyle.FontSize = 13;
    }

    /// <summary>Gets the classes to draw: the model's labels in order, then any other example labels in ordinal order.</summary>
    internal static IReadOnlyList<string> ClassOrder(IReadOnlyList<LabeledEmbedding> examples, EmbeddingClassifier model)
    {
        var labels = new List<string>(model.Labels);
        var known = new HashSet<string>(labels, StringComparer.Ordinal);
        labels.AddRange(examples.Select(e => e.Label).Where(known.Add).Order(StringComparer.Ordinal));
        return labels;
    }

    /// <summary>Normalizes a vector to unit length (a zero vector stays zero).</summary>
    internal static float[] Normalize(ReadOnlySpan<float> vector)
    {
        double sum = 0;
        foreach (float value in vector)
        {
            sum += (double)value * value;
        }

        var normalized = new float[vector.Length];
        if (sum > 0)
        {
            double scale = 1 / Math.Sqrt(sum);
            for (int i = 0; i < vector.Length; i++)
            {
                normalized[i] = (float)(vector[i] * scale);
            }
        }

        return normalized;
    }

    private static Plot CreateScatter(IReadOnlyList<LabeledEmbedding> examples, EmbeddingClassifier model)
    {
        ReadOnlyMemory<float>[] normalized = [.. examples.Select(e => (ReadOnlyMemory<float>)Normalize(e.Vector.Span))];
        PrincipalComponents2D pca = PrincipalComponents2D.Fit(normalized);
        IReadOnlyList<string> classes = ClassOrder(examples, model);
        var palette = new ScottPlot.Palettes.Category10();

        var plot = new Plot();
        plot.Font.Set(EmbeddedFont.Name);
        plot.Title($"Examples and centroids (PCA, {pca.ExplainedVariance:P0} of variance)");
        plot.XLabel("Component 1");
        plot.YLabel("Component 2");
        StyleAxes(plot);

        var centroids = new List<(string Label, double X, double Y, Color Color)>();
        for (int c = 0; c < classes.Count; c++)
        {
            int[] members = [.. Enumerable.Range(0, examples.Count).Where(i => string.Equals(examples[i].Label, classes[c], StringComparison.Ordinal))];
            if (members.Length == 0)
            {
                continue;
            }

            Color color = palette.GetColor(c);
            double[] xs = new double[members.Length];
            double[] ys = new double[members.Length];
            var sum = new float[pca.Dimensions];
            for (int m = 0; m < members.Length; m++)
            {
                ReadOnlySpan<float> vector = normalized[members[m]].Span;
                (xs[m], ys[m]) = pca.Project(vector);
                for (int d = 0; d < sum.Length; d++)
                {
                    sum[d] += vector[d];
                }
            }

            var points = plot.Add.Scatter(xs, ys);
            points.LineWidth = 0;
            points.MarkerShape = MarkerShape.FilledCircle;
            points.MarkerSize = 7;
            points.Color = color.WithAlpha(0.55);
            points.LegendText = Shorten(classes[c]);

            (double cx, double cy) = pca.Project(Normalize(sum));
            centroids.Add((classes[c], cx, cy, color));
        }

        // Centroids last, so they are drawn on top of every class's points.
        foreach ((string label, double x, double y, Color color) in centroids)
        {
            var marker = plot.Add.Marker(x, y, MarkerShape.FilledDiamond, 22, color);
            marker.MarkerLineColor = Colors.Black;
            marker.MarkerLineWidth = 1.5f;

            var text = plot.Add.Text(Shorten(label), x, y);
            text.LabelFontName = EmbeddedFont.Name;
            text.LabelFontSize = 14;
            text.LabelBold = true;
            text.LabelFontColor = Colors.Black;
            text.LabelBackgroundColor = Colors.White.WithAlpha(0.8);
            text.LabelBorderColor = color;
            text.LabelBorderWidth = 1;
            text.LabelPadding = 3;
            text.LabelAlignment = Alignment.LowerCenter;
            text.LabelOffsetY = -14;
        }

        plot.ShowLegend(Alignment.UpperRight);
        plot.Axes.Margins(0.12, 0.15);
        return plot;
    }

    private static Plot CreateConfusionHeatmap(ConfusionMatrix confusion)
    {
        IReadOnlyList<string> labels = confusion.Labels;
        int n = labels.Count;
        int max = 0;
        foreach (string actual in labels)
        {
            foreach (string predicted in labels)
            {
                max = Math.Max(max, confusion[actual, predicted]);
            }
        }

        var colormap = new ScottPlot.Colormaps.Blues();
        var plot = new Plot();
        plot.Font.Set(EmbeddedFont.Name);
        plot.Title($"Confusion matrix (accuracy {confusion.Accuracy:P1}, n = {confusion.Total})");
        plot.XLabel("Predicted");
        plot.YLabel("Actual");
        StyleAxes(plot);

        for (int row = 0; row < n; row++)
        {
            for (int column = 0; column < n; column++)
            {
                int count = confusion[labels[row], labels[column]];
                double share = max == 0 ? 0 : count / (double)max;

                // Row 0 at the top: actual class `row` spans y in [n - row - 1, n - row].
                double bottom = n - row - 1;
                var cell = plot.Add.Rectangle(column, column + 1, bottom, bottom + 1);
                // Blues runs from dark to light; stopping at a mid blue keeps the black counts readable in every cell.
                cell.FillColor = colormap.GetColor(0.95 - (0.55 * share));
                cell.LineColor = Colors.White;
                cell.LineWidth = 2;

                var text = plot.Add.Text(count.ToString(System.Globalization.CultureInfo.InvariantCulture), column + 0.5, bottom + 0.5);
                text.LabelFontName = EmbeddedFont.Name;
                text.LabelFontSize = n <= 6 ? 22 : n <= 12 ? 14 : 9;
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontColor = Colors.Black;
            }
        }

        double[] positions = [.. Enumerable.Range(0, n).Select(i => i + 0.5)];
        string[] columnLabels = [.. labels.Select(Shorten)];
        string[] rowLabels = [.. Enumerable.Range(0, n).Select(i => Shorten(labels[n - 1 - i]))];
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, columnLabels);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, rowLabels);
        plot.Axes.SetLimits(0, Math.Max(1, n), 0, Math.Max(1, n));
        plot.HideGrid();
        return plot;
    }

    private static string Shorten(string label) =>
        label.Length <= MaxLabelLength ? label : string.Concat(label.AsSpan(0, MaxLabelLength - 1), "…");
}
