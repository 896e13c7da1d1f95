/// <summary>Prints accuracy, per-class precision and recall, and a confusion matrix.</summary>
internal static class Report
{
    public static void Print(IReadOnlyList<string> labels, string[] actual, string[] predicted)
    {
        int correct = actual.Zip(predicted).Count(p => p.First == p.Second);
        Console.WriteLine($"  accuracy {correct / (double)actual.Length:F3} ({correct} of {actual.Length})");
        Console.WriteLine($"  {"class",-8}{"precision",10}{"recall",10}{"F1",10}{"support",10}");
        foreach (string label in labels)
        {
            int truePositives = actual.Zip(predicted).Count(p => p.First == label && p.Second == label);
            int predictedPositives = predicted.Count(p => p == label);
            int support = actual.Count(a => a == label);
            double precision = predictedPositives == 0 ? 0 : truePositives / (double)predictedPositives;
            double recall = support == 0 ? 0 : truePositives / (double)support;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            Console.WriteLine($"  {label,-8}{precision,10:F3}{recall,10:F3}{f1,10:F3}{support,10}");
        }

        Console.WriteLine("  confusion matrix (rows: actual, columns: predicted)");
        Console.WriteLine($"  {"",-8}{string.Concat(labels.Select(l => $"{l,8}"))}");
        foreach (string row in labels)
        {
            Console.WriteLine($"  {row,-8}{string.Concat(labels.Select(column => $"{actual.Zip(predicted).Count(p => p.First == row && p.Second == column),8}"))}");
        }
    }

    public static string Shorten(string text, int length)
    {
        string flat = text.ReplaceLineEndings(" ");
        return flat.Length <= length ? flat : string.Concat(flat.AsSpan(0, length - 1), "…");
    }
}
