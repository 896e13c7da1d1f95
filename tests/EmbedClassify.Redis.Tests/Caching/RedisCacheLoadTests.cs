using EmbedClassify.Redis.Tests.TestDoubles;
using EmbedClassify.Testing;
using StackExchange.Redis;
using Microsoft.Extensions.Caching.StackExchangeRedis;

namespace EmbedClassify.Redis.Tests.Caching;

/// <summary>Issue 12's load test through the distributed-cache store on a real Redis (see DistributedCacheEmbeddingStoreTests for the setup).</summary>
public class RedisCacheLoadTests
{
    private string _connection = null!;

    [SetUp]
    public void SetUp()
    {
        _connection = RedisTestServer.Configuration();
    }

    [Test]
    public async Task SixteenCallers_PayForEveryDistinctTextExactlyOnce_AndGetTheProvidersVectors_DespiteFaults()
    {
        await using FakeOpenAIServer server = await FakeOpenAIServer.StartAsync();
        using var redis = new RedisCache(new RedisCacheOptions { Configuration = _connection, InstanceName = $"embedclassify-load:{Guid.NewGuid():N}:" });

        CacheLoadReport report = await CacheLoad.RunAsync(server, new DistributedCacheEmbeddingStore(redis));
        TestContext.Out.WriteLine(report);

        Assert.Multiple(() =>
        {
            Assert.That(report.DistinctTexts, Is.EqualTo(300 + (16 * 700)));
            Assert.That(report.TextsPaidFor, Is.EqualTo(report.DistinctTexts), "nothing paid twice, nothing lost");
            Assert.That(report.FaultedRequests, Is.GreaterThan(0), "faults were injected");
            Assert.That(report.WrongVectors, Is.Zero);
            Assert.That(report.Statistics.FailedWrites, Is.Zero);
        });
    }

    [Test]
    public async Task SixteenCallers_PayForEveryDistinctTextExactlyOnce_ThroughTheLeasingRedisStore_DespiteFaults()
    {
        await using FakeOpenAIServer server = await FakeOpenAIServer.StartAsync();
        using ConnectionMultiplexer redis = await ConnectionMultiplexer.ConnectAsync(_connection);
        var store = new EmbedClassify.Redis.RedisEmbeddingCacheStore(
            redis, new EmbedClassify.Redis.RedisEmbeddingCacheStoreOptions { KeyPrefix = $"embedclassify-load:{Guid.NewGuid():N}:" });

        CacheLoadReport report = await CacheLoad.RunAsync(server, store);
        TestContext.Out.WriteLine(report);

        Assert.Multiple(() =>
        {
            Assert.That(report.TextsPaidFor, Is.EqualTo(report.DistinctTexts), "nothing paid twice, nothing lost");
            Assert.That(report.FaultedRequests, Is.GreaterThan(0), "faults were injected");
            Assert.That(report.WrongVectors, Is.Zero);
            Assert.That(report.Statistics.LeaseWaits + report.Statistics.LeaseTakeovers, Is.Zero, "one instance: its own single flight shares every fetch");
        });
    }
}
