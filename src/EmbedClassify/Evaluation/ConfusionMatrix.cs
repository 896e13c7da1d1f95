namespace EmbedClassify;

/// <summary>
/// Represents counts of (actual, predicted) label pairs.
/// </summary>
/// <remarks>Instances are immutable once returned by the library.</remarks>
public sealed class ConfusionMatrix
{
    private readonly int[] _counts;
    private readonly Dictionary<string, int> _index;

    /// <summary>
    /// Initializes a new instance of the <see cref="ConfusionMatrix"/> class from actual and predicted labels.
    /// </summary>
    /// <param name="labels">The classes, in display order; every label in <paramref name="actual"/> and <paramref name="predicted"/> must be among them.</param>
    /// <param name="actual">The true labels.</param>
    /// <param name="predicted">The predicted labels, one per true label.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The label lists differ in length, or hold a label not in <paramref name="labels"/>.</exception>
    public ConfusionMatrix(IReadOnlyList<string> labels, IReadOnlyList<string> actual, IReadOnlyList<string> predicted)
        : this(labels)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(predicted);
        if (actual.Count != predicted.Count)
        {
            throw new ArgumentException($"There are {actual.Count} actual labels but {predicted.Count} predicted ones.", nameof(predicted));
        }

        for (int i = 0; i < actual.Count; i++)
        {
            Add(IndexOf(actual[i], nameof(actual)), IndexOf(predicted[i], nameof(predicted)));
        }
    }

    private ConfusionMatrix(IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        Labels = [.. labels];
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < Labels.Count; i++)
        {
            _index[Labels[i]] = i;
        }

        _counts = new int[Labels.Count * Labels.Count];
    }

    /// <summary>Gets the classes, in row and column order.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Gets the number of counted pairs.</summary>
    public int Total { get; private set; }

    /// <summary>Gets the number of inputs of class <paramref name="actual"/> that were predicted as <paramref name="predicted"/>.</summary>
    /// <param name="actual">The true label.</param>
    /// <param name="predicted">The predicted label.</param>
    /// <returns>The count.</returns>
    /// <exception cref="ArgumentException">A label is not one of <see cref="Labels"/>.</exception>
    public int this[string actual, string predicted] =>
        _counts[(IndexOf(actual, nameof(actual)) * Labels.Count) + IndexOf(predicted, nameof(predicted))];

    /// <summary>Gets the share of inputs predicted correctly (0 for an empty matrix).</summary>
    public double Accuracy
    {
        get
        {
            int correct = 0;
            for (int c = 0; c < Labels.Count; c++)
            {
                correct += _counts[(c * Labels.Count) + c];
            }

            return Total == 0 ? 0 : correct / (double)Total;
        }
    }

    /// <summary>Computes precision, recall and F1 for every class.</summary>
    /// <returns>One entry per class, in <see cref="Labels"/> order.</returns>
    public IReadOnlyList<ClassMetrics> ClassMetrics()
    {
        var metrics = new ClassMetrics[Labels.Count];
        for (int c = 0; c < Labels.Count; c++)
        {
            int truePositives = _counts[(c * Labels.Count) + c];
            int support = 0, predictedAs = 0;
            for (int o = 0; o < Labels.Count; o++)
            {
                support += _counts[(c * Labels.Count) + o];
                predictedAs += _counts[(o * Labels.Count) + c];
            }

            double precision = predictedAs == 0 ? 0 : truePositives / (double)predictedAs;
            double recall = support == 0 ? 0 : truePositives / (double)support;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            metrics[c] = new ClassMetrics(Labels[c], precision, recall, f1, support);
        }

        return metrics;
    }

    /// <summary>Gets the unweighted mean of the classes' F1 scores, over classes that have test inputs.</summary>
    public double MacroF1
    {
        get
        {
            ClassMetrics[] present = [.. ClassMetrics().Where(m => m.Support > 0)];
            return present.Length == 0 ? 0 : present.Average(m => m.F1);
        }
    }

    /// <summary>Returns a new matrix holding the counts of both matrices.</summary>
    internal static ConfusionMatrix Sum(IReadOnlyList<string> labels, IEnumerable<ConfusionMatrix> matrices)
    {
        var sum = new ConfusionMatrix(labels);
        foreach (ConfusionMatrix m in matrices)
        {
            for (int i = 0; i < m._counts.Length; i++)
            {
                sum._counts[i] += m._counts[i];
            }

            sum.Total += m.Total;
        }

        return sum;
    }

    internal static ConfusionMatrix Empty(IReadOnlyList<string> labels) => new(labels);

    internal void Add(int actual, int predicted)
    {
        _counts[(actual * Labels.Count) + predicted]++;
        Total++;
    }

    private int IndexOf(string label, string parameterName) =>
        label is not null && _index.TryGetValue(label, out int index)
            ? index
            : throw new ArgumentException($"'{label}' is not one of the matrix's labels.", parameterName);
}
