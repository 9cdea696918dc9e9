using Hangfire;
using Hangfire.Storage.Monitoring;
using SdPortal.Inference.Jobs;

namespace SdPortal.Web.Generation;

/// <summary>
/// How many workers serve the generation queue right now, across the web node and every inference host: the sum of
/// the workers of Hangfire servers that listen on <see cref="GenerationWork.Queue"/> and sent a heartbeat lately.
/// Cached briefly, because the dispatcher asks on every pass.
/// </summary>
public sealed class WorkerCapacity(JobStorage storage, TimeProvider time)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan AliveWithin = TimeSpan.FromMinutes(1);
    private (DateTimeOffset At, int Workers) _cached = (DateTimeOffset.MinValue, 0);

    public int Workers()
    {
        var now = time.GetUtcNow();
        var cached = _cached;
        if (now - cached.At < CacheFor)
        {
            return cached.Workers;
        }

        var workers = LiveServers(storage, now).Sum(s => s.WorkersCount);
        // Zero is not cached: a server that is just announcing itself should be used on the next pass.
        _cached = workers > 0 ? (now, workers) : cached;
        return workers;
    }

    /// <summary>The Hangfire servers that listen on the generation queue and sent a heartbeat within the last minute.</summary>
    public static IEnumerable<ServerDto> LiveServers(JobStorage storage, DateTimeOffset now) =>
        storage.GetMonitoringApi().Servers()
            .Where(s => s.Queues.Contains(GenerationWork.Queue) && s.Heartbeat is { } beat && now.UtcDateTime - beat < AliveWithin);
}
