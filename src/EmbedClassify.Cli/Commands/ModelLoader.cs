using EmbedClassify.Cli.Arguments;
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
    /// Returns the generator a saved classifier needs: the fine-tuned model saved beside it when its identity names one,
    /// <see langword="null"/> (the built-in model) otherwise.
    /// </summary>
    /// <remarks>
    /// The model file is read for its identity only when a tuned model's folder is beside it: every other model would
    /// be read and parsed twice at start-up. A file naming a tuned model whose folder is gone fails in
    /// <see cref="LoadAsync"/>, with a message naming the folder.
    /// </remarks>
    public static async Task<OnnxEmbeddingGenerator?> LoadTunedModelAsync(string path, CancellationToken cancellationToken)
    {
        string folder = FineTunedClassifier.ModelFolder(path);
        if (!Directory.Exists(folder))
        {
            return null;
        }

        ModelInfo info = ReadInfo(path);
        if (!FineTunedModel.IsFineTunedModelId(info.Identity.ModelId))
        {
            return null;
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
