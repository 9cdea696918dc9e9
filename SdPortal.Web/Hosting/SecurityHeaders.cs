using System.Security.Cryptography;
using SdPortal.Web.Operators;

namespace SdPortal.Web.Hosting;

/// <summary>
/// Sets the browser-facing security headers on every response, error pages included: they are written when the response
/// starts, after everything else (the exception handler clears headers it finds, not a callback still to run). A page
/// gets the portal's Content-Security-Policy; anything that is not HTML (API JSON, problem details, static files, images)
/// gets one that lets it do nothing if a browser ever renders it as a document. See ADR-014.
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next, PublicUrl publicUrl)
{
    private const string NonceKey = "SdPortal.CspNonce";

    /// <summary>A year, the usual HSTS lifetime; without includeSubDomains or preload, which would bind hosts we do not run.</summary>
    internal const string HstsValue = "max-age=31536000";

    internal const string NonDocumentPolicy = "default-src 'none'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext http)
    {
        http.Response.OnStarting(() =>
        {
            Apply(http);
            return Task.CompletedTask;
        });
        return next(http);
    }

    /// <summary>
    /// The nonce of this response's script-src, made on first use: the pages' only inline script is Blazor's import map
    /// (<c>&lt;ImportMap&gt;</c>), which must carry it. A response that asks for none gets a policy without one.
    /// </summary>
    public static string NonceFor(HttpContext http)
    {
        if (http.Items[NonceKey] is not string nonce)
        {
            nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
            http.Items[NonceKey] = nonce;
        }

        return nonce;
    }

    private void Apply(HttpContext http)
    {
        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        // The reset-password and invitation pages carry their token in the query: no-referrer keeps it out of every
        // Referer, even to our own static files (proxy and CDN logs). Nothing in the portal reads Referer.
        headers["Referrer-Policy"] = "no-referrer";
        // CSP frame-ancestors for current browsers, X-Frame-Options for those that predate it (clickjacking).
        headers.XFrameOptions = "DENY";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Permissions-Policy"] = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()";
        headers.ContentSecurityPolicy = PolicyFor(http);

        // Only over HTTPS (RFC 6797 §7.2: browsers ignore it over http); a request that reached a trusted TLS-terminating
        // proxy counts, as ForwardedHeaders ran first. Hosts are not excluded (ASP.NET Core's UseHsts skips localhost):
        // the switch is the configured public URL being https.
        if (publicUrl.IsHttps && http.Request.IsHttps)
        {
            headers.StrictTransportSecurity = HstsValue;
        }
    }

    private static string PolicyFor(HttpContext http)
    {
        if (http.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) != true)
        {
            return NonDocumentPolicy;
        }

        if (http.Request.Path.StartsWithSegments(OperatorDashboardExtensions.DashboardPath))
        {
            // Hangfire's dashboard writes inline scripts and handlers of its own that we cannot nonce. It is for operators
            // only, renders job state rather than tenant content, and keeps every other restriction.
            return "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
                   "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'";
        }

        var nonce = http.Items[NonceKey] is string n ? $" 'nonce-{n}'" : string.Empty;
        // Scripts: our files and Blazor's import map (nonce); no inline code, no eval (Blazor Server needs neither).
        // Styles: 'unsafe-inline' because MudBlazor writes style="" attributes on its components and a <style> block for
        // the theme's CSS variables; attributes cannot take a nonce or hash without 'unsafe-hashes' and a hash per value.
        // Style injection cannot run code. connect-src 'self' covers the circuit's ws:/wss: to the same host (CSP 3).
        // img-src data: for MudBlazor's inline SVG data URIs; previews and results are URLs on this origin (ADR-009).
        // form-action 'self': every form posts here; Stripe Checkout is a navigation, not a form post.
        return $"default-src 'self'; script-src 'self'{nonce}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
               "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'";
    }
}
