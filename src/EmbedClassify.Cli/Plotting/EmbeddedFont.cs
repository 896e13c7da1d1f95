using ScottPlot;
using SkiaSharp;

namespace EmbedClassify.Cli.Plotting;

/// <summary>
/// Supplies the plots' font (DejaVu Sans, embedded in the tool) so text is drawn the same way on
/// every machine, including ones without any installed fonts or fontconfig.
/// </summary>
internal sealed class EmbeddedFont : IFontResolver
{
    /// <summary>The family name the plots ask for.</summary>
    public const string Name = "EmbedClassify Sans";

    private const string ResourceName = "EmbedClassify.Cli.Plotting.Fonts.DejaVuSans.ttf";

    private static readonly Lazy<byte[]> FontBytes = new(LoadBytes);
    private static readonly Lock Gate = new();
    private static bool _registered;

    private EmbeddedFont()
    {
    }

    /// <summary>Adds the resolver to ScottPlot once per process.</summary>
    public static void EnsureRegistered()
    {
        lock (Gate)
        {
            if (!_registered)
            {
                Fonts.FontResolvers.Insert(0, new EmbeddedFont());
                _registered = true;
            }
        }
    }

    /// <inheritdoc />
    public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
        string.Equals(fontName, Name, StringComparison.Ordinal) ? SKTypeface.FromData(SKData.CreateCopy(FontBytes.Value)) : null;

    /// <inheritdoc />
    public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
        CreateTypeface(fontName, bold ? FontWeight.Bold : FontWeight.Normal, italic ? FontSlant.Italic : FontSlant.Upright, FontSpacing.Normal);

    private static byte[] LoadBytes()
    {
        using Stream stream = typeof(EmbeddedFont).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded font '{ResourceName}' is missing from the tool.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
