namespace EmbedClassify;

/// <summary>Everything an <see cref="EmbeddingClassifier"/> holds, as plain arrays, so that a file can carry it.</summary>
/// <remarks>
/// When there is no center, <see cref="Examples"/> is <see cref="InputExamples"/> (the fitted rule compares against the
/// normalized inputs themselves), and a file stores that matrix once.
/// </remarks>
internal sealed record ModelState(
    string[] Labels,
    int Dimensions,
    float[] InputExamples,
    float[] InputUnlabeled,
    int[] ExampleClasses,
    float[]? Center,
    float[] Examples,
    float[] Prototypes,
    int[] PrototypeClasses,
    FewShotClassifierOptions Options,
    float[] NoneExamples);
