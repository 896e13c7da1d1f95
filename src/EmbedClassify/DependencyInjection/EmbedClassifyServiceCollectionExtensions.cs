using EmbedClassify;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Provides registration of EmbedClassify's classifier settings and <see cref="IFewShotClassifierFactory"/>.
/// </summary>
public static class EmbedClassifyServiceCollectionExtensions
{
    private const string DefaultSectionPath = "EmbedClassify";
    private const string CacheKey = "Cache";

    /// <summary>
    /// Registers <see cref="IFewShotClassifierFactory"/> with <see cref="FewShotClassifierOptions"/> bound from
    /// <paramref name="configuration"/> (every setting, label descriptions and view weights included) and the embedding
    /// cache settings from its "Cache" child, all checked when the host starts: a bad value or a key that names no setting
    /// stops start-up with a message naming it by its configuration path.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration section, for example <c>builder.Configuration.GetSection("EmbedClassify")</c>.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddEmbedClassify(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        string path = configuration is IConfigurationSection section ? section.Path : DefaultSectionPath;

        // Known keys are checked by name first, so a misspelt one ("Neighbours") is an error instead of a silent default;
        // the binder cannot do it here because "Cache" is a child of the same section but not a classifier setting.
        AddCore(services, path)
            .Configure(_ => CheckKeys(configuration, path))
            .Bind(configuration);
        services.AddOptions<EmbedClassifyCacheOptions>()
            .Bind(configuration.GetSection(CacheKey), binder => binder.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EmbedClassifyCacheOptions>>(new EmbedClassifyCacheOptionsValidator(path)));
        return services;
    }

    /// <summary>
    /// Registers <see cref="IFewShotClassifierFactory"/> with <see cref="FewShotClassifierOptions"/> set in code, checked
    /// when the host starts.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddEmbedClassify(this IServiceCollection services, Action<FewShotClassifierOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        AddCore(services, DefaultSectionPath).Configure(configure);
        services.AddOptions<EmbedClassifyCacheOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EmbedClassifyCacheOptions>>(new EmbedClassifyCacheOptionsValidator(DefaultSectionPath)));
        return services;
    }

    private static OptionsBuilder<FewShotClassifierOptions> AddCore(IServiceCollection services, string sectionPath)
    {
        // TryAddEnumerable keeps one validator when AddEmbedClassify is called twice, so each problem is reported once.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FewShotClassifierOptions>>(new FewShotClassifierOptionsValidator(sectionPath)));
        services.TryAddSingleton<IFewShotClassifierFactory>(provider => new FewShotClassifierFactory(
            provider.GetService<IEmbeddingGenerator<string, Embedding<float>>>()
                ?? throw new InvalidOperationException(
                    "No IEmbeddingGenerator<string, Embedding<float>> is registered. Register one with services.AddEmbeddingGenerator(...) "
                    + "(for example an ONNX or OpenAI generator) before resolving IFewShotClassifierFactory."),
            provider.GetRequiredService<IOptionsMonitor<FewShotClassifierOptions>>(),
            provider.GetService<ILogger<FewShotClassifierFactory>>()));
        return services.AddOptions<FewShotClassifierOptions>().ValidateOnStart();
    }

    private static void CheckKeys(IConfiguration configuration, string path)
    {
        string[] settings = [.. typeof(FewShotClassifierOptions).GetProperties().Select(p => p.Name), CacheKey];
        foreach (IConfigurationSection child in configuration.GetChildren())
        {
            if (!settings.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    $"'{child.Key}' ({path}:{child.Key}) is not a setting of {nameof(FewShotClassifierOptions)}; the settings are {string.Join(", ", settings)}.");
            }
        }
    }
}
