using EmbedClassify;
using EmbedClassify.Sqlite;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Provides extension methods for registering a <see cref="SqliteEmbeddingCacheStore"/> with a service collection.
/// </summary>
public static class SqliteEmbeddingCacheServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="SqliteEmbeddingCacheStore"/> over a database file as the
    /// <see cref="IEmbeddingCacheStore"/>; the container disposes it. The file is opened when the store is first resolved.
    /// </summary>
    /// <remarks>
    /// Resolving the store throws what its constructor throws, for example <see cref="UnauthorizedAccessException"/> for
    /// a database that cannot be written; resolve it at startup to find that before the first embedding call.
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <param name="databasePath">The path of the database file.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="databasePath"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="databasePath"/> is empty or white space.</exception>
    public static IServiceCollection AddSqliteEmbeddingCacheStore(this IServiceCollection services, string databasePath)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        services.AddSingleton(_ => new SqliteEmbeddingCacheStore(databasePath));
        return services.AddSingleton<IEmbeddingCacheStore>(provider => provider.GetRequiredService<SqliteEmbeddingCacheStore>());
    }
}
