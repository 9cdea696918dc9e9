using Microsoft.Extensions.Options;
using SdPortal.Web.Api;
using SdPortal.Web.SharedState;

namespace SdPortal.Web.Identity;

/// <summary>
/// The per-IP budget of sign-in attempts against credential stuffing (R19), one counter per address shared by every door:
/// the API's login route, the sign-in page, and the password-reset routes and pages (which send mail on request). A
/// separate budget per door would hand an attacker a multiple of the limit.
/// </summary>
public sealed class SignInAttemptLimiter(IOptions<AuthOptions> options, WindowCounter counter)
    : PerAddressLimiter(counter, "sign-in", options.Value.LoginAttemptsPerWindow, TimeSpan.FromSeconds(options.Value.LoginWindowSeconds));

/// <summary>Answers 429 with <c>Retry-After</c> and problem details when the caller's address has used its sign-in budget.</summary>
internal sealed class SignInAttemptFilter(SignInAttemptLimiter limiter) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (await limiter.TryAcquireAsync(http.Connection.RemoteIpAddress) is not { } retryAfter)
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
