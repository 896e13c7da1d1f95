namespace EmbedClassify;

// TEMPORARY: stands in for the perf branch's WordView additions until it is merged.
internal sealed partial class WordView
{
    public (float[][] Scores, int[] Truth) LeaveOneOutScores(int[] candidates)
    {
        (float[][] all, int[] truth) = LeaveOneOutScores();
        var rowOf = new Dictionary<int, int>();
        int row = 0;
        for (int i = 0; i < _exampleClasses.Length; i++)
        {
            if (_classCounts[_exampleClasses[i]] >= 2)
            {
                rowOf[i] = row++;
            }
        }

        return ([.. candidates.Select(i => all[rowOf[i]])], [.. candidates.Select(i => truth[rowOf[i]])]);
    }

    public int ClassCount => _classCount;

    public int TermCount => _terms.Count;

    public void WriteTo(BinaryWriter writer) => throw new NotSupportedException("until the perf branch lands");

    public static WordView ReadFrom(BinaryReader reader) => throw new NotSupportedException("until the perf branch lands");

    public WordView WithExamples(string[] texts, int[] classes, int classCount) =>
        throw new NotSupportedException("until the perf branch lands");
}
