using SdPortal.Web.Api;
using SdPortal.Web.Identity;

namespace SdPortal.Web.Account;

/// <summary>The sign-in budget on the statically rendered account pages: the same per-IP counter as the API (R19).</summary>
internal static class AccountPageLimits
{
    /// <summary>
    /// Takes one attempt for the request's address; when the budget is spent, sets 429 with <c>Retry-After</c> and
    /// returns the message for the form, else null.
    /// </summary>
    public static async Task<string?> RefusalAsync(this PerAddressLimiter limiter, HttpContext http)
    {
        if (await limiter.TryAcquireAsync(http.Connection.RemoteIpAddress) is not { } retryAfter)
        {
            return null;
        }

        var seconds = RetryAfterHeader.Set(http.Response, retryAfter);
        if (!http.Response.HasStarted)
        {
            http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        }

        return $"Too many attempts from your network: try again in {seconds} seconds.";
    }
}
