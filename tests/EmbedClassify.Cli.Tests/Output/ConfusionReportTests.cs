using System.Globalization;
using EmbedClassify.Cli.Output;

namespace EmbedClassify.Cli.Tests.Output;

public class ConfusionReportTests
{
    internal static readonly string[] FourteenLabels =
        ["act", "animal", "artifact", "attribute", "body", "cognition", "communication", "event", "feeling", "food", "group", "location", "object", "person"];

    [Test]
    public void Write_Redirected_FourteenClasses_PrintsFullLabelsAndIntactCounts()
    {
        ConfusionMatrix matrix = Matrix(FourteenLabels, seed: 1);

        string output = Render(matrix, ReportConsole.RedirectedMatrixWidth);

        Assert.That(ConfusionReport.Choose(matrix, ReportConsole.RedirectedMatrixWidth), Is.EqualTo(ConfusionReport.Layout.FullLabels));
        string[][] rows = Rows(output);
        Assert.That(rows[0].Skip(1), Is.EqualTo(FourteenLabels), "the header names every class in full, one cell each");
        AssertGrid(rows.Skip(1).ToArray(), matrix, i => FourteenLabels[i]);
    }

    [Test]
    public void Write_NarrowTerminal_NumbersTheColumns_AndKeepsRowLabelsWhole()
    {
        ConfusionMatrix matrix = Matrix(FourteenLabels, seed: 2);

        string output = Render(matrix, 120);

        Assert.That(ConfusionReport.Choose(matrix, 120), Is.EqualTo(ConfusionReport.Layout.Numbered));
        string[][] rows = Rows(output);
        Assert.That(rows[0].Skip(1), Is.EqualTo(Enumerable.Range(1, 14).Select(i => i.ToString(CultureInfo.InvariantCulture))));
        AssertGrid(rows.Skip(1).ToArray(), matrix, i => $"{i + 1} {FourteenLabels[i]}");
        Assert.That(output.Split('\n').Max(l => l.TrimEnd().Length), Is.LessThanOrEqualTo(120));
        Assert.That(output, Does.Contain("numbered as the rows"));
    }

    [Test]
    public void Write_FortyClasses_ListsTheMostFrequentConfusions_WhenNoGridFits()
    {
        string[] labels = [.. Enumerable.Range(0, 40).Select(i => $"category number {i}")];
        ConfusionMatrix matrix = Matrix(labels, seed: 3);

        string output = Render(matrix, ReportConsole.RedirectedMatrixWidth);

        Assert.That(ConfusionReport.Choose(matrix, ReportConsole.RedirectedMatrixWidth), Is.EqualTo(ConfusionReport.Layout.TopConfusions));
        (string actual, string predicted, int count) top = labels.SelectMany(a => labels.Where(p => p != a).Select(p => (a, p, matrix[a, p])))
            .OrderByDescending(x => x.Item3).ThenBy(x => x.a, StringComparer.Ordinal).First();
        string[][] rows = Rows(output);
        Assert.That(rows, Has.Length.EqualTo(1 + ConfusionReport.TopConfusions));
        Assert.That(rows[1][..3], Is.EqualTo(new[] { top.actual, top.predicted, top.count.ToString(CultureInfo.InvariantCulture) }));
        Assert.That(rows.Skip(1).Select(r => int.Parse(r[2], CultureInfo.InvariantCulture)), Is.Ordered.Descending);
    }

    [Test]
    public void Choose_FallsBackInOrder_AsTheWidthShrinks()
    {
        ConfusionMatrix matrix = Matrix(FourteenLabels, seed: 4);

        ConfusionReport.Layout[] layouts = [.. new[] { 400, 200, 120, 60 }.Select(w => ConfusionReport.Choose(matrix, w))];

        Assert.That(layouts, Is.EqualTo(new[] { ConfusionReport.Layout.FullLabels, ConfusionReport.Layout.FullLabels, ConfusionReport.Layout.Numbered, ConfusionReport.Layout.TopConfusions }));
    }

    /// <summary>A matrix with counts up to four digits, mostly on the diagonal, from a seeded draw.</summary>
    internal static ConfusionMatrix Matrix(string[] labels, int seed)
    {
        var random = new Random(seed);
        var actual = new List<string>();
        var predicted = new List<string>();
        for (int a = 0; a < labels.Length; a++)
        {
            for (int i = 0; i < 1200; i++)
            {
                actual.Add(labels[a]);
                predicted.Add(random.NextDouble() < 0.7 ? labels[a] : labels[random.Next(labels.Length)]);
            }
        }

        return new ConfusionMatrix(labels, actual, predicted);
    }

    private static string Render(ConfusionMatrix matrix, int width)
    {
        using var writer = new StringWriter();
        ConfusionReport.Write(ReportConsole.Create(writer, redirected: true), matrix, width);
        return writer.ToString();
    }

    /// <summary>The cells of every table line that has them (header and body), trimmed.</summary>
    internal static string[][] Rows(string output) =>
        [.. output.Split('\n').Where(l => l.StartsWith('│')).Select(l => l.Trim().Trim('│').Split('│').Select(c => c.Trim()).ToArray())];

    internal static void AssertGrid(string[][] body, ConfusionMatrix matrix, Func<int, string> rowHeader)
    {
        IReadOnlyList<string> labels = matrix.Labels;
        Assert.That(body, Has.Length.EqualTo(labels.Count), "one line per class: nothing wrapped");
        for (int i = 0; i < labels.Count; i++)
        {
            Assert.That(body[i][0], Is.EqualTo(rowHeader(i)));
            Assert.That(body[i].Skip(1), Is.EqualTo(labels.Select(p => matrix[labels[i], p].ToString(CultureInfo.InvariantCulture))), $"row {labels[i]}");
        }
    }
}
