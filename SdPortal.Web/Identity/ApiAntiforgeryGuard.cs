using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using SdPortal.Web.Api;

namespace SdPortal.Web.Identity;

/// <summary>
/// Refuses a state-changing REST call (POST, PUT, PATCH, DELETE under <c>/api</c>) that authenticated with the sign-in
/// cookie but carries no valid antiforgery token in the <see cref="HeaderName"/> header: the cookie is an ambient
/// credential a browser attaches to a request another site triggers (CSRF). Bearer tokens and API keys are sent only by
/// code that holds them, so their calls pass untouched. Nothing in the UI calls the API with the cookie (pages call
/// services over the circuit; the account forms post to <c>/account</c>); the rule is for whatever might. See ADR-014.
/// </summary>
public sealed partial class ApiAntiforgeryGuard(RequestDelegate next, IAntiforgery antiforgery, ILogger<ApiAntiforgeryGuard> logger)
{
    public const string HeaderName = "RequestVerificationToken";

    internal const string RefusalTitle = "Antiforgery token required";

    public async Task InvokeAsync(HttpContext http)
    {
        if (MachinePaths.IsRestApi(http.Request.Path) && !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method)
            && !HttpMethods.IsOptions(http.Request.Method) && !HttpMethods.IsTrace(http.Request.Method)
            && IsCookieAuthenticated(http) && !await antiforgery.IsRequestValidAsync(http))
        {
            LogRefused(logger, http.Request.Method, http.Request.Path);
            await Results.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: RefusalTitle,
                detail: $"This call authenticated with the sign-in cookie and has no valid antiforgery token in the {HeaderName} header, " +
                        "so it was refused and nothing was changed. Send the token, or call the API with a bearer token or an API key.")
                .ExecuteAsync(http);
            return;
        }

        await next(http);
    }

    /// <summary>The cookie is what authenticated this request: the policy scheme chose it (no key, no Authorization) and it held a user.</summary>
    private static bool IsCookieAuthenticated(HttpContext http) =>
        http.User.Identity?.IsAuthenticated == true && PortalIdentityExtensions.SelectScheme(http) == IdentityConstants.ApplicationScheme;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cookie-authenticated {Method} {Path} without a valid antiforgery token refused")]
    private static partial void LogRefused(ILogger logger, string method, PathString path);
}
