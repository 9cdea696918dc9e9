using System.Collections.Concurrent;

namespace SdPortal.Web.Generation;

/// <summary>
/// Cancel requests of running jobs, in memory on the web node that received them: the gateway answers the job's
/// next progress report with "cancel", so the worker stops within one step. The request is also stored on the job
/// row, which the gateway reads at start and, for jobs reporting to another web node, at most once a second.
/// </summary>
public sealed class JobCancellations(TimeProvider time)
{
    private static readonly TimeSpan KeepFor = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _requested = new();

    public void Request(Guid jobId)
    {
        var now = time.GetUtcNow();
        _requested[jobId] = now;
        foreach (var stale in _requested.Where(r => now - r.Value > KeepFor))
        {
            _requested.TryRemove(stale);
        }
    }

    public bool IsRequested(Guid jobId) => _requested.ContainsKey(jobId);

    public void Forget(Guid jobId) => _requested.TryRemove(jobId, out _);
}
