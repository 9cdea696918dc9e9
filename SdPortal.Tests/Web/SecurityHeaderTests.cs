using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using SdPortal.Data;
using SdPortal.Tests.Support;
using Xunit.Abstractions;

namespace SdPortal.Tests.Web;

/// <summary>Every kind of response carries the browser-facing security headers; pages get the script policy with the import map's nonce.</summary>
public sealed partial class SecurityHeaderTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> Common = new()
    {
        ["X-Content-Type-Options"] = "nosniff",
        ["Referrer-Policy"] = "no-referrer",
        ["X-Frame-Options"] = "DENY",
        ["Cross-Origin-Opener-Policy"] = "same-origin",
    };

    [Fact]
    public async Task EveryKindOfResponse_CarriesTheSecurityHeaders_AndPagesTheirOwnScriptPolicy()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database);
        var (_, owner) = await portal.RegisterAndLoginAsync("Header Hunters");
        using var anonymous = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var kinds = new (string Kind, HttpClient Client, string Path, HttpStatusCode Status, bool Html)[]
        {
            ("page", anonymous, "/account/login", HttpStatusCode.OK, true),
            ("interactive page", anonymous, "/", HttpStatusCode.OK, true),
            ("API JSON", owner, "/api/v1/tenant", HttpStatusCode.OK, false),
            ("API error", anonymous, "/api/v1/tenant", HttpStatusCode.Unauthorized, false),
            ("API 404", owner, "/api/v1/no-such-route", HttpStatusCode.NotFound, false),
            ("static file", anonymous, "/app.css", HttpStatusCode.OK, false),
            // An unknown page answers a bodiless 404 today (the not-found page is not re-executed for it): no document.
            ("unknown page 404", anonymous, "/no-such-page", HttpStatusCode.NotFound, false),
            ("dashboard refusal", anonymous, "/hangfire", HttpStatusCode.Unauthorized, false),
        };

        var complete = 0;
        foreach (var (kind, client, path, status, html) in kinds)
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(status, response.StatusCode);
            foreach (var (name, value) in Common)
            {
                Assert.Equal(value, Header(response, name));
            }

            Assert.Contains("camera=()", Header(response, "Permissions-Policy"), StringComparison.Ordinal);
            Assert.Null(Header(response, "Strict-Transport-Security"));
            var policy = Header(response, "Content-Security-Policy");
            if (html)
            {
                // The page's script policy admits our files and the one nonce its import map carries, nothing inline.
                var scripts = Regex.Match(policy!, "script-src ([^;]+)").Groups[1].Value;
                var nonce = ImportMapNonce().Match(body).Groups["nonce"].Value;
                Assert.NotEmpty(nonce);
                Assert.Equal($"'self' 'nonce-{WebUtility.HtmlDecode(nonce)}'", scripts);
                Assert.Contains("object-src 'none'", policy, StringComparison.Ordinal);
                Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
                Assert.Contains("base-uri 'self'", policy, StringComparison.Ordinal);
                Assert.Contains("form-action 'self'", policy, StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal("default-src 'none'; frame-ancestors 'none'", policy);
            }

            complete++;
            output.WriteLine($"{kind,-18} GET {path}: HTTP {(int)response.StatusCode}, CSP {policy}");
        }

        output.WriteLine($"security headers complete on {complete} of {kinds.Length} kinds of response; HSTS over http = 0");
    }

    [Fact]
    public async Task PagesNonce_IsFreshForEveryResponse()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database);
        using var client = portal.CreateClient();

        var nonces = new HashSet<string>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await client.GetAsync(new Uri("/account/login", UriKind.Relative));
            nonces.Add(Regex.Match(Header(response, "Content-Security-Policy")!, "'nonce-([^']+)'").Groups[1].Value);
        }

        output.WriteLine($"distinct nonces over 5 pages = {nonces.Count}");
        Assert.Equal(5, nonces.Count);
        Assert.DoesNotContain(string.Empty, nonces);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;

    [GeneratedRegex("""<script type="importmap" nonce="(?<nonce>[^"]+)">""")]
    private static partial Regex ImportMapNonce();
}
