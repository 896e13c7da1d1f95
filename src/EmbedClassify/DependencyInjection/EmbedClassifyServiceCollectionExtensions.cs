using EmbedClassify;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Provides extension methods for registering EmbedClassify's options and <see cref="IFewShotClassifierFactory"/> with a
/// service collection.
/// </summary>
/// <remarks>
/// The embedding provider stays the application's choice: register it with Microsoft.Extensions.AI's
/// <c>AddEmbeddingGenerator(...)</c>, optionally followed by <c>UseConfiguredEmbeddingCache()</c> and a cache store such
/// as <see cref="EmbeddingCacheServiceCollectionExtensions.AddInMemoryEmbeddingCacheStore"/>.
/// </remarks>
public static class EmbedClassifyServiceCollectionExtensions
{
    /// <summary>The configuration path used in validation messages when the options are not bound from a section.</summary>
    private const string DefaultSectionPath = "EmbedClassify";

    /// <summary>
    /// Registers <see cref="EmbedClassifyOptions"/> bound from a configuration section and validated at start-up, and
    /// <see cref="IFewShotClassifierFactory"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section to bind, for example <c>builder.Configuration.GetSection("EmbedClassify")</c>.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// A key the options do not have (a misspelt setting) is an error rather than silently ignored. Bad values surface as
    /// an <see cref="OptionsValidationException"/> naming each setting by its configuration path when the host starts,
    /// or when the options are first resolved if there is no host.
    /// </remarks>
    public static IServiceCollection AddEmbedClassify(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        string path = configuration is IConfigurationSection section ? section.Path : DefaultSectionPath;
        AddCore(services, path).Bind(configuration, binder => binder.ErrorOnUnknownConfiguration = true);
        return services;
    }

    /// <summary>
    /// Registers <see cref="EmbedClassifyOptions"/> set by a callback and validated at start-up, and
    /// <see cref="IFewShotClassifierFactory"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">The callback that sets the options.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddEmbedClassify(this IServiceCollection services, Action<EmbedClassifyOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        AddCore(services, DefaultSectionPath).Configure(configure);
        return services;
    }

    private static OptionsBuilder<EmbedClassifyOptions> AddCore(IServiceCollection services, string sectionPath)
    {
        // TryAddEnumerable keeps one validator when AddEmbedClassify is called twice, so each problem is reported once.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EmbedClassifyOptions>>(new EmbedClassifyOptionsValidator(sectionPath)));
        services.TryAddSingleton<IFewShotClassifierFactory>(provider => new FewShotClassifierFactory(
            provider.GetService<IEmbeddingGenerator<string, Embedding<float>>>()
                ?? throw new InvalidOperationException(
                    "No IEmbeddingGenerator<string, Embedding<float>> is registered. Register one with services.AddEmbeddingGenerator(...) "
                    + "(for example an ONNX or OpenAI generator) before resolving IFewShotClassifierFactory."),
            provider.GetRequiredService<IOptionsMonitor<EmbedClassifyOptions>>(),
            provider.GetService<ILogger<FewShotClassifierFactory>>()));
        return services.AddOptions<EmbedClassifyOptions>().ValidateOnStart();
    }
}
