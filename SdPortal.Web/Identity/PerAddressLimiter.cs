using System.Net;
using System.Threading.RateLimiting;

namespace SdPortal.Web.Identity;

/// <summary>
/// A fixed-window budget per remote IP address, callable from an endpoint filter, a handler or a statically rendered
/// form alike (ASP.NET Core's rate-limiter middleware partitions cannot be shared with a form handler; ADR-002).
/// </summary>
public abstract class PerAddressLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    protected PerAddressLimiter(int permitsPerWindow, TimeSpan window)
    {
        _limiter = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permitsPerWindow, Window = window, QueueLimit = 0 }));
    }

    /// <summary>Takes one attempt for <paramref name="address"/>: null when allowed, else how long until the next window.</summary>
    public TimeSpan? TryAcquire(IPAddress? address)
    {
        using var lease = _limiter.AttemptAcquire(address?.ToString() ?? "unknown");
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _limiter.Dispose();
        }
    }
}
