using EmbedClassify;
using Microsoft.Extensions.Caching.Distributed;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Provides extension methods for registering an <see cref="IEmbeddingCacheStore"/> with a service collection, for use
/// by <c>UseEmbeddingCache</c> in an embedding generator pipeline.
/// </summary>
public static class EmbeddingCacheServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="InMemoryEmbeddingCacheStore"/> as the <see cref="IEmbeddingCacheStore"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="maxEntries">The largest number of entries kept.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxEntries"/> is less than 1.</exception>
    public static IServiceCollection AddInMemoryEmbeddingCacheStore(this IServiceCollection services, int maxEntries = 100_000)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddSingleton<IEmbeddingCacheStore>(new InMemoryEmbeddingCacheStore(maxEntries));
    }

    /// <summary>
    /// Registers a singleton <see cref="DistributedCacheEmbeddingStore"/> over the registered <see cref="IDistributedCache"/>
    /// as the <see cref="IEmbeddingCacheStore"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="keyPrefix">A prefix for every key, or <see langword="null"/> for none.</param>
    /// <param name="entryOptions">The expiry of stored entries, or <see langword="null"/> for entries that do not expire.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <remarks>Resolving the store throws <see cref="InvalidOperationException"/> when no <see cref="IDistributedCache"/> is registered.</remarks>
    public static IServiceCollection AddDistributedCacheEmbeddingStore(
        this IServiceCollection services,
        string? keyPrefix = null,
        DistributedCacheEntryOptions? entryOptions = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddSingleton<IEmbeddingCacheStore>(provider =>
            new DistributedCacheEmbeddingStore(provider.GetRequiredService<IDistributedCache>(), keyPrefix, entryOptions));
    }
}
