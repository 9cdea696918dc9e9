using System.Net;
using SdPortal.Web.SharedState;

namespace SdPortal.Web.Identity;

/// <summary>
/// A fixed-window budget per remote IP address, callable from an endpoint filter, a handler or a statically rendered
/// form alike (ASP.NET Core's rate-limiter middleware partitions cannot be shared with a form handler; ADR-002). On a
/// <see cref="WindowCounter"/>: with Redis the budget holds across web nodes (ADR-022).
/// </summary>
public abstract class PerAddressLimiter(WindowCounter counter, string name, int permitsPerWindow, TimeSpan window)
{
    /// <summary>Takes one attempt for <paramref name="address"/>: null when allowed, else how long until the next window.</summary>
    public async ValueTask<TimeSpan?> TryAcquireAsync(IPAddress? address) =>
        await counter.TryAcquireAsync($"{name}:{address?.ToString() ?? "unknown"}", permitsPerWindow, window) is { } retryAfter
            ? (retryAfter > TimeSpan.Zero ? retryAfter : TimeSpan.FromSeconds(1))
            : null;
}
