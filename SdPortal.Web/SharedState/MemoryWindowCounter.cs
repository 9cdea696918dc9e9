using System.Collections.Concurrent;

namespace SdPortal.Web.SharedState;

/// <summary>
/// <see cref="WindowCounter"/> of one process: the embedded default's, and the fallback of
/// <see cref="RedisWindowCounter"/> while Redis does not answer.
/// </summary>
public sealed class MemoryWindowCounter(TimeProvider time) : WindowCounter
{
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    public override ValueTask<TimeSpan?> TryAcquireAsync(string key, int limit, TimeSpan window)
    {
        var now = time.GetUtcNow();
        var updated = _windows.AddOrUpdate(key,
            _ => new Window(now + window, 1),
            (_, current) => current.EndsAt > now ? current with { Count = current.Count + 1 } : new Window(now + window, 1));
        if (_windows.Count > 10_000)
        {
            // Addresses come and go: ended windows are dropped once there are many.
            foreach (var ended in _windows.Where(w => w.Value.EndsAt <= now))
            {
                _windows.TryRemove(ended);
            }
        }

        return ValueTask.FromResult(updated.Count <= limit ? (TimeSpan?)null : updated.EndsAt - now);
    }

    private sealed record Window(DateTimeOffset EndsAt, int Count);
}
