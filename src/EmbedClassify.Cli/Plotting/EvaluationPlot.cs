using EmbedClassify;
using ScottPlot;
using SkiaSharp;

namespace EmbedClassify.Cli.Plotting;

/// <summary>
/// Draws the evaluation figure of <c>eval --plot</c>: one PNG with two panels side by side — the
/// examples and class centroids projected to 2-D by PCA, and the confusion matrix as a heatmap.
/// </summary>
/// <remarks>
/// The output is deterministic: the same inputs give the same bytes (no randomness, a size that depends only on the
/// number of classes, see <see cref="SizeFor"/>, and a font embedded in the tool). Up to 20 classes differ by colour;
/// beyond, by colour and marker shape. The legend sits outside the data, the predicted labels under the matrix are
/// rotated so they never overlap, and centroid names are placed where they stay inside the frame.
/// </remarks>
internal static class EvaluationPlot
{
    /// <summary>The width of the examples panel, in pixels (its legend is drawn inside it, right of the data).</summary>
    public const int ScatterWidth = 780;

    /// <summary>The height of the image for up to <see cref="DistinctColors"/> classes, in pixels.</summary>
    public const int BaseHeight = 640;

    /// <summary>The number of classes told apart by colour alone; beyond it, classes also differ by marker shape.</summary>
    public const int DistinctColors = 20;

    // Beyond 20 classes the rows of the matrix and the legend need this many more pixels per class.
    private const int PixelsPerExtraClass = 20;

    // Centroid names are drawn next to their markers up to this many classes; beyond, the legend alone names them.
    private const int MaxCentroidLabels = 20;

    // The matrix shows counts in its cells up to this many classes.
    private const int MaxCountedClasses = 30;

    private static readonly ScottPlot.Palettes.Category20 Category20 = new();

    private static readonly MarkerShape[] Shapes = [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledTriangleDown];

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
        IReadOnlyList<string> classes = ClassOrder(examples, model);
        (int width, int height) = SizeFor(Math.Max(classes.Count, confusion.Labels.Count));
        Plot scatter = CreateScatter(examples, classes, height);
        Plot heatmap = CreateConfusionHeatmap(confusion);

        // Each panel is rendered on its own surface, then both are drawn side by side on the figure.
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        surface.Canvas.Clear(SKColors.White);
        DrawPanel(surface.Canvas, scatter, 0, ScatterWidth, height);
        DrawPanel(surface.Canvas, heatmap, ScatterWidth, width - ScatterWidth, height);
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

    /// <summary>Gets the size of the figure for <paramref name="classCount"/> classes: taller beyond 20 classes, so that every
    /// row of the matrix and every legend entry keeps a readable height; the matrix panel stays square.</summary>
    internal static (int Width, int Height) SizeFor(int classCount)
    {
        int height = BaseHeight + (Math.Max(0, classCount - DistinctColors) * PixelsPerExtraClass);
        return (ScatterWidth + height, height);
    }

    private static void DrawPanel(SKCanvas canvas, Plot plot, int left, int width, int height)
    {
        using var panel = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
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

    private static Plot CreateScatter(IReadOnlyList<LabeledEmbedding> examples, IReadOnlyList<string> classes, int height)
    {
        ReadOnlyMemory<float>[] normalized = [.. examples.Select(e => (ReadOnlyMemory<float>)Normalize(e.Vector.Span))];
        PrincipalComponents2D pca = PrincipalComponents2D.Fit(normalized);
        var plot = new Plot();
        plot.Font.Set(EmbeddedFont.Name);
        plot.Title($"Examples and centroids (PCA, {pca.ExplainedVariance:P0} of variance)");
        plot.XLabel("Component 1");
        plot.YLabel("Component 2");
        StyleAxes(plot);

        var centroids = new List<(string Label, double X, double Y, Color Color)>();
        double minX = double.MaxValue, maxX = double.MinValue, minY = double.MaxValue, maxY = double.MinValue;
        for (int c = 0; c < classes.Count; c++)
        {
            int[] members = [.. Enumerable.Range(0, examples.Count).Where(i => string.Equals(examples[i].Label, classes[c], StringComparison.Ordinal))];
            if (members.Length == 0)
            {
                continue;
            }

            (Color color, MarkerShape shape) = ClassStyle(c);
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
            points.MarkerShape = shape;
            points.MarkerSize = 7;
            points.Color = color.WithAlpha(0.6);
            points.LegendText = Shorten(classes[c]);

            (double cx, double cy) = pca.Project(Normalize(sum));
            centroids.Add((classes[c], cx, cy, color));
            minX = Math.Min(minX, Math.Min(cx, xs.Min()));
            maxX = Math.Max(maxX, Math.Max(cx, xs.Max()));
            minY = Math.Min(minY, Math.Min(cy, ys.Min()));
            maxY = Math.Max(maxY, Math.Max(cy, ys.Max()));
        }

        // Centroids last, so they are drawn on top of every class's points.
        foreach ((_, double x, double y, Color color) in centroids)
        {
            var marker = plot.Add.Marker(x, y, MarkerShape.FilledDiamond, 20, color);
            marker.MarkerLineColor = Colors.Black;
            marker.MarkerLineWidth = 1.5f;
        }

        // Outside the data, right of it, so it hides no point; one column fits 40 classes at this font size.
        plot.ShowLegend(Edge.Right);
        plot.Legend.Alignment = Alignment.UpperLeft;
        plot.Legend.FontName = EmbeddedFont.Name;
        plot.Legend.FontSize = classes.Count <= DistinctColors ? 13 : 11;
        double spanX = Math.Max(maxX - minX, 1e-9);
        double spanY = Math.Max(maxY - minY, 1e-9);
        plot.Axes.SetLimits(minX - (0.05 * spanX), maxX + (0.05 * spanX), minY - (0.05 * spanY), maxY + (0.05 * spanY));
        if (centroids.Count <= MaxCentroidLabels)
        {
            LabelCentroids(plot, centroids, height);
        }

        return plot;
    }

    /// <summary>
    /// Names each centroid next to its marker, at the first of sixteen places around it (near ones first) where the name
    /// lies wholly inside the data area and covers neither another name nor a centroid marker. A centroid with no such
    /// place stays unnamed: the legend names it, and overlapping names would be unreadable.
    /// </summary>
    private static void LabelCentroids(Plot plot, List<(string Label, double X, double Y, Color Color)> centroids, int height)
    {
        const float FontSize = 14;
        const float Padding = 3;
        const float Marker = 12;

        // One render gives the layout (where the data area is), so names can be placed in pixels.
        plot.RenderInMemory(ScatterWidth, height);
        PixelRect area = plot.RenderManager.LastRender.DataRect;
        Pixel[] markers = [.. centroids.Select(c => plot.GetPixel(new Coordinates(c.X, c.Y)))];
        // Every centroid marker is an obstacle from the start; each placed name becomes one.
        var taken = new List<PixelRect>(markers.Select(m => new PixelRect(m.X - Marker, m.X + Marker, m.Y + Marker, m.Y - Marker)));
        using Paint paint = Paint.NewDisposablePaint();
        for (int c = 0; c < centroids.Count; c++)
        {
            (string label, double x, double y, Color color) = centroids[c];
            string name = Shorten(label);
            var style = new LabelStyle { Text = name, FontName = EmbeddedFont.Name, FontSize = FontSize, Bold = true };
            PixelSize size = style.Measure(paint).Size;
            float w = size.Width + (2 * Padding);
            float h = size.Height + (2 * Padding);
            Pixel at = markers[c];
            Place? chosen = null;
            foreach (float gap in (float[])[13, 30])
            {
                Place[] places =
                [
                    new(0, -gap, Alignment.LowerCenter, new PixelRect(at.X - (w / 2), at.X + (w / 2), at.Y - gap, at.Y - gap - h)),
                    new(0, gap, Alignment.UpperCenter, new PixelRect(at.X - (w / 2), at.X + (w / 2), at.Y + gap + h, at.Y + gap)),
                    new(gap, 0, Alignment.MiddleLeft, new PixelRect(at.X + gap, at.X + gap + w, at.Y + (h / 2), at.Y - (h / 2))),
                    new(-gap, 0, Alignment.MiddleRight, new PixelRect(at.X - gap - w, at.X - gap, at.Y + (h / 2), at.Y - (h / 2))),
                    new(gap, -gap, Alignment.LowerLeft, new PixelRect(at.X + gap, at.X + gap + w, at.Y - gap, at.Y - gap - h)),
                    new(-gap, -gap, Alignment.LowerRight, new PixelRect(at.X - gap - w, at.X - gap, at.Y - gap, at.Y - gap - h)),
                    new(gap, gap, Alignment.UpperLeft, new PixelRect(at.X + gap, at.X + gap + w, at.Y + gap + h, at.Y + gap)),
                    new(-gap, gap, Alignment.UpperRight, new PixelRect(at.X - gap - w, at.X - gap, at.Y + gap + h, at.Y + gap)),
                ];

                // The centroid's own marker (obstacle c) is next to every place by construction, so it is not checked.
                chosen = places.FirstOrDefault(p => Inside(p.Box, area) && !taken.Where((_, i) => i != c).Any(t => Overlaps(p.Box, t)));
                if (chosen is not null)
                {
                    break;
                }
            }

            if (chosen is not { } place)
            {
                continue;
            }

            taken.Add(place.Box);
            var text = plot.Add.Text(name, x, y);
            text.LabelFontName = EmbeddedFont.Name;
            text.LabelFontSize = FontSize;
            text.LabelBold = true;
            text.LabelFontColor = Colors.Black;
            text.LabelBackgroundColor = Colors.White.WithAlpha(0.85);
            text.LabelBorderColor = color;
            text.LabelBorderWidth = 1;
            text.LabelPadding = Padding;
            text.LabelAlignment = place.Alignment;
            text.LabelOffsetX = place.Dx;
            text.LabelOffsetY = place.Dy;
        }
    }

    /// <summary>
    /// Gets the colour and marker shape of the class at <paramref name="index"/>. Category20 pairs each of ten hues with
    /// a light tint (blue, light blue, orange…): the ten hues go first so that up to ten classes get ten different
    /// hues, then the tints; past 20 classes the colours repeat with another marker shape.
    /// </summary>
    internal static (Color Color, MarkerShape Shape) ClassStyle(int index)
    {
        int slot = index % DistinctColors;
        Color color = Category20.GetColor(slot < 10 ? 2 * slot : (2 * (slot - 10)) + 1);
        return (color, Shapes[index / DistinctColors % Shapes.Length]);
    }

    private static bool Inside(PixelRect box, PixelRect area) =>
        box.Left >= area.Left && box.Right <= area.Right && box.Top >= area.Top && box.Bottom <= area.Bottom;

    private static bool Overlaps(PixelRect a, PixelRect b) =>
        a.Left < b.Right && b.Left < a.Right && a.Top < b.Bottom && b.Top < a.Bottom;

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

                // Past 30 classes a cell is too small for a count: the shade shows it, and the text report has the numbers.
                if (n <= MaxCountedClasses)
                {
                    var text = plot.Add.Text(count.ToString(System.Globalization.CultureInfo.InvariantCulture), column + 0.5, bottom + 0.5);
                    text.LabelFontName = EmbeddedFont.Name;
                    text.LabelFontSize = n <= 6 ? 22 : n <= 12 ? 14 : n <= 20 ? 10 : 8;
                    text.LabelAlignment = Alignment.MiddleCenter;
                    text.LabelFontColor = Colors.Black;
                }
            }
        }

        double[] positions = [.. Enumerable.Range(0, n).Select(i => i + 0.5)];
        string[] columnLabels = [.. labels.Select(Shorten)];
        string[] rowLabels = [.. Enumerable.Range(0, n).Select(i => Shorten(labels[n - 1 - i]))];
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, columnLabels);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, rowLabels);
        float tickFont = n <= DistinctColors ? 13 : 11;
        plot.Axes.Bottom.TickLabelStyle.FontSize = tickFont;
        plot.Axes.Left.TickLabelStyle.FontSize = tickFont;

        // The predicted labels are turned 45 degrees, each ending at its column, so that neighbours never overlap, and
        // the axis is made tall enough for the longest of them (its width times sin 45 degrees, plus the tick and a margin).
        plot.Axes.Bottom.TickLabelStyle.Rotation = -45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
        // Rotated about its right end, a label's top corner would rise onto the tick mark: it is moved down clear of it.
        plot.Axes.Bottom.TickLabelStyle.OffsetY = tickFont / 2;
        using Paint paint = Paint.NewDisposablePaint();
        float longest = columnLabels.Max(label =>
            new LabelStyle { Text = label, FontName = EmbeddedFont.Name, FontSize = tickFont }.Measure(paint).Size.Width);
        plot.Axes.Bottom.MinimumSize = (longest * 0.72f) + 40;
        plot.Axes.Left.MinimumSize = (longest * 0.72f) + 10;
        plot.Axes.SetLimits(0, Math.Max(1, n), 0, Math.Max(1, n));
        plot.HideGrid();
        return plot;
    }

    private static string Shorten(string label) =>
        label.Length <= MaxLabelLength ? label : string.Concat(label.AsSpan(0, MaxLabelLength - 1), "…");

    /// <summary>A place for a centroid's name: the offset of its anchor from the marker, its alignment on the anchor, and the box it covers.</summary>
    private sealed record Place(float Dx, float Dy, Alignment Alignment, PixelRect Box);
}
