using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace SdPortal.Web.Generation;

/// <summary>
/// Per-tenant fixed one-minute window for submissions, in the service layer so that every way in (REST, a Blazor
/// circuit) is counted (R20). Per process: behind several web nodes a tenant gets the limit per node.
/// </summary>
public sealed class SubmitRateLimiter(IOptionsMonitor<GenerationOptions> options, TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<Guid, WindowCount> _windows = new();

    /// <summary>Counts one submission; null when allowed, otherwise how long until the window resets.</summary>
    public TimeSpan? TryAcquire(Guid tenantId)
    {
        var now = time.GetUtcNow();
        var start = new DateTimeOffset(now.Ticks - (now.Ticks % Window.Ticks), TimeSpan.Zero);
        var updated = _windows.AddOrUpdate(tenantId,
            _ => new WindowCount(start, 1),
            (_, current) => current.Start == start ? current with { Count = current.Count + 1 } : new WindowCount(start, 1));
        return updated.Count <= options.CurrentValue.SubmitsPerMinute ? null : start + Window - now;
    }

    private sealed record WindowCount(DateTimeOffset Start, int Count);
}
