using System.Globalization;
using Spectre.Console;

namespace EmbedClassify.Cli.Output;

/// <summary>
/// Prints a confusion matrix in the most complete form that fits the width: a grid headed by the full labels; else a
/// grid whose columns are numbered like its rows (the row headers are the legend); else, when even that would not
/// fit, the most frequent confusions as a list. A label is never cut and a count never split across lines.
/// </summary>
internal static class ConfusionReport
{
    /// <summary>How many confusions the list form shows.</summary>
    public const int TopConfusions = 20;

    private const string Corner = "actual \\ predicted";

    /// <summary>The forms the matrix can take, most complete first.</summary>
    public enum Layout
    {
        /// <summary>Columns headed by the full labels.</summary>
        FullLabels,

        /// <summary>Columns headed by the rows' numbers.</summary>
        Numbered,

        /// <summary>The largest off-diagonal counts as a list.</summary>
        TopConfusions,
    }

    /// <summary>Chooses the most complete form of <paramref name="matrix"/> that is at most <paramref name="width"/> columns wide.</summary>
    public static Layout Choose(ConfusionMatrix matrix, int width)
    {
        IReadOnlyList<string> labels = matrix.Labels;
        int countWidth = labels.Max(actual => labels.Max(predicted => Digits(matrix[actual, predicted])));

        // A rounded table: one border column at the left, then per column its content, a space each side and a border.
        int full = 1 + labels.Select(l => l.Length).Append(Corner.Length).Max() + 3 + labels.Sum(l => Math.Max(l.Length, countWidth) + 3);
        if (full <= width)
        {
            return Layout.FullLabels;
        }

        int rowHeader = labels.Select((l, i) => Number(i).Length + 1 + l.Length).Append(Corner.Length).Max();
        int numbered = 1 + rowHeader + 3 + (labels.Count * (Math.Max(Number(labels.Count - 1).Length, countWidth) + 3));
        return numbered <= width ? Layout.Numbered : Layout.TopConfusions;
    }

    /// <summary>Writes <paramref name="matrix"/> to <paramref name="console"/> in the form <see cref="Choose"/> picks for <paramref name="width"/>.</summary>
    public static void Write(IAnsiConsole console, ConfusionMatrix matrix, int width)
    {
        switch (Choose(matrix, width))
        {
            case Layout.FullLabels:
                console.Write(Grid(matrix, numbered: false));
                break;
            case Layout.Numbered:
                console.Write(Grid(matrix, numbered: true));
                console.WriteLine("Columns are the predicted classes, numbered as the rows.");
                break;
            default:
                console.Write(Confusions(matrix));
                break;
        }
    }

    private static Table Grid(ConfusionMatrix matrix, bool numbered)
    {
        IReadOnlyList<string> labels = matrix.Labels;
        var table = new Table().Border(TableBorder.Rounded).Title("Confusion matrix").AddColumn(new TableColumn(Corner).NoWrap());
        for (int i = 0; i < labels.Count; i++)
        {
            table.AddColumn(new TableColumn(Markup.Escape(numbered ? Number(i) : labels[i])).RightAligned().NoWrap());
        }

        for (int i = 0; i < labels.Count; i++)
        {
            string actual = labels[i];
            string header = numbered ? $"{Number(i)} {actual}" : actual;
            table.AddRow([Markup.Escape(header), .. labels.Select(predicted => matrix[actual, predicted].ToString(CultureInfo.InvariantCulture))]);
        }

        return table;
    }

    private static Table Confusions(ConfusionMatrix matrix)
    {
        IReadOnlyList<string> labels = matrix.Labels;
        var rows = new List<(string Actual, string Predicted, int Count, double Share)>();
        foreach (string actual in labels)
        {
            int total = labels.Sum(predicted => matrix[actual, predicted]);
            foreach (string predicted in labels)
            {
                int count = matrix[actual, predicted];
                if (count > 0 && !string.Equals(actual, predicted, StringComparison.Ordinal))
                {
                    rows.Add((actual, predicted, count, count / (double)total));
                }
            }
        }

        var table = new Table().Border(TableBorder.Rounded)
            .Title(Markup.Escape($"Most frequent confusions ({labels.Count} classes: too many for a matrix at this width)"))
            .AddColumn("Actual")
            .AddColumn("Predicted as")
            .AddColumn(new TableColumn("Count").RightAligned())
            .AddColumn(new TableColumn("Share of actual").RightAligned());
        foreach ((string actual, string predicted, int count, double share) in rows.OrderByDescending(r => r.Count).ThenBy(r => r.Actual, StringComparer.Ordinal).Take(TopConfusions))
        {
            table.AddRow(
                Markup.Escape(actual),
                Markup.Escape(predicted),
                count.ToString(CultureInfo.InvariantCulture),
                share.ToString("P1", CultureInfo.InvariantCulture));
        }

        return table;
    }

    private static string Number(int index) => (index + 1).ToString(CultureInfo.InvariantCulture);

    private static int Digits(int value) => value.ToString(CultureInfo.InvariantCulture).Length;
}
