using System.Numerics.Tensors;

namespace EmbedClassify.Tests.Classification;

/// <summary>
/// The word view as it was before it became sparse: a dense term × class table, kept here as the reference the sparse
/// view must match to the bit (same terms, same order of additions).
/// </summary>
internal sealed class DenseWordView
{
    private readonly int _classCount;
    private readonly Dictionary<string, int> _terms = new(StringComparer.Ordinal);
    private readonly float[] _idf;
    private readonly float _unseen;
    private readonly double[] _sums;
    private readonly double[] _squaredNorms;
    private readonly TermVector[] _examples;
    private readonly int[] _classes;
    private readonly int[] _classCounts;
    private float[] _centroids;

    public DenseWordView(string[] texts, int[] classes, int classCount)
    {
        _classCount = classCount;
        _classes = classes;
        Dictionary<string, int>[] counts = [.. texts.Select(WordView.Count)];
        var df = new List<int>();
        foreach (Dictionary<string, int> document in counts)
        {
            foreach (string term in document.Keys)
            {
                if (_terms.TryGetValue(term, out int index))
                {
                    df[index]++;
                }
                else
                {
                    _terms.Add(term, df.Count);
                    df.Add(1);
                }
            }
        }

        int n = texts.Length;
        _idf = [.. df.Select(d => (float)(Math.Log((1.0 + n) / (1.0 + d)) + 1))];
        _unseen = (float)(Math.Log(1.0 + n) + 1);
        _examples = [.. counts.Select(Weigh)];
        _sums = new double[_terms.Count * classCount];
        _classCounts = new int[classCount];
        for (int i = 0; i < n; i++)
        {
            _classCounts[classes[i]]++;
            for (int k = 0; k < _examples[i].Terms.Length; k++)
            {
                _sums[(_examples[i].Terms[k] * classCount) + classes[i]] += _examples[i].Weights[k];
            }
        }

        _squaredNorms = SquaredNorms(_sums);
        _centroids = Unit(_sums, _squaredNorms);
    }

    public TermVector Vectorize(string text) => Weigh(WordView.Count(text));

    public void Score(string text, Span<float> scores)
    {
        TermVector v = Vectorize(text);
        scores.Clear();
        for (int k = 0; k < v.Terms.Length; k++)
        {
            for (int c = 0; c < _classCount; c++)
            {
                scores[c] += v.Weights[k] * _centroids[(v.Terms[k] * _classCount) + c];
            }
        }
    }

    public void Refine(TermVector[] texts, float[] classWeights)
    {
        var sums = (double[])_sums.Clone();
        for (int i = 0; i < texts.Length; i++)
        {
            for (int k = 0; k < texts[i].Terms.Length; k++)
            {
                for (int c = 0; c < _classCount; c++)
                {
                    sums[(texts[i].Terms[k] * _classCount) + c] += classWeights[(i * _classCount) + c] * texts[i].Weights[k];
                }
            }
        }

        _centroids = Unit(sums, SquaredNorms(sums));
    }

    public float[][] LeaveOneOut()
    {
        var rows = new List<float[]>();
        for (int i = 0; i < _examples.Length; i++)
        {
            int own = _classes[i];
            if (_classCounts[own] < 2)
            {
                continue;
            }

            var dots = new double[_classCount];
            double self = 0;
            for (int k = 0; k < _examples[i].Terms.Length; k++)
            {
                float w = _examples[i].Weights[k];
                self += (double)w * w;
                for (int c = 0; c < _classCount; c++)
                {
                    dots[c] += w * _sums[(_examples[i].Terms[k] * _classCount) + c];
                }
            }

            var row = new float[_classCount];
            for (int c = 0; c < _classCount; c++)
            {
                (double dot, double norm) = c == own ? (dots[c] - self, _squaredNorms[c] - (2 * dots[c]) + self) : (dots[c], _squaredNorms[c]);
                row[c] = norm > 1e-12 ? (float)(dot / Math.Sqrt(norm)) : 0;
            }

            rows.Add(row);
        }

        return [.. rows];
    }

    private double[] SquaredNorms(double[] sums)
    {
        var norms = new double[_classCount];
        for (int j = 0; j < sums.Length; j++)
        {
            norms[j % _classCount] += sums[j] * sums[j];
        }

        return norms;
    }

    private float[] Unit(double[] sums, double[] norms)
    {
        double[] inverse = [.. norms.Select(s => s > 0 ? 1 / Math.Sqrt(s) : 0)];
        var centroids = new float[sums.Length];
        for (int j = 0; j < sums.Length; j++)
        {
            centroids[j] = (float)(sums[j] * inverse[j % _classCount]);
        }

        return centroids;
    }

    private TermVector Weigh(Dictionary<string, int> counts)
    {
        var terms = new List<int>();
        var weights = new List<float>();
        double squares = 0;
        foreach ((string term, int count) in counts)
        {
            bool known = _terms.TryGetValue(term, out int index);
            float weight = (float)(1 + Math.Log(count)) * (known ? _idf[index] : _unseen);
            squares += (double)weight * weight;
            if (known)
            {
                terms.Add(index);
                weights.Add(weight);
            }
        }

        float[] unit = [.. weights];
        if (squares > 0)
        {
            TensorPrimitives.Multiply(unit, (float)(1 / Math.Sqrt(squares)), unit);
        }

        return new TermVector([.. terms], unit);
    }
}
