using Spectre.Console;

namespace EmbedClassify.Cli.Output;

/// <summary>
/// The console that reports (tables) are written to. On a terminal it is as wide as the terminal; redirected to a file,
/// a CI log or a pipe, Spectre.Console would assume 80 columns and wrap every wide table cell by cell, so it is given
/// room for any table instead: nothing reads those files at a fixed width.
/// </summary>
internal static class ReportConsole
{
    /// <summary>The width a redirected report may take: wider than any table the tool prints.</summary>
    public const int RedirectedWidth = 4096;

    /// <summary>
    /// The width a confusion matrix is fitted into when the output is redirected: beyond it a matrix is no longer
    /// readable as a grid even though nothing wraps, so it is printed in a narrower form (see <see cref="ConfusionReport"/>).
    /// </summary>
    public const int RedirectedMatrixWidth = 200;

    private static readonly Lazy<IAnsiConsole> Standard = new(() => Create(Console.Out, Console.IsOutputRedirected));

    /// <summary>Gets the console of standard output.</summary>
    public static IAnsiConsole Out => Standard.Value;

    /// <summary>Gets the width a confusion matrix should fit into on <see cref="Out"/>.</summary>
    public static int MatrixWidth => Console.IsOutputRedirected ? RedirectedMatrixWidth : Out.Profile.Width;

    /// <summary>Creates a console on <paramref name="writer"/>; a redirected one gets no colours and room for any table.</summary>
    public static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (redirected)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }
}
