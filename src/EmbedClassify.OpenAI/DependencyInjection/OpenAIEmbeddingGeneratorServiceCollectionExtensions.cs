using System.Reflection;
using EmbedClassify.OpenAI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers the OpenAI (or OpenAI-compatible) embedding generator with dependency injection.
/// </summary>
public static class OpenAIEmbeddingGeneratorServiceCollectionExtensions
{
    /// <summary>
    /// Registers an <see cref="OpenAIEmbeddingGenerator"/> as the <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>, with
    /// its settings bound from <paramref name="configuration"/>: every property of <see cref="OpenAIEmbeddingGeneratorOptions"/>
    /// (<c>Model</c>, <c>Dimensions</c>, <c>Endpoint</c>, <c>MaxConcurrency</c>, <c>MaxRetries</c>, <c>Timeout</c>…).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The settings section, or <see langword="null"/> for the defaults.</param>
    /// <returns>The generator builder, to add a cache or telemetry (for example <c>.UseEmbeddingCache()</c>).</returns>
    /// <remarks>
    /// Keep the API key out of appsettings.json: leave <c>ApiKey</c> unset and the generator reads the
    /// <c>OPENAI_API_KEY</c> environment variable (or bind the section from a secret store). The settings are bound and
    /// checked here, so a bad value or an unknown key stops the application before it starts; the message never
    /// contains the key.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">A setting is unknown or out of range; the message names it.</exception>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddOpenAIEmbeddingGenerator(
        this IServiceCollection services,
        IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new OpenAIEmbeddingGeneratorOptions();
        if (configuration is not null)
        {
            string path = configuration is IConfigurationSection section ? section.Path : "(root)";
            try
            {
                configuration.Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
            }
            catch (Exception ex) when (ex is InvalidOperationException or TargetInvocationException or ArgumentException)
            {
                // The binder's own messages quote the offending value, which for ApiKey would be the secret itself.
                string message = configuration["ApiKey"] is { Length: > 0 } key ? (ex.InnerException ?? ex).Message.Replace(key, "***", StringComparison.Ordinal) : (ex.InnerException ?? ex).Message;
                throw new InvalidOperationException($"The OpenAI embedding settings at '{path}' are invalid: {message}");
            }
        }

        return services.AddEmbeddingGenerator(_ => new OpenAIEmbeddingGenerator(options));
    }
}
