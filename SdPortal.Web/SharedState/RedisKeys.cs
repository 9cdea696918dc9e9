using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace SdPortal.Web.SharedState;

/// <summary>Every Redis key and channel name the portal uses, in one place, under <see cref="SharedStateOptions.KeyPrefix"/>.</summary>
public sealed class RedisKeys(IOptions<SharedStateOptions> options)
{
    private string Prefix => options.Value.KeyPrefix;

    /// <summary>A running job's latest preview: the step (4 bytes, little-endian) then the PNG.</summary>
    public RedisKey Preview(Guid jobId) => $"{Prefix}:preview:{jobId:N}";

    /// <summary>A running job's latest step, as "step/total".</summary>
    public RedisKey Progress(Guid jobId) => $"{Prefix}:progress:{jobId:N}";

    /// <summary>Present while a cancel of the job is requested.</summary>
    public RedisKey Cancel(Guid jobId) => $"{Prefix}:cancel:{jobId:N}";

    /// <summary>The worker reports: a hash of worker name → JSON report with its arrival time.</summary>
    public RedisKey Workers => $"{Prefix}:workers";

    /// <summary>The moving average of run times, in seconds.</summary>
    public RedisKey RunTimeAverage => $"{Prefix}:run-seconds";

    /// <summary>A rate-limit window's counter.</summary>
    public RedisKey Window(string key) => $"{Prefix}:window:{key}";

    /// <summary>Every job event, for the circuits of every web node.</summary>
    public RedisChannel JobEvents => RedisChannel.Literal($"{Prefix}:job-events");

    /// <summary>The SignalR backplane's channel prefix.</summary>
    public RedisChannel BackplanePrefix => RedisChannel.Literal(Prefix);
}
