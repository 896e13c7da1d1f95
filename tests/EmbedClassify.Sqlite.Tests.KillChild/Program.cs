// Usage: EmbedClassify.Sqlite.Tests.KillChild <database path> <text count> <batch size> <milliseconds per batch>
using EmbedClassify;
using EmbedClassify.Sqlite;
using EmbedClassify.Sqlite.Tests.KillChild;

string path = args[0];
int count = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
int batchSize = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
var delay = TimeSpan.FromMilliseconds(int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture));

using var store = new SqliteEmbeddingCacheStore(path);
using var generator = new CachingEmbeddingGenerator(
    new SlowEmbeddingGenerator(delay),
    new ReportingCacheStore(store, Console.Out),
    KillChildWorkload.Options(batchSize));
await generator.GenerateAsync(KillChildWorkload.Texts(count));
Console.WriteLine("done");
