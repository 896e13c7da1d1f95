using EmbedClassify.FineTuning;
using EmbedClassify.Onnx;
using Microsoft.Extensions.AI;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a saved fine-tuned model as the application's embedding generator.</summary>
public static class FineTunedEmbeddingGeneratorServiceCollectionExtensions
{
    /// <summary>
    /// Registers the fine-tuned model saved in <paramref name="modelDirectory"/> (by <see cref="FineTunedModel.SaveAsync"/>,
    /// or the <c>.tuned</c> folder beside a classifier that <see cref="FineTunedClassifier.SaveAsync"/> or
    /// <c>embedclassify train --fine-tune</c> wrote) as the <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>, so that
    /// <c>AddEmbedClassify</c>'s cache and <c>FewShotClassifier.LoadAsync</c>
    /// use it under its own model id. The model is loaded, and its weights checked against their fingerprint, when the
    /// generator is first resolved.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="modelDirectory">The saved model's folder.</param>
    /// <param name="options">Optional generator settings (batching, sequence length, precision); no model id.</param>
    /// <returns>The builder, to add decorators such as OpenTelemetry.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelDirectory"/> is <see langword="null"/>, empty or white space, or <paramref name="options"/> sets a model id.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist (checked when registering, so start-up fails early).</exception>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddFineTunedEmbeddingGenerator(
        this IServiceCollection services,
        string modelDirectory,
        OnnxEmbeddingGeneratorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDirectory);
        if (options?.ModelId is not null)
        {
            throw new ArgumentException("A fine-tuned model's id is its own; leave ModelId unset.", nameof(options));
        }

        string folder = Path.GetFullPath(modelDirectory);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The fine-tuned model folder '{folder}' does not exist.");
        }

        OnnxEmbeddingGeneratorOptions? copy = options?.Clone();
        return services.AddEmbeddingGenerator(_ => FineTunedModel.Load(folder).CreateGenerator(copy));
    }
}
