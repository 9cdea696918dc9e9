using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using SdPortal.Web.Api;

namespace SdPortal.Web.Identity;

/// <summary>
/// The per-IP budget of sign-in attempts against credential stuffing (R19), one counter per address shared by every door:
/// the API's login route, the sign-in page, and the password-reset routes and pages (which send mail on request). A
/// separate budget per door would hand an attacker a multiple of the limit.
/// </summary>
public sealed class SignInAttemptLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public SignInAttemptLimiter(IOptions<AuthOptions> options)
    {
        var auth = options.Value;
        _limiter = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address,
            _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = auth.LoginAttemptsPerWindow,
                Window = TimeSpan.FromSeconds(auth.LoginWindowSeconds),
                QueueLimit = 0,
            }));
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

    public void Dispose() => _limiter.Dispose();
}

/// <summary>Answers 429 with <c>Retry-After</c> and problem details when the caller's address has used its sign-in budget.</summary>
internal sealed class SignInAttemptFilter(SignInAttemptLimiter limiter) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (limiter.TryAcquire(http.Connection.RemoteIpAddress) is not { } retryAfter)
        {
            return await next(context);
        }

        var seconds = RetryAfterHeader.Set(http.Response, retryAfter);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many attempts",
            detail: $"Too many sign-in attempts from this address: try again in {seconds} s.");
    }
}
