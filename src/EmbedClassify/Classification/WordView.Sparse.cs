namespace EmbedClassify;

internal sealed partial class WordView
{
    /// <summary>
    /// Sums values per term for one class at a time, over a dense scratch row that is cleared only where it was
    /// touched, so a class costs its own terms, not the vocabulary.
    /// </summary>
    private sealed class SparseAccumulator(int termCount)
    {
        private readonly double[] _values = new double[termCount];
        private readonly bool[] _touched = new bool[termCount];
        private readonly List<int> _terms = [];

        public void Add(int term, double value)
        {
            if (!_touched[term])
            {
                _touched[term] = true;
                _terms.Add(term);
            }

            _values[term] += value;
        }

        /// <summary>Appends the sums as the next class's row, terms ascending, and clears the scratch for the next class.</summary>
        public void MoveTo(ClassMajor target)
        {
            _terms.Sort();
            foreach (int term in _terms)
            {
                target.Append(term, _values[term]);
                _values[term] = 0;
                _touched[term] = false;
            }

            _terms.Clear();
            target.EndClass();
        }
    }

    /// <summary>(term, value) pairs class by class, terms ascending within a class: the order the sums are built in.</summary>
    private sealed class ClassMajor
    {
        private readonly List<int> _offsets;
        private readonly List<int> _terms = [];
        private readonly List<double> _values = [];

        public ClassMajor(int classCount)
        {
            _offsets = new List<int>(classCount + 1) { 0 };
        }

        public int ClassCount => _offsets.Count - 1;

        public void Append(int term, double value)
        {
            _terms.Add(term);
            _values.Add(value);
        }

        public void EndClass() => _offsets.Add(_terms.Count);

        /// <summary>Each class's squared length, its terms added in ascending order as a dense term-major table adds them.</summary>
        public double[] SquaredNorms()
        {
            var squaredNorms = new double[ClassCount];
            for (int c = 0; c < squaredNorms.Length; c++)
            {
                for (int p = _offsets[c]; p < _offsets[c + 1]; p++)
                {
                    squaredNorms[c] += _values[p] * _values[p];
                }
            }

            return squaredNorms;
        }

        /// <summary>Regroups the pairs by term (classes ascending within a term), the layout scoring reads.</summary>
        public (int[] Offsets, int[] Classes, double[] Values) ToTermMajor(int termCount)
        {
            var offsets = new int[termCount + 1];
            foreach (int term in _terms)
            {
                offsets[term + 1]++;
            }

            for (int t = 0; t < termCount; t++)
            {
                offsets[t + 1] += offsets[t];
            }

            int[] next = offsets[..termCount];
            var classes = new int[_terms.Count];
            var values = new double[_terms.Count];
            for (int c = 0; c < ClassCount; c++)
            {
                for (int p = _offsets[c]; p < _offsets[c + 1]; p++)
                {
                    int slot = next[_terms[p]]++;
                    classes[slot] = c;
                    values[slot] = _values[p];
                }
            }

            return (offsets, classes, values);
        }
    }

    /// <summary>Regroups term-major pairs by class: for each class, its (term, value) pairs with terms ascending.</summary>
    private static (int[] Offsets, int[] Terms, TValue[] Values) ToClassMajor<TValue>(int[] termOffsets, int[] classes, TValue[] values, int classCount)
    {
        var offsets = new int[classCount + 1];
        foreach (int c in classes)
        {
            offsets[c + 1]++;
        }

        for (int c = 0; c < classCount; c++)
        {
            offsets[c + 1] += offsets[c];
        }

        int[] next = offsets[..classCount];
        var terms = new int[classes.Length];
        var byClass = new TValue[classes.Length];
        for (int t = 0; t < termOffsets.Length - 1; t++)
        {
            for (int p = termOffsets[t]; p < termOffsets[t + 1]; p++)
            {
                int slot = next[classes[p]]++;
                terms[slot] = t;
                byClass[slot] = values[p];
            }
        }

        return (offsets, terms, byClass);
    }
}
