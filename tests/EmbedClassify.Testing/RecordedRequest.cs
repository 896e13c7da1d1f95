namespace EmbedClassify.Testing;

/// <summary>One request the <see cref="FakeOpenAIServer"/> received.</summary>
/// <param name="Number">The 1-based arrival order over the server's lifetime.</param>
/// <param name="Path">The request path, e.g. <c>/v1/embeddings</c>.</param>
/// <param name="Inputs">The <c>input</c> texts.</param>
/// <param name="Model">The <c>model</c>.</param>
/// <param name="Dimensions">The <c>dimensions</c>, if sent.</param>
/// <param name="EncodingFormat">The <c>encoding_format</c>, if sent.</param>
/// <param name="Authorization">The <c>Authorization</c> header.</param>
public sealed record RecordedRequest(
    int Number,
    string Path,
    IReadOnlyList<string> Inputs,
    string Model,
    int? Dimensions,
    string? EncodingFormat,
    string? Authorization);
