using System.Text;
using Microsoft.Data.Sqlite;

namespace EmbedClassify.Sqlite;

/// <summary>
/// Represents an <see cref="IEmbeddingCacheStore"/> in a SQLite database file: one row per entry in a table
/// <c>embedding_cache(key TEXT PRIMARY KEY, value BLOB)</c>, written one transaction per batch in write-ahead-log mode.
/// </summary>
/// <remarks>
/// <para>
/// Several threads, store instances and processes may use one file at the same time: each operation takes a pooled
/// connection of its own, readers never block the writer, and writers wait their turn for up to the busy timeout.
/// Every <see cref="SetManyAsync"/> call is one transaction, so after a crash a batch is either wholly stored or absent.
/// </para>
/// <para>
/// The store is opened for writing or not at all: the constructor refuses a database it cannot write (a read-only
/// file, a read-only folder, in which SQLite could not create its <c>-wal</c> and <c>-shm</c> files, or a database
/// another connection keeps locked) before any vector is paid for. It checks the file and folder modes itself, since a
/// process running as root could write through them, and then takes and rolls back a write lock.
/// </para>
/// <para>This type is thread-safe. Dispose it to release the pooled connections and their file handles.</para>
/// </remarks>
public sealed class SqliteEmbeddingCacheStore : IEmbeddingCacheStore, IDisposable
{
    /// <summary>The table that holds the entries.</summary>
    public const string TableName = "embedding_cache";

    // SQLite's historic default limit on host parameters; newer builds allow more, but nothing gains from larger chunks.
    private const int KeysPerQuery = 500;

    // Milliseconds a connection waits for another writer's lock before failing with SQLITE_BUSY; one batch commits in
    // milliseconds, so this only runs out when another process holds the lock far longer than any batch needs.
    private const int BusyTimeoutMilliseconds = 30_000;

    // SQLite result codes (https://sqlite.org/rescode.html) that mean the database cannot be written, or not now.
    private const int SqlitePermission = 3;
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteReadOnly = 8;
    private const int SqliteCannotOpen = 14;
    private const int SqliteAuthorization = 23;

    private const string ProbeKey = "embedclassify:write-probe";

    private readonly string _connectionString;
    private int _disposed;

    /// <summary>
    /// Initializes a new instance of the <see cref="SqliteEmbeddingCacheStore"/> class over a database file, creating the
    /// file and its table if needed.
    /// </summary>
    /// <param name="databasePath">The path of the database file.</param>
    /// <exception cref="ArgumentNullException"><paramref name="databasePath"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="databasePath"/> is empty or white space.</exception>
    /// <exception cref="UnauthorizedAccessException">The file or its folder is read-only, or SQLite may not write them; the message names the path.</exception>
    /// <exception cref="IOException">Another connection kept the database locked for longer than the busy timeout; the message names the path.</exception>
    /// <exception cref="SqliteException">The file cannot be opened or is not a SQLite database.</exception>
    public SqliteEmbeddingCacheStore(string databasePath)
        : this(BuildFromPath(databasePath))
    {
    }

    /// <summary>
    /// Initializes a new instance of the <see cref="SqliteEmbeddingCacheStore"/> class from a connection string,
    /// creating the database and its table if needed.
    /// </summary>
    /// <param name="connectionString">The connection string. Pooling is turned on whatever it says, because the store opens a connection per operation.</param>
    /// <exception cref="ArgumentNullException"><paramref name="connectionString"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> names no data source, or names an in-memory database (which one store could not share between its connections).</exception>
    /// <exception cref="UnauthorizedAccessException">
    /// The file or its folder is read-only, the connection string opens it read-only, or SQLite may not write them; the
    /// message names the path.
    /// </exception>
    /// <exception cref="IOException">
    /// Another connection kept the database locked for longer than the busy timeout (30 seconds, or the connection
    /// string's <see cref="SqliteConnectionStringBuilder.DefaultTimeout"/> when shorter); the message names the path.
    /// </exception>
    /// <exception cref="SqliteException">The database cannot be opened or is not a SQLite database.</exception>
    public SqliteEmbeddingCacheStore(SqliteConnectionStringBuilder connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        if (string.IsNullOrWhiteSpace(connectionString.DataSource) || connectionString.DataSource == ":memory:"
            || connectionString.Mode == SqliteOpenMode.Memory)
        {
            throw new ArgumentException("The connection string must name a database file.", nameof(connectionString));
        }

        var builder = new SqliteConnectionStringBuilder(connectionString.ConnectionString) { Pooling = true };
        _connectionString = builder.ConnectionString;
        string path = builder.DataSource;
        ThrowIfMarkedReadOnly(path);
        try
        {
            Initialize(builder.DefaultTimeout > 0 ? Math.Min(BusyTimeoutMilliseconds, builder.DefaultTimeout * 1000) : BusyTimeoutMilliseconds);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is SqliteReadOnly or SqlitePermission or SqliteAuthorization or SqliteCannotOpen)
        {
            ReleasePool();
            throw new UnauthorizedAccessException(
                $"The embedding cache database '{path}' cannot be written ({ex.Message}); a cache must be able to store what it pays for.", ex);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is SqliteBusy or SqliteLocked)
        {
            ReleasePool();
            throw new IOException(
                $"The embedding cache database '{path}' is locked by another connection or process, which kept it from being written ({ex.Message}).", ex);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="keys"/> is <see langword="null"/>.</exception>
    /// <exception cref="ObjectDisposedException">The store has been disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <exception cref="SqliteException">The database could not be read.</exception>
    public async Task<IReadOnlyList<byte[]?>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var found = new byte[]?[keys.Count];
        if (keys.Count == 0)
        {
            return found;
        }

        var positions = new Dictionary<string, List<int>>(keys.Count, StringComparer.Ordinal);
        for (int i = 0; i < keys.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(keys[i], nameof(keys));
            if (!positions.TryGetValue(keys[i], out var list))
            {
                positions.Add(keys[i], list = new List<int>(1));
            }

            list.Add(i);
        }

        string[] distinct = [.. positions.Keys];
        using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);

        // One read transaction, so that all chunks see the same snapshot.
        using SqliteTransaction transaction = connection.BeginTransaction(deferred: true);
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        for (int start = 0; start < distinct.Length; start += KeysPerQuery)
        {
            int count = Math.Min(KeysPerQuery, distinct.Length - start);
            PrepareLookup(command, distinct.AsSpan(start, count));
            using SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                string key = reader.GetString(0);
                byte[] value = reader.IsDBNull(1) ? [] : (byte[])reader.GetValue(1);
                if (positions.TryGetValue(key, out var list))
                {
                    foreach (int i in list)
                    {
                        found[i] = value;
                    }
                }
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return found;
    }

    /// <inheritdoc/>
    /// <remarks>The batch is written in one transaction, replacing existing rows with the same keys.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="entries"/> is <see langword="null"/>, or one of them has a <see langword="null"/> key or payload.</exception>
    /// <exception cref="ObjectDisposedException">The store has been disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled; nothing was stored.</exception>
    /// <exception cref="SqliteException">The database could not be written, for example because another writer held it past the busy timeout.</exception>
    public async Task SetManyAsync(IReadOnlyList<KeyValuePair<string, byte[]>> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        foreach (var entry in entries)
        {
            ArgumentNullException.ThrowIfNull(entry.Key, nameof(entries));
            ArgumentNullException.ThrowIfNull(entry.Value, nameof(entries));
        }

        if (entries.Count == 0)
        {
            return;
        }

        using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);

        // BEGIN IMMEDIATE takes the write lock up front (waiting in the busy handler); a deferred transaction that later
        // upgrades from reading to writing can fail at once with SQLITE_BUSY instead of waiting.
        using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT OR REPLACE INTO {TableName} (key, value) VALUES ($key, $value)";
        SqliteParameter keyParameter = command.Parameters.Add("$key", SqliteType.Text);
        SqliteParameter valueParameter = command.Parameters.Add("$value", SqliteType.Blob);
        command.Prepare();
        foreach (var entry in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            keyParameter.Value = entry.Key;
            valueParameter.Value = entry.Value;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// Releases the pooled connections of this store's database, closing their file handles. Calls that are running
    /// finish normally; later calls throw <see cref="ObjectDisposedException"/>.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            using var connection = new SqliteConnection(_connectionString);
            SqliteConnection.ClearPool(connection);
        }
    }

    private void ReleasePool()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private static SqliteConnectionStringBuilder BuildFromPath(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        return new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadWriteCreate };
    }

    private static void PrepareLookup(SqliteCommand command, ReadOnlySpan<string> keys)
    {
        command.Parameters.Clear();
        var sql = new StringBuilder($"SELECT key, value FROM {TableName} WHERE key IN (", 64 + (keys.Length * 6));
        for (int i = 0; i < keys.Length; i++)
        {
            string name = "$k" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            sql.Append(i == 0 ? string.Empty : ",").Append(name);
            command.Parameters.Add(name, SqliteType.Text).Value = keys[i];
        }

        command.CommandText = sql.Append(')').ToString();
    }

    private static void Configure(SqliteConnection connection)
    {
        using SqliteCommand command = connection.CreateCommand();

        // busy_timeout and synchronous are per connection, so every opened connection sets them. synchronous=NORMAL is
        // the documented setting for WAL: a commit is atomic and survives a process crash or kill, and only a power loss
        // or OS crash can roll back the last commits (never corrupt the file), which costs at worst re-embedding one batch
        // against an fsync per batch saved.
        command.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA synchronous = NORMAL;";
        command.ExecuteNonQuery();
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            Configure(connection);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Refuses a database file or folder whose mode says read-only: SQLite running as root would write through the mode,
    /// and the owner marked it so for a reason.
    /// </summary>
    private static void ThrowIfMarkedReadOnly(string dataSource)
    {
        if (dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        string path = Path.GetFullPath(dataSource);
        if (File.Exists(path) && (File.GetAttributes(path) & FileAttributes.ReadOnly) != 0)
        {
            throw new UnauthorizedAccessException(
                $"The embedding cache database '{dataSource}' is read-only; a cache must be able to store what it pays for.");
        }

        // On Windows a folder's read-only attribute does not stop anyone from creating files in it (Explorer uses it to
        // mark customized folders), so only Unix modes count; Windows' own permissions are found by the probe.
        string? folder = Path.GetDirectoryName(path);
        if (!OperatingSystem.IsWindows() && folder is not null && Directory.Exists(folder)
            && (File.GetAttributes(folder) & FileAttributes.ReadOnly) != 0)
        {
            throw new UnauthorizedAccessException(
                $"The folder of the embedding cache database '{dataSource}' is read-only; SQLite must create its -wal and -shm files next to the database.");
        }
    }

    private void Initialize(int probeTimeoutMilliseconds)
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Configure(connection);
        using SqliteCommand command = connection.CreateCommand();

        // WAL is a property of the file, kept once set: readers and the writer no longer block each other, which is what
        // lets several processes share the cache.
        command.CommandText = "PRAGMA journal_mode = WAL;";
        command.ExecuteNonQuery();
        command.CommandText = $"CREATE TABLE IF NOT EXISTS {TableName} (key TEXT PRIMARY KEY NOT NULL, value BLOB NOT NULL)";
        command.ExecuteNonQuery();

        // A write that is rolled back: it needs the write lock and the -wal file, so a database that opens but cannot be
        // written (read-only file or folder, a lock held by another process) is found now, before any provider call.
        command.CommandText = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {probeTimeoutMilliseconds};");
        command.ExecuteNonQuery();
        using (SqliteTransaction probe = connection.BeginTransaction(deferred: false))
        {
            command.Transaction = probe;
            command.CommandText = $"INSERT OR REPLACE INTO {TableName} (key, value) VALUES ($key, x'')";
            command.Parameters.AddWithValue("$key", ProbeKey);
            command.ExecuteNonQuery();
            probe.Rollback();
        }

        command.Transaction = null;
        command.Parameters.Clear();
        command.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds};";
        command.ExecuteNonQuery();
    }
}
