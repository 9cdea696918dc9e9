using System.Globalization;

namespace SdPortal.Web.Api;

/// <summary>The one way a 429 states when to come back: whole seconds, rounded up, at least one.</summary>
internal static class RetryAfterHeader
{
    /// <summary>Sets <c>Retry-After</c> (unless the response has started) and returns the seconds it says.</summary>
    public static int Set(HttpResponse response, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        if (!response.HasStarted)
        {
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        return seconds;
    }
}
