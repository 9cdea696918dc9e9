using Microsoft.Extensions.Options;
using SdPortal.Web.Generation;
using StackExchange.Redis;

namespace SdPortal.Web.SharedState;

/// <summary>
/// <see cref="JobCancellations"/> as one Redis key per job with <see cref="SharedStateOptions.CancelSeconds"/> to live:
/// the node a host reports to sees a cancel made on any node at the next report. Without Redis the row's flag, written
/// by the canceller as well, is read at most once a second: slower, never lost.
/// </summary>
public sealed class RedisJobCancellations(IConnectionMultiplexer redis, RedisKeys keys, IOptions<SharedStateOptions> options, ILogger<RedisJobCancellations> logger)
    : JobCancellations
{
    public override async ValueTask RequestAsync(Guid jobId)
    {
        try
        {
            await redis.GetDatabase().StringSetAsync(keys.Cancel(jobId), 1, TimeSpan.FromSeconds(options.Value.CancelSeconds));
        }
        catch (Exception ex) when (RedisFailures.Is(ex))
        {
            RedisFailures.LogUnavailable(logger, ex, "cancel write", "the worker stops when the job row's flag is read (within a second)");
        }
    }

    public override async ValueTask<bool> IsRequestedAsync(Guid jobId)
    {
        try
        {
            return await redis.GetDatabase().KeyExistsAsync(keys.Cancel(jobId));
        }
        catch (Exception ex) when (RedisFailures.Is(ex))
        {
            RedisFailures.LogUnavailable(logger, ex, "cancel read", "the job row's flag decides");
            return false;
        }
    }

    public override async ValueTask ForgetAsync(Guid jobId)
    {
        try
        {
            await redis.GetDatabase().KeyDeleteAsync(keys.Cancel(jobId));
        }
        catch (Exception ex) when (RedisFailures.Is(ex))
        {
            RedisFailures.LogUnavailable(logger, ex, "cancel removal", "the request expires on its own");
        }
    }
}
