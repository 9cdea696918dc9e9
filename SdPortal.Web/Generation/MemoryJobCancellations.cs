using System.Collections.Concurrent;

namespace SdPortal.Web.Generation;

/// <summary><see cref="JobCancellations"/> of the one web node of the embedded default.</summary>
public sealed class MemoryJobCancellations(TimeProvider time) : JobCancellations
{
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _requested = new();

    public override ValueTask RequestAsync(Guid jobId)
    {
        var now = time.GetUtcNow();
        _requested[jobId] = now;
        foreach (var stale in _requested.Where(r => now - r.Value > KeepFor))
        {
            _requested.TryRemove(stale);
        }

        return ValueTask.CompletedTask;
    }

    public override ValueTask<bool> IsRequestedAsync(Guid jobId) => ValueTask.FromResult(_requested.ContainsKey(jobId));

    public override ValueTask ForgetAsync(Guid jobId)
    {
        _requested.TryRemove(jobId, out _);
        return ValueTask.CompletedTask;
    }
}
