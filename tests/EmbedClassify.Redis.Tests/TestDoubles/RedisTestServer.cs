using StackExchange.Redis;

namespace EmbedClassify.Redis.Tests.TestDoubles;

/// <summary>The redis-server the tests run against, named by EMBEDCLASSIFY_REDIS (.ci/run starts one on 127.0.0.1).</summary>
internal static class RedisTestServer
{
    private const string Variable = "EMBEDCLASSIFY_REDIS";

    /// <summary>
    /// Gets the configuration string of the server; ignores the calling test when none is set, or fails it under CI,
    /// where a missing server is a broken pipeline rather than a reason to skip.
    /// </summary>
    public static string Configuration()
    {
        string? connection = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(connection))
        {
            const string Message = $"Redis tests skipped: set {Variable}=127.0.0.1:port (CI starts redis-server)";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail($"{Variable} is not set although CI=true. {Message}");
            }

            Assert.Ignore(Message);
        }

        return connection;
    }

    /// <summary>Gets a key prefix no other test (or earlier run against the same server) uses.</summary>
    public static string FreshPrefix() => $"embedclassify-tests:{Guid.NewGuid():N}:";

    public static Task<ConnectionMultiplexer> ConnectAsync() => ConnectionMultiplexer.ConnectAsync(Configuration());
}
