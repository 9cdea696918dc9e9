using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using SdPortal.Web.Hosting;

namespace SdPortal.Web.Identity;

/// <summary>
/// Every cookie the portal sets — Identity's (application, external, two-factor) and the antiforgery cookie — is
/// Secure whenever <c>Portal:PublicBaseUrl</c> is https, so no cookie ever travels over plain http, even on a request a
/// proxy forwarded without TLS. With an http public URL (the README's local run) the framework's defaults stay.
/// All are HttpOnly (the framework's default, written out here so it cannot drift). SameSite stays Lax for the sign-in
/// cookie: Strict would drop it on the return from Stripe Checkout and on links from mail, a cross-site navigation, and
/// show a signed-out page; Lax already withholds it from cross-site POSTs, and antiforgery covers the rest (ADR-014).
/// The antiforgery cookie keeps its Strict.
/// </summary>
internal sealed class SecureCookies(PublicUrl publicUrl) : IPostConfigureOptions<CookieAuthenticationOptions>, IPostConfigureOptions<AntiforgeryOptions>
{
    public void PostConfigure(string? name, CookieAuthenticationOptions options)
    {
        options.Cookie.HttpOnly = true;
        if (publicUrl.IsHttps)
        {
            options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        }
    }

    public void PostConfigure(string? name, AntiforgeryOptions options)
    {
        options.Cookie.HttpOnly = true;
        if (publicUrl.IsHttps)
        {
            options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        }
    }
}
