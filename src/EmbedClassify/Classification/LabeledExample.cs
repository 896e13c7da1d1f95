namespace EmbedClassify;

/// <summary>
/// Represents one labelled training text.
/// </summary>
/// <param name="Text">The example text. Must not be <see langword="null"/>, empty or white space.</param>
/// <param name="Label">The class the text belongs to. Labels are compared ordinally (case-sensitive).</param>
public readonly record struct LabeledExample(string Text, string Label);
