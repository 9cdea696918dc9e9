using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SdPortal.Web.Generation;
using SdPortal.Web.Health;
using SdPortal.Web.Operators;
using StackExchange.Redis;

namespace SdPortal.Web.SharedState;

/// <summary>
/// The one place that decides where per-node state lives (ADR-022): in memory for the embedded default (one node, no
/// Redis), in Redis when <c>ConnectionStrings:Redis</c> is set — live steps and previews, cancels, job events for
/// circuits, worker reports, the run-time average and the rate-limit windows, plus the SignalR backplane, all on one
/// shared connection.
/// </summary>
public static class SharedStateExtensions
{
    /// <summary>The connection string that turns on shared state and the SignalR backplane (several web nodes).</summary>
    public const string RedisConnectionStringName = "Redis";

    public static IHostApplicationBuilder AddSharedState(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SharedStateOptions>().BindConfiguration(SharedStateOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<JobEventFeed>();
        if (builder.Configuration.GetConnectionString(RedisConnectionStringName) is not { Length: > 0 } redis)
        {
            services.AddSingleton<LiveProgress, MemoryLiveProgress>();
            services.AddSingleton<LivePreviews, MemoryLivePreviews>();
            services.AddSingleton<JobCancellations, MemoryJobCancellations>();
            services.AddSingleton<JobEventRelay, MemoryJobEventRelay>();
            services.AddSingleton<RunTimeAverage, MemoryRunTimeAverage>();
            services.AddSingleton<WorkerPool, MemoryWorkerPool>();
            services.AddSingleton<WindowCounter, MemoryWindowCounter>();
            return builder;
        }

        services.AddSingleton<IConnectionMultiplexer>(_ => Connect(redis));
        services.AddSingleton<RedisKeys>();
        services.AddSingleton<LiveProgress, RedisLiveProgress>();
        services.AddSingleton<LivePreviews, RedisLivePreviews>();
        services.AddSingleton<JobCancellations, RedisJobCancellations>();
        services.AddSingleton<RedisJobEventRelay>();
        services.AddSingleton<JobEventRelay>(sp => sp.GetRequiredService<RedisJobEventRelay>());
        services.AddHostedService(sp => sp.GetRequiredService<RedisJobEventRelay>());
        services.AddSingleton<RunTimeAverage, RedisRunTimeAverage>();
        services.AddSingleton<WorkerPool, RedisWorkerPool>();
        services.AddSingleton<WindowCounter, RedisWindowCounter>();

        services.AddSignalR().AddStackExchangeRedis();
        services.AddOptions<RedisOptions>().Configure<IConnectionMultiplexer, RedisKeys>((o, connection, keys) =>
        {
            o.Configuration.ChannelPrefix = keys.BackplanePrefix;
            o.ConnectionFactory = _ => Task.FromResult(connection);
        });
        services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", HealthStatus.Degraded, [HealthEndpointExtensions.ReadyTag]);
        return builder;
    }

    /// <summary>
    /// Connects without failing when Redis is down (it reconnects in the background) and fails commands at once while
    /// disconnected instead of queueing them, so a progress report never waits on a dead Redis.
    /// </summary>
    public static ConnectionMultiplexer Connect(string connectionString)
    {
        var configuration = ConfigurationOptions.Parse(connectionString);
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ClientName ??= $"sdportal-web-{Environment.MachineName}";
        return ConnectionMultiplexer.Connect(configuration);
    }
}
