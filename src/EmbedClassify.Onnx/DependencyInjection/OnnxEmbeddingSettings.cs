using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace EmbedClassify.Onnx;

/// <summary>
/// Binds <see cref="OnnxEmbeddingGeneratorOptions"/> from configuration for the registration extensions of every local
/// model package, so a bad value or an unknown key stops the application when it registers its services.
/// </summary>
internal static class OnnxEmbeddingSettings
{
    /// <summary>The key of the model folder setting, known only where a folder can be loaded.</summary>
    public const string ModelDirectoryKey = "ModelDirectory";

    /// <summary>Binds <paramref name="configuration"/> (or nothing) into new options.</summary>
    /// <param name="configuration">The settings section, or <see langword="null"/> for the defaults.</param>
    /// <param name="allowModelDirectory">Whether <see cref="ModelDirectoryKey"/> is a known setting.</param>
    /// <param name="modelDirectory">The folder setting when allowed and present, otherwise <see langword="null"/>.</param>
    /// <exception cref="InvalidOperationException">A setting is unknown or out of range; the message names it.</exception>
    public static OnnxEmbeddingGeneratorOptions Bind(IConfiguration? configuration, bool allowModelDirectory, out string? modelDirectory)
    {
        var options = new OnnxEmbeddingGeneratorOptions();
        modelDirectory = null;
        if (configuration is null)
        {
            return options;
        }

        string path = configuration is IConfigurationSection section ? section.Path : "(root)";
        try
        {
            configuration.Bind(options, binder => binder.ErrorOnUnknownConfiguration = false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TargetInvocationException or ArgumentException)
        {
            Exception cause = ex.InnerException ?? ex;
            throw new InvalidOperationException($"The ONNX embedding settings at '{path}' are invalid: {cause.Message}", ex);
        }

        string[] known = [.. typeof(OnnxEmbeddingGeneratorOptions).GetProperties().Select(p => p.Name)];
        if (allowModelDirectory)
        {
            known = [.. known, ModelDirectoryKey];
            modelDirectory = configuration[ModelDirectoryKey];
        }

        foreach (IConfigurationSection child in configuration.GetChildren())
        {
            if (!known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    $"'{child.Path}' is not an ONNX embedding setting; known settings are {string.Join(", ", known)}.");
            }
        }

        return options;
    }
}
