using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SdPortal.Data;
using SdPortal.Tests.Support;
using SdPortal.Web.Generation;
using SdPortal.Web.Operators;
using SdPortal.Web.SharedState;
using StackExchange.Redis;

namespace SdPortal.Tests.SharedState;

/// <summary>
/// <c>AddSharedState</c> is the one place that picks memory or Redis (ADR-022): the embedded default has no Redis
/// connection at all; with <c>ConnectionStrings:Redis</c> every piece is the Redis one and the SignalR backplane uses
/// the same connection.
/// </summary>
public sealed class SharedStateRegistrationTests
{
    [Fact]
    public async Task TheEmbeddedDefault_KeepsEveryPieceInMemory_AndOpensNoRedisConnection()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database);
        var services = portal.Services;

        Assert.IsType<MemoryLivePreviews>(services.GetRequiredService<LivePreviews>());
        Assert.IsType<MemoryLiveProgress>(services.GetRequiredService<LiveProgress>());
        Assert.IsType<MemoryJobCancellations>(services.GetRequiredService<JobCancellations>());
        Assert.IsType<MemoryJobEventRelay>(services.GetRequiredService<JobEventRelay>());
        Assert.IsType<MemoryRunTimeAverage>(services.GetRequiredService<RunTimeAverage>());
        Assert.IsType<MemoryWorkerPool>(services.GetRequiredService<WorkerPool>());
        Assert.IsType<MemoryWindowCounter>(services.GetRequiredService<WindowCounter>());
        Assert.Null(services.GetService<IConnectionMultiplexer>());
    }

    [Fact]
    public async Task WithRedis_EveryPieceIsShared_AndTheBackplaneUsesTheSameConnection()
    {
        var redis = TestRedis.Create();
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, redis.Settings);
        var services = portal.Services;

        Assert.IsType<RedisLivePreviews>(services.GetRequiredService<LivePreviews>());
        Assert.IsType<RedisLiveProgress>(services.GetRequiredService<LiveProgress>());
        Assert.IsType<RedisJobCancellations>(services.GetRequiredService<JobCancellations>());
        Assert.IsType<RedisJobEventRelay>(services.GetRequiredService<JobEventRelay>());
        Assert.IsType<RedisRunTimeAverage>(services.GetRequiredService<RunTimeAverage>());
        Assert.IsType<RedisWorkerPool>(services.GetRequiredService<WorkerPool>());
        Assert.IsType<RedisWindowCounter>(services.GetRequiredService<WindowCounter>());
        var connection = services.GetRequiredService<IConnectionMultiplexer>();
        var backplane = services.GetRequiredService<IOptions<RedisOptions>>().Value;
        Assert.Same(connection, await backplane.ConnectionFactory!(TextWriter.Null));
        Assert.Equal(RedisChannel.Literal(redis.KeyPrefix), backplane.Configuration.ChannelPrefix);
        Assert.True(connection.IsConnected);
    }
}
