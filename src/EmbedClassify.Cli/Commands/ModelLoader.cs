using EmbedClassify.Cli.Arguments;
using EmbedClassify.Cli.Embedding;
using EmbedClassify.FineTuning;
using EmbedClassify.Onnx;
using Microsoft.Extensions.AI;

namespace EmbedClassify.Cli.Commands;

/// <summary>Loads a saved model and turns the ways that can fail into one-line messages naming the file.</summary>
internal static class ModelLoader
{
    public static async Task<FewShotClassifier> LoadAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator, string path, CancellationToken cancellationToken)
    {
        try
        {
            return await FewShotClassifier.LoadAsync(generator, path, cancellationToken).ConfigureAwait(false);
        }
        catch (EmbeddingModelMismatchException e) when (FineTunedModel.IsFineTunedModelId(e.Saved?.ModelId))
        {
            throw new CommandException(
                $"{path}: the model was trained on the fine-tuned model {e.Saved!.ModelId}, which should be in '{FineTunedClassifier.ModelFolder(path)}': the folder is missing.",
                e);
        }
        catch (EmbeddingModelMismatchException e)
        {
            throw new CommandException(
                $"{path}: the model was trained on {e.Saved?.ToString() ?? "another embedding model"}, but this tool embeds with {e.Expected?.ToString() ?? "a different one"}; retrain it with 'embedclassify train'.",
                e);
        }
        catch (InvalidDataException e)
        {
            throw new CommandException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Creates the embedding models a saved classifier needs, in view order, from what its file names: the fine-tuned
    /// model saved beside it, or the local models of <see cref="LocalModel.All"/> (one, or several combined).
    /// </summary>
    /// <returns>The models; the caller owns them (an <see cref="EmbeddingSession"/> takes them).</returns>
    /// <exception cref="CommandException">The file is damaged, names a model this tool does not embed with, or names a
    /// fine-tuned model whose folder is missing or unreadable.</exception>
    /// <remarks>
    /// This reads and verifies the file once more than <see cref="LoadAsync"/> does, since only the file says which
    /// models to create; a model file is small beside the models themselves, which are never loaded in vain.
    /// </remarks>
    public static async Task<IReadOnlyList<OnnxEmbeddingGenerator>> CreateModelsAsync(string path, CancellationToken cancellationToken)
    {
        ModelInfo info = ReadInfo(path);
        if (FineTunedModel.IsFineTunedModelId(info.Identity.ModelId))
        {
            return [await LoadTunedModelAsync(path, info, cancellationToken).ConfigureAwait(false)];
        }

        LocalModel?[] models = [.. info.Models.Select(m => LocalModel.All.FirstOrDefault(l => l.Is(m)))];
        if (models.Any(m => m is null))
        {
            ModelIdentity[] unknown = [.. info.Models.Where((_, i) => models[i] is null)];
            throw new CommandException(
                $"{path}: the model was trained on {string.Join(" and ", unknown.Select(m => $"{m.ProviderName}/{m.ModelId}"))}, which this tool does not embed with "
                + $"(it knows {string.Join(" and ", LocalModel.All.Select(l => $"{OnnxEmbeddingGenerator.ProviderName}/{l.ModelId}"))}); retrain it with 'embedclassify train'.");
        }

        return LocalModel.CreateAll(models!);
    }

    private static async Task<OnnxEmbeddingGenerator> LoadTunedModelAsync(string path, ModelInfo info, CancellationToken cancellationToken)
    {
        string folder = FineTunedClassifier.ModelFolder(path);
        if (!Directory.Exists(folder))
        {
            throw new CommandException(
                $"{path}: the model was trained on the fine-tuned model {info.Identity.ModelId}, which should be in '{folder}': the folder is missing.");
        }

        try
        {
            FineTunedModel model = await FineTunedModel.LoadAsync(folder, cancellationToken).ConfigureAwait(false);
            return model.CreateGenerator();
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw new CommandException(
                $"{path}: the model was trained on the fine-tuned model {info.Identity.ModelId}, which should be in '{folder}': {CommandText.FirstSentence(e.Message)}", e);
        }
    }

    public static ModelInfo ReadInfo(string path)
    {
        try
        {
            return ModelInfo.Read(path);
        }
        catch (InvalidDataException e)
        {
            throw new CommandException($"{path}: {e.Message}", e);
        }
    }
}
