namespace EmbedClassify.Cli.Data;

/// <summary>
/// A text to classify, the 1-based number of the input line it came from, and the input's size in bytes up to the end
/// of that line (counting one byte per line break), which measures progress through a file.
/// </summary>
internal readonly record struct InputLine(long Number, string Text, long End);
