using Microsoft.Extensions.AI;

namespace EmbedClassify;

/// <summary>
/// Identifies the embedding model whose vectors a saved classifier holds: the provider's name, the model's id and the
/// vector length. A saved model is loaded only for the same identity, because vectors from different models are not
/// comparable.
/// </summary>
/// <remarks>
/// The identity deliberately holds no endpoint, key or other credential, so that it can be written into a model file.
/// Loading compares <see cref="ProviderName"/> and <see cref="ModelId"/> case-insensitively (ordinal) and
/// <see cref="Dimensions"/> exactly.
/// </remarks>
public sealed record ModelIdentity
{
    /// <summary>
    /// Initializes a new instance of the <see cref="ModelIdentity"/> class.
    /// </summary>
    /// <param name="providerName">The embedding provider's name, for example <c>openai</c>.</param>
    /// <param name="modelId">The embedding model's id, for example <c>text-embedding-3-small</c>.</param>
    /// <param name="dimensions">The length of the model's vectors.</param>
    /// <exception cref="ArgumentNullException"><paramref name="providerName"/> or <paramref name="modelId"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="providerName"/> or <paramref name="modelId"/> is empty or white space.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimensions"/> is less than 1.</exception>
    public ModelIdentity(string providerName, string modelId, int dimensions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        ProviderName = providerName;
        ModelId = modelId;
        Dimensions = dimensions;
    }

    /// <summary>Gets the embedding provider's name.</summary>
    public string ProviderName { get; }

    /// <summary>Gets the embedding model's id.</summary>
    public string ModelId { get; }

    /// <summary>Gets the length of the model's vectors.</summary>
    public int Dimensions { get; }

    /// <summary>
    /// Creates the identity of the model that an embedding generator describes in its metadata. Only the provider's name,
    /// the model's id and the vector length are taken; the provider's URI is not.
    /// </summary>
    /// <param name="metadata">The generator's metadata, as returned by <c>generator.GetService&lt;EmbeddingGeneratorMetadata&gt;()</c>.</param>
    /// <param name="dimensions">The length of the vectors the generator produces.</param>
    /// <returns>The identity.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="metadata"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="metadata"/> names no provider or no default model, or declares a default vector length other than
    /// <paramref name="dimensions"/>.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimensions"/> is less than 1.</exception>
    public static ModelIdentity FromMetadata(EmbeddingGeneratorMetadata metadata, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        if (string.IsNullOrWhiteSpace(metadata.ProviderName) || string.IsNullOrWhiteSpace(metadata.DefaultModelId))
        {
            throw new ArgumentException(
                "The generator's metadata names no provider or no default model, so a saved model could not be checked against it.",
                nameof(metadata));
        }

        if (metadata.DefaultModelDimensions is { } declared && declared != dimensions)
        {
            throw new ArgumentException(
                $"The generator's metadata declares {declared}-dimensional vectors but the classifier holds {dimensions}-dimensional ones.",
                nameof(metadata));
        }

        return new ModelIdentity(metadata.ProviderName, metadata.DefaultModelId, dimensions);
    }

    /// <summary>Returns the identity as <c>provider/model (N dimensions)</c>.</summary>
    /// <returns>A string that describes the identity.</returns>
    public override string ToString() => $"{ProviderName}/{ModelId} ({Dimensions} dimensions)";

    /// <summary>Returns whether vectors of this identity and of <paramref name="other"/> are comparable.</summary>
    internal bool IsCompatibleWith(ModelIdentity other) =>
        string.Equals(ProviderName, other.ProviderName, StringComparison.OrdinalIgnoreCase)
        && string.Equals(ModelId, other.ModelId, StringComparison.OrdinalIgnoreCase)
        && Dimensions == other.Dimensions;
}
