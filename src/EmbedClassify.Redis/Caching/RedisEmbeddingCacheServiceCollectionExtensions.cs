using EmbedClassify;
using EmbedClassify.Redis;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Provides extension methods for registering a <see cref="RedisEmbeddingCacheStore"/> with a service collection, for
/// use by <c>UseEmbeddingCache</c> in an embedding generator pipeline.
/// </summary>
public static class RedisEmbeddingCacheServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="RedisEmbeddingCacheStore"/> over the <see cref="IConnectionMultiplexer"/>
    /// registered in the container as the <see cref="IEmbeddingCacheStore"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">A callback that adjusts the store's options, or <see langword="null"/> for the defaults.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <remarks>Resolving the store throws <see cref="InvalidOperationException"/> when no <see cref="IConnectionMultiplexer"/> is registered.</remarks>
    public static IServiceCollection AddRedisEmbeddingCacheStore(
        this IServiceCollection services, Action<RedisEmbeddingCacheStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        RedisEmbeddingCacheStoreOptions options = Configure(configure);
        return Register(services, provider => provider.GetRequiredService<IConnectionMultiplexer>(), options);
    }

    /// <summary>
    /// Registers a singleton <see cref="RedisEmbeddingCacheStore"/> as the <see cref="IEmbeddingCacheStore"/>, over a
    /// connection of its own that is opened when the store is first resolved and disposed with the container.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The StackExchange.Redis configuration string, for example <c>localhost:6379</c>.</param>
    /// <param name="configure">A callback that adjusts the store's options, or <see langword="null"/> for the defaults.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="configuration"/> is empty or white space.</exception>
    /// <remarks>
    /// Resolving the store throws what <see cref="ConnectionMultiplexer.Connect(string, TextWriter)"/> throws, for example
    /// <see cref="RedisConnectionException"/> when no server answers (unless the configuration says <c>abortConnect=false</c>);
    /// resolve it at startup to find that before the first embedding call.
    /// </remarks>
    public static IServiceCollection AddRedisEmbeddingCacheStore(
        this IServiceCollection services, string configuration, Action<RedisEmbeddingCacheStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        RedisEmbeddingCacheStoreOptions options = Configure(configure);

        // A connection of the store's own, not a registered IConnectionMultiplexer: the application's may point elsewhere.
        services.AddSingleton(_ => new OwnedConnection(configuration));
        return Register(services, provider => provider.GetRequiredService<OwnedConnection>().Connection, options);
    }

    private static RedisEmbeddingCacheStoreOptions Configure(Action<RedisEmbeddingCacheStoreOptions>? configure)
    {
        var options = new RedisEmbeddingCacheStoreOptions();
        configure?.Invoke(options);
        return options;
    }

    private static IServiceCollection Register(
        IServiceCollection services, Func<IServiceProvider, IConnectionMultiplexer> connection, RedisEmbeddingCacheStoreOptions options)
    {
        services.AddSingleton(provider => new RedisEmbeddingCacheStore(connection(provider), options));
        return services.AddSingleton<IEmbeddingCacheStore>(provider => provider.GetRequiredService<RedisEmbeddingCacheStore>());
    }

    /// <summary>The connection the container opens for the store and disposes with itself.</summary>
    private sealed class OwnedConnection(string configuration) : IDisposable
    {
        public ConnectionMultiplexer Connection { get; } = ConnectionMultiplexer.Connect(configuration);

        public void Dispose() => Connection.Dispose();
    }
}
