using EmbedClassify.Cli.Arguments;
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
