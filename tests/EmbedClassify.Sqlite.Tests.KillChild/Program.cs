// Usage: EmbedClassify.Sqlite.Tests.KillChild <database path> <OpenAI endpoint> <text count> <batch size>
// Prints "stored <n>" after each batch is committed to the database and "done" at the end.
using EmbedClassify;
using EmbedClassify.OpenAI;
using EmbedClassify.Sqlite;
using EmbedClassify.Sqlite.Tests.KillChild;

string path = args[0];
var endpoint = new Uri(args[1]);
int count = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
int batchSize = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);

using HttpClient http = KillChildWorkload.CreateHttpClient();
using var store = new SqliteEmbeddingCacheStore(path);
using var generator = new CachingEmbeddingGenerator(
    new OpenAIEmbeddingGenerator(KillChildWorkload.OpenAIOptions(endpoint), http),
    new ReportingCacheStore(store, Console.Out),
    KillChildWorkload.Options(batchSize));
await generator.GenerateAsync(KillChildWorkload.Texts(count), KillChildWorkload.GenerationOptions);
Console.WriteLine("done");
