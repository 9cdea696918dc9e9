using Microsoft.Extensions.Options;
using SdPortal.Web.Hosting;

namespace SdPortal.Web.Identity;

/// <summary>
/// Refuses a browser's cross-origin connection to the Blazor circuit (<c>/_blazor</c>) and the hubs (<c>/hubs/*</c>).
/// SignalR checks no Origin of its own and CORS does not cover WebSockets, so without this any site could open a
/// circuit that carries the visitor's sign-in cookie (cross-site WebSocket hijacking). See ADR-014.
/// </summary>
public sealed partial class CrossOriginGuard(RequestDelegate next, IOptions<BrowserOriginOptions> options, PublicUrl publicUrl, ILogger<CrossOriginGuard> logger)
{
    // The public origin is always the portal's own: behind a TLS-terminating proxy the request may still read http (no
    // proxy listed) while the browser's Origin says https, and no one need repeat it in Portal:AllowedOrigins.
    private readonly Uri[] _allowed = [ParseOrigin(publicUrl.Origin)!, .. options.Value.AllowedOrigins.Select(o => ParseOrigin(o)!)];

    public async Task InvokeAsync(HttpContext http)
    {
        // A request without Origin goes on: browsers always send Origin on a WebSocket handshake and on a cross-origin
        // fetch or POST, so its absence means a non-browser client (the .NET SignalR client of API users, curl), which
        // carries no ambient cookie of a victim and authenticates with its own token or key.
        if (IsRealtimePath(http.Request.Path) && http.Request.Headers.Origin is [{ } origin, ..] && !IsAllowed(http.Request, origin))
        {
            LogRefused(logger, origin, http.Request.Path);
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            // A body, so the status-code pages leave the refusal as it is.
            await http.Response.WriteAsync("Cross-origin request refused.", http.RequestAborted);
            return;
        }

        await next(http);
    }

    /// <summary>The origin in <paramref name="value"/> (<c>scheme://host[:port]</c>, http or https, no path), or null.</summary>
    internal static Uri? ParseOrigin(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && uri.AbsolutePath == "/" && uri.Query.Length == 0 && uri.Fragment.Length == 0 && uri.UserInfo.Length == 0
            ? uri
            : null;

    private static bool IsRealtimePath(PathString path) => path.StartsWithSegments("/_blazor") || path.StartsWithSegments("/hubs");

    private bool IsAllowed(HttpRequest request, string origin)
    {
        // "null" (sandboxed frames, file: pages) and anything else unparsable is foreign.
        if (ParseOrigin(origin) is not { } parsed)
        {
            return false;
        }

        // The portal's own origin as this request reached it (a browser cannot forge Host to match a foreign Origin), then
        // the public origin and the listed ones.
        var own = ParseOrigin($"{request.Scheme}://{request.Host.Value}");
        return (own is not null && SameOrigin(parsed, own)) || _allowed.Any(allowed => SameOrigin(parsed, allowed));
    }

    private static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cross-origin request from {Origin} to {Path} refused")]
    private static partial void LogRefused(ILogger logger, string origin, PathString path);
}
