namespace EmbedClassify.FineTuning;

/// <summary>
/// The gradient of the loss for every parameter (a <see cref="BertWeights"/> of the same shape), plus which
/// word-embedding rows hold a gradient, so that clearing between steps and the optimizer touch only those rows
/// instead of the whole vocabulary table (30522 × 384 floats for MiniLM).
/// </summary>
internal sealed class BertGradients
{
    private readonly bool[] _touched;
    private readonly List<int> _touchedRows = [];

    /// <summary>Creates zero gradients shaped by <paramref name="configuration"/>.</summary>
    public BertGradients(BertConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Values = new BertWeights(configuration);
        _touched = new bool[configuration.VocabularySize];
    }

    /// <summary>Gets the gradients, laid out as the weights they belong to.</summary>
    public BertWeights Values { get; }

    /// <summary>Gets the word-embedding rows with a gradient since the last <see cref="Clear"/>, in first-touch order.</summary>
    public IReadOnlyList<int> TouchedWordRows => _touchedRows;

    /// <summary>Records that word-embedding row <paramref name="row"/> receives a gradient.</summary>
    public void TouchWordRow(int row)
    {
        if (!_touched[row])
        {
            _touched[row] = true;
            _touchedRows.Add(row);
        }
    }

    /// <summary>Sets every gradient to zero, writing only the _touched rows of the word-embedding table.</summary>
    public void Clear()
    {
        int hidden = Values.Configuration.HiddenSize;
        foreach (int row in _touchedRows)
        {
            Values.WordEmbeddings.AsSpan(row * hidden, hidden).Clear();
            _touched[row] = false;
        }

        _touchedRows.Clear();
        foreach ((string _, float[] values) in Values.Parameters())
        {
            if (!ReferenceEquals(values, Values.WordEmbeddings))
            {
                Array.Clear(values);
            }
        }
    }
}
