using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace SdPortal.Web.SharedState;

/// <summary>
/// Redis answers a PING. Registered as <see cref="HealthStatus.Degraded"/> on failure: the node still serves (the
/// database is the truth; shared views degrade to this node's), so a Redis outage must not take every node out of the
/// load balancer at once.
/// </summary>
internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy($"PING {latency.TotalMilliseconds:F1} ms");
        }
        catch (Exception ex) when (RedisFailures.Is(ex))
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Redis does not answer.");
        }
    }
}
