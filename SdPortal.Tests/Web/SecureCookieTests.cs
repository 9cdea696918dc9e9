using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SdPortal.Data;
using SdPortal.Tests.Support;
using Xunit.Abstractions;

namespace SdPortal.Tests.Web;

/// <summary>With an https public URL every cookie is Secure; with an http one (the README's local run) cookies follow the request.</summary>
public sealed class SecureCookieTests(ITestOutputHelper output)
{
    [Fact]
    public async Task HttpsPublicUrl_MakesEveryCookieSecure_AndNeverSetsOneWithoutOverHttp()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, new Dictionary<string, string?> { ["Portal:PublicBaseUrl"] = "https://portal.example" });
        var owner = await portal.RegisterTenantAsync("Cookie Jar");
        using var https = portal.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false, HandleCookies = false });
        using var http = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

        var session = new CookieSession(https);
        var signedIn = await session.SignInAsync(owner.Email, owner.Password);
        // Over plain http (a proxy forwarding without TLS and not listed) the portal sets no cookie that lacks Secure.
        var plain = new CookieSession(http);
        using var plainPage = await plain.SendAsync(HttpMethod.Get, "/account/login");
        var schemes = await portal.Services.GetRequiredService<IAuthenticationSchemeProvider>().GetAllSchemesAsync();
        var cookieOptions = portal.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>();
        var cookieSchemes = schemes.Where(s => s.HandlerType == typeof(CookieAuthenticationHandler)).Select(s => s.Name).ToList();
        var alwaysSecure = cookieSchemes.Count(name => cookieOptions.Get(name).Cookie.SecurePolicy == CookieSecurePolicy.Always);
        var antiforgery = portal.Services.GetRequiredService<IOptions<AntiforgeryOptions>>().Value.Cookie.SecurePolicy;

        output.WriteLine($"https public URL: Set-Cookie over https: {session.SetCookies.Count}, with Secure: {session.SetCookies.Count(IsSecure)}; " +
                         $"over http: {plain.SetCookies.Count} without Secure: {plain.SetCookies.Count(c => !IsSecure(c))} (page HTTP {(int)plainPage.StatusCode}); " +
                         $"cookie schemes Always secure: {alwaysSecure} of {cookieSchemes.Count}; antiforgery: {antiforgery}");
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.True(session.HasCookie(CookieSession.SignInCookie));
        Assert.Contains(session.SetCookies, c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        Assert.All(session.SetCookies, c => Assert.True(IsSecure(c) && c.Contains("httponly", StringComparison.OrdinalIgnoreCase), c));
        Assert.Contains("samesite=lax", session.AttributesOf(CookieSession.SignInCookie)!);
        Assert.All(plain.SetCookies, c => Assert.True(IsSecure(c), c));
        Assert.True(cookieSchemes.Count >= 2, string.Join(", ", cookieSchemes));
        Assert.Equal(cookieSchemes.Count, alwaysSecure);
        Assert.Equal(CookieSecurePolicy.Always, antiforgery);
    }

    [Fact]
    public async Task HttpPublicUrl_KeepsCookiesUsableOverHttp()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database);
        var owner = await portal.RegisterTenantAsync("Local Run");
        using var http = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var session = new CookieSession(http);

        var signedIn = await session.SignInAsync(owner.Email, owner.Password);

        output.WriteLine($"http public URL: Set-Cookie over http: {session.SetCookies.Count}, with Secure: {session.SetCookies.Count(IsSecure)}");
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.True(session.HasCookie(CookieSession.SignInCookie));
        Assert.DoesNotContain(session.SetCookies, IsSecure);
        Assert.All(session.SetCookies, c => Assert.Contains("httponly", c, StringComparison.OrdinalIgnoreCase));
    }

    private static bool IsSecure(string setCookie) =>
        setCookie.Split(';').Skip(1).Any(a => a.Trim().Equals("secure", StringComparison.OrdinalIgnoreCase));
}
