using EmbedClassify.Sqlite.Tests.KillChild;
using EmbedClassify.Sqlite.Tests.TestDoubles;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace EmbedClassify.Sqlite.Tests.Caching;

public class SqliteEmbeddingCacheStoreTests
{
    private TemporaryDirectory _directory = null!;

    private string DatabasePath => _directory.File("cache.db");

    [SetUp]
    public void SetUp() => _directory = new TemporaryDirectory();

    [TearDown]
    public void TearDown() => _directory.Dispose();

    private static KeyValuePair<string, byte[]> Entry(string key, params byte[] value) => new(key, value);

    private SqliteConnection OpenDirect()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ConnectionString);
        connection.Open();
        return connection;
    }

    private object? Scalar(string sql)
    {
        using SqliteConnection connection = OpenDirect();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    [Test]
    public async Task GetManyAsync_ReturnsStoredPayloadsAndNullForMisses_InKeyOrder()
    {
        using var store = new SqliteEmbeddingCacheStore(DatabasePath);
        await store.SetManyAsync([Entry("a", 1, 2), Entry("b", 3)]);

        IReadOnlyList<byte[]?> found = await store.GetManyAsync(["b", "x", "a", "b"]);

        Assert.That(found, Is.EqualTo(new byte[]?[] { [3], null, [1, 2], [3] }));
    }

    [Test]
    public async Task GetManyAsync_FindsEveryKey_WhenThereAreMoreKeysThanOneQueryTakes()
    {
        using var store = new SqliteEmbeddingCacheStore(DatabasePath);
        KeyValuePair<string, byte[]>[] entries = [.. Enumerable.Range(0, 1234).Select(i => Entry($"k{i}", BitConverter.GetBytes(i)))];
        await store.SetManyAsync(entries);

        IReadOnlyList<byte[]?> found = await store.GetManyAsync([.. Enumerable.Range(0, 1300).Select(i => $"k{i}")]);

        Assert.Multiple(() =>
        {
            Assert.That(found.Take(1234).Select(f => BitConverter.ToInt32(f!)), Is.EqualTo(Enumerable.Range(0, 1234)));
            Assert.That(found.Skip(1234), Has.All.Null);
        });
    }

    [Test]
    public async Task SetManyAsync_ReplacesExistingEntries()
    {
        using var store = new SqliteEmbeddingCacheStore(DatabasePath);
        await store.SetManyAsync([Entry("a", 1)]);

        await store.SetManyAsync([Entry("a", 9, 9)]);

        Assert.Multiple(async () =>
        {
            Assert.That((await store.GetManyAsync(["a"]))[0], Is.EqualTo(new byte[] { 9, 9 }));
            Assert.That(Scalar($"SELECT COUNT(*) FROM {SqliteEmbeddingCacheStore.TableName}"), Is.EqualTo(1L));
        });
    }

    [Test]
    public void Constructor_TurnsOnWriteAheadLogging()
    {
        using var store = new SqliteEmbeddingCacheStore(DatabasePath);

        Assert.That(Scalar("PRAGMA journal_mode"), Is.EqualTo("wal"));
    }

    [Test]
    public async Task Entries_SurviveReopeningTheFile()
    {
        using (var first = new SqliteEmbeddingCacheStore(DatabasePath))
        {
            await first.SetManyAsync([Entry("a", 1)]);
        }

        SqliteConnection.ClearAllPools();
        using var second = new SqliteEmbeddingCacheStore(new SqliteConnectionStringBuilder { DataSource = DatabasePath });

        Assert.That((await second.GetManyAsync(["a"]))[0], Is.EqualTo(new byte[] { 1 }));
    }

    [Test]
    public async Task TwoStoresOnOneFile_SeeEachOthersWrites()
    {
        using var first = new SqliteEmbeddingCacheStore(DatabasePath);
        using var second = new SqliteEmbeddingCacheStore(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Cache = SqliteCacheMode.Private });

        await first.SetManyAsync([Entry("from-first", 1)]);
        await second.SetManyAsync([Entry("from-second", 2)]);

        Assert.Multiple(async () =>
        {
            Assert.That(await second.GetManyAsync(["from-first"]), Is.EqualTo(new byte[]?[] { [1] }));
            Assert.That(await first.GetManyAsync(["from-second"]), Is.EqualTo(new byte[]?[] { [2] }));
        });
    }

    [Test]
    public async Task ConcurrentWritersAndReaders_AllSucceed()
    {
        const int Writers = 8;
        const int BatchesPerWriter = 25;
        var stores = Enumerable.Range(0, Writers).Select(_ => new SqliteEmbeddingCacheStore(DatabasePath)).ToArray();
        try
        {
            await Parallel.ForAsync(0, Writers, new ParallelOptions { MaxDegreeOfParallelism = Writers }, async (w, ct) =>
            {
                for (int b = 0; b < BatchesPerWriter; b++)
                {
                    await stores[w].SetManyAsync([.. Enumerable.Range(0, 20).Select(i => Entry($"{w}-{b}-{i}", (byte)w, (byte)b, (byte)i))], ct);
                    IReadOnlyList<byte[]?> back = await stores[(w + 1) % Writers].GetManyAsync([$"{w}-{b}-0"], ct);
                    Assert.That(back[0], Is.EqualTo(new byte[] { (byte)w, (byte)b, 0 }));
                }
            });

            Assert.That(Scalar($"SELECT COUNT(*) FROM {SqliteEmbeddingCacheStore.TableName}"), Is.EqualTo((long)(Writers * BatchesPerWriter * 20)));
        }
        finally
        {
            foreach (var store in stores)
            {
                store.Dispose();
            }
        }
    }

    [Test]
    public async Task SetManyAsync_StoresNothing_WhenAnyEntryOfTheBatchFails()
    {
        using var store = new SqliteEmbeddingCacheStore(DatabasePath);
        await store.SetManyAsync([Entry("before", 0)]);
        Scalar($"CREATE TRIGGER poison BEFORE INSERT ON {SqliteEmbeddingCacheStore.TableName} WHEN NEW.key = 'poison' BEGIN SELECT RAISE(ABORT, 'poisoned'); END");

        Assert.That(() => store.SetManyAsync([Entry("a", 1), Entry("b", 2), Entry("poison", 3), Entry("c", 4)]), Throws.InstanceOf<SqliteException>());

        Assert.That(await store.GetManyAsync(["before", "a", "b", "c"]), Is.EqualTo(new byte[]?[] { [0], null, null, null }));
    }

    [Test]
    public async Task CachingGenerator_RefetchesAndOverwrites_WhenABlobIsCorruptInTheTable()
    {
        string[] texts = KillChildWorkload.Texts(4);
        var inner = new CountingEmbeddingGenerator();
        using var store = new SqliteEmbeddingCacheStore(DatabasePath);
        using var cache = new CachingEmbeddingGenerator(inner, store, KillChildWorkload.Options(batchSize: 10));
        await cache.GenerateAsync(texts);
        string[] keys = [.. Enumerable.Range(0, 2).Select(i => (string)Scalar($"SELECT key FROM {SqliteEmbeddingCacheStore.TableName} ORDER BY rowid LIMIT 1 OFFSET {i}")!)];
        Scalar($"UPDATE {SqliteEmbeddingCacheStore.TableName} SET value = randomblob(length(value)) WHERE key = '{keys[0]}'");
        Scalar($"UPDATE {SqliteEmbeddingCacheStore.TableName} SET value = substr(value, 1, 30) WHERE key = '{keys[1]}'");

        GeneratedEmbeddings<Embedding<float>> result = await cache.GenerateAsync(texts);
        await cache.GenerateAsync(texts);

        Assert.Multiple(() =>
        {
            Assert.That(result.Select(e => e.Vector.ToArray()), Is.EqualTo(texts.Select(KillChildWorkload.VectorFor)));
            Assert.That(cache.Statistics.CorruptEntries, Is.EqualTo(2));
            Assert.That(inner.TextsSent, Has.Count.EqualTo(6), "4 first, then the 2 corrupt ones once; the third call is all hits");
            Assert.That(inner.TextsSent.Skip(4), Is.EquivalentTo(texts[..2]));
        });
    }

    [Test]
    public void Constructors_RejectInvalidArguments_NamingThem()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new SqliteEmbeddingCacheStore((string)null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("databasePath"));
            Assert.That(() => new SqliteEmbeddingCacheStore(" "), Throws.ArgumentException.With.Property("ParamName").EqualTo("databasePath"));
            Assert.That(() => new SqliteEmbeddingCacheStore((SqliteConnectionStringBuilder)null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("connectionString"));
            Assert.That(() => new SqliteEmbeddingCacheStore(new SqliteConnectionStringBuilder { DataSource = ":memory:" }), Throws.ArgumentException.With.Property("ParamName").EqualTo("connectionString"));
        });
    }

    [Test]
    public void Methods_RejectNullArguments_NamingThem()
    {
        using var store = new SqliteEmbeddingCacheStore(DatabasePath);

        Assert.Multiple(() =>
        {
            Assert.That(() => store.GetManyAsync(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("keys"));
            Assert.That(() => store.SetManyAsync(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("entries"));
            Assert.That(() => store.SetManyAsync([new KeyValuePair<string, byte[]>("a", null!)]), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("entries"));
        });
    }

    [Test]
    public void Methods_ThrowObjectDisposedException_AfterDispose()
    {
        var store = new SqliteEmbeddingCacheStore(DatabasePath);
        store.Dispose();
        store.Dispose();

        Assert.Multiple(() =>
        {
            Assert.That(() => store.GetManyAsync(["a"]), Throws.InstanceOf<ObjectDisposedException>());
            Assert.That(() => store.SetManyAsync([Entry("a", 1)]), Throws.InstanceOf<ObjectDisposedException>());
        });
    }

    [Test]
    public void AddSqliteEmbeddingCacheStore_RejectsInvalidArguments_NamingThem()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => ((IServiceCollection)null!).AddSqliteEmbeddingCacheStore(DatabasePath), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("services"));
            Assert.That(() => new ServiceCollection().AddSqliteEmbeddingCacheStore(" "), Throws.ArgumentException.With.Property("ParamName").EqualTo("databasePath"));
        });
    }

    [Test]
    public void AddSqliteEmbeddingCacheStore_RegistersTheStoreAsASingletonFactory()
    {
        IServiceCollection services = new ServiceCollection().AddSqliteEmbeddingCacheStore(DatabasePath);

        Assert.Multiple(() =>
        {
            Assert.That(services.Select(d => d.ServiceType), Is.EquivalentTo(new[] { typeof(SqliteEmbeddingCacheStore), typeof(IEmbeddingCacheStore) }));
            Assert.That(services.Select(d => d.Lifetime), Has.All.EqualTo(ServiceLifetime.Singleton));
            Assert.That(File.Exists(DatabasePath), Is.False, "the file is opened only when the store is resolved");
        });
    }
}

