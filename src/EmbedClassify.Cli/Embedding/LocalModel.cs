using EmbedClassify.Onnx;
using EmbedClassify.Onnx.ArcticXs;

namespace EmbedClassify.Cli.Embedding;

/// <summary>
/// A local embedding model the tool can embed with: its name on the command line, the identity a model file records for
/// it, and how to create it.
/// </summary>
/// <remarks>
/// The tool always creates a model with its default settings, so a file names it by its plain id: a file saved by the
/// library with other settings (an id with a suffix such as <c>-int8</c>) is not one of these.
/// </remarks>
internal sealed class LocalModel
{
    public static readonly LocalModel MiniLM = new("minilm", OnnxEmbeddingGenerator.DefaultModelId, static () => OnnxEmbeddingGenerator.CreateDefault());

    public static readonly LocalModel ArcticXs = new("arctic-xs", ArcticXsEmbeddingGenerator.ModelId, static () => ArcticXsEmbeddingGenerator.Create());

    /// <summary>Every model the tool knows, by command-line name.</summary>
    public static readonly IReadOnlyList<LocalModel> All = [MiniLM, ArcticXs];

    private readonly Func<OnnxEmbeddingGenerator> _create;

    private LocalModel(string name, string modelId, Func<OnnxEmbeddingGenerator> create)
    {
        Name = name;
        ModelId = modelId;
        _create = create;
    }

    /// <summary>Gets the model's name in <c>--model</c>.</summary>
    public string Name { get; }

    /// <summary>Gets the model id its vectors and model files carry (the provider is always <see cref="OnnxEmbeddingGenerator.ProviderName"/>).</summary>
    public string ModelId { get; }

    /// <summary>Whether <paramref name="identity"/> is this model as the tool creates it.</summary>
    public bool Is(ModelIdentity identity) =>
        string.Equals(identity.ProviderName, OnnxEmbeddingGenerator.ProviderName, StringComparison.Ordinal)
        && string.Equals(identity.ModelId, ModelId, StringComparison.Ordinal);

    /// <summary>Creates each model, in order; the caller owns them.</summary>
    /// <remarks>Loading a model can fail (a missing resource, ONNX Runtime); those created before it are disposed then.</remarks>
    public static List<OnnxEmbeddingGenerator> CreateAll(IEnumerable<LocalModel> models)
    {
        var created = new List<OnnxEmbeddingGenerator>();
        try
        {
            foreach (LocalModel model in models)
            {
                created.Add(model._create());
            }

            return created;
        }
        catch
        {
            created.ForEach(m => m.Dispose());
            throw;
        }
    }
}
