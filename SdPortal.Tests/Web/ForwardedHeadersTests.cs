using System.Net;
using System.Net.Http.Json;
using SdPortal.Data;
using SdPortal.Tests.Browser;
using SdPortal.Tests.Support;
using Xunit.Abstractions;

namespace SdPortal.Tests.Web;

/// <summary>
/// X-Forwarded-For and X-Forwarded-Proto count only from a listed proxy (Portal:TrustedProxies). Real Kestrel on
/// loopback: the test server has no remote address, and the peer here is 127.0.0.1.
/// </summary>
public sealed class ForwardedHeadersTests(ITestOutputHelper output)
{
    private const int Limit = 3;

    [Fact]
    public async Task ForgedForwardedHeaders_FromAnUnlistedPeer_LeaveTheLimitBucketAndTheCookieAlone()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, LimitSettings());
        portal.StartOnKestrel();
        var owner = await portal.RegisterTenantAsync("Spoofers");
        using var http = RawClient(portal);

        // The sign-in form with a forged https: the request came over http from an unlisted peer, so no Secure flag.
        var session = new CookieSession(http, r => r.Headers.Add("X-Forwarded-Proto", "https"));
        var signedIn = await session.SignInAsync(owner.Email, owner.Password);
        var cookie = session.AttributesOf(CookieSession.SignInCookie);

        // One attempt is spent; each further one claims a different client address.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 2 * Limit; i++)
        {
            statuses.Add(await LoginAsync(http, $"203.0.113.{i + 1}"));
        }

        var rejected = statuses.Count(s => s == HttpStatusCode.TooManyRequests);
        output.WriteLine($"unlisted peer: sign-in HTTP {(int)signedIn.StatusCode}, cookie attributes [{string.Join(", ", cookie ?? [])}]; " +
                         $"{statuses.Count} logins with {statuses.Count} forged X-Forwarded-For: 429 = {rejected} (limit {Limit} per IP, 1 already spent)");
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.NotNull(cookie);
        Assert.DoesNotContain("secure", cookie);
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, Limit - 1), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, Limit + 1)], statuses);
    }

    [Fact]
    public async Task ListedProxy_GivesEachForwardedClientItsOwnBucket_AndItsHttpsMakesTheCookieSecure()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, LimitSettings(("Portal:TrustedProxies:0", "127.0.0.1")));
        portal.StartOnKestrel();
        var owner = await portal.RegisterTenantAsync("Proxied");
        using var http = RawClient(portal);

        var session = new CookieSession(http, r =>
        {
            r.Headers.Add("X-Forwarded-Proto", "https");
            r.Headers.Add("X-Forwarded-For", "192.0.2.10");
        });
        var signedIn = await session.SignInAsync(owner.Email, owner.Password);
        var cookie = session.AttributesOf(CookieSession.SignInCookie);

        var distinct = new List<HttpStatusCode>();
        for (var i = 0; i < 2 * Limit; i++)
        {
            distinct.Add(await LoginAsync(http, $"203.0.113.{i + 1}"));
        }

        var oneClient = new List<HttpStatusCode>();
        for (var i = 0; i <= Limit; i++)
        {
            // A chain: the client as seen by an outer proxy, then that proxy (listed) as seen by ours.
            oneClient.Add(await LoginAsync(http, "198.51.100.7, 127.0.0.1"));
        }

        output.WriteLine($"listed proxy 127.0.0.1: sign-in with X-Forwarded-Proto https HTTP {(int)signedIn.StatusCode}, cookie attributes [{string.Join(", ", cookie ?? [])}]; " +
                         $"{distinct.Count} logins from {distinct.Count} forwarded clients: 429 = {distinct.Count(s => s == HttpStatusCode.TooManyRequests)}; " +
                         $"{oneClient.Count} from one forwarded client: 429 = {oneClient.Count(s => s == HttpStatusCode.TooManyRequests)}");
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Contains("secure", cookie!);
        Assert.All(distinct, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, Limit), HttpStatusCode.TooManyRequests], oneClient);
    }

    [Theory]
    [InlineData("https://portal.example", true, "https", true)]
    [InlineData("https://portal.example", true, null, false)]
    [InlineData("https://portal.example", false, "https", false)]
    [InlineData("http://portal.example", true, "https", false)]
    public async Task Hsts_IsSentOnlyWhenThePublicUrlIsHttps_AndTheRequestCameOverHttps(string publicUrl, bool trustLoopback, string? forwardedProto, bool expected)
    {
        var settings = new Dictionary<string, string?> { ["Portal:PublicBaseUrl"] = publicUrl };
        if (trustLoopback)
        {
            settings["Portal:TrustedProxies:0"] = "127.0.0.0/8";
        }

        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, settings);
        portal.StartOnKestrel();
        using var http = RawClient(portal);
        var paths = new[] { "/account/login", "/api/v1/tenant", "/app.css", "/no-such-page" };

        var withHsts = 0;
        foreach (var path in paths)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
            if (forwardedProto is not null)
            {
                request.Headers.Add("X-Forwarded-Proto", forwardedProto);
            }

            using var response = await http.SendAsync(request);
            if (response.Headers.TryGetValues("Strict-Transport-Security", out var hsts))
            {
                Assert.Equal("max-age=31536000", Assert.Single(hsts));
                withHsts++;
            }
        }

        output.WriteLine($"public URL {publicUrl}, loopback trusted: {trustLoopback}, X-Forwarded-Proto: {forwardedProto ?? "none"}: HSTS on {withHsts} of {paths.Length} responses");
        Assert.Equal(expected ? paths.Length : 0, withHsts);
    }

    private static Dictionary<string, string?> LimitSettings(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?> { ["Auth:LoginAttemptsPerWindow"] = $"{Limit}", ["Auth:LoginWindowSeconds"] = "3600" };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>A client over a real socket to the Kestrel portal, with no cookie container and no redirects followed.</summary>
    private static HttpClient RawClient(PortalWebFactory portal) =>
        new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(portal.Url("/")) };

    private static async Task<HttpStatusCode> LoginAsync(HttpClient http, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/auth/login", UriKind.Relative))
        {
            Content = JsonContent.Create(new { email = "nobody@example.test", password = "wrong-password-1" }),
        };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
