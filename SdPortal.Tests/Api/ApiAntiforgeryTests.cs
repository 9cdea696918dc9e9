using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SdPortal.Data;
using SdPortal.Tests.Support;
using Xunit.Abstractions;

namespace SdPortal.Tests.Api;

/// <summary>
/// Issue 13 item 9: a state-changing REST call that authenticates with the sign-in cookie needs an antiforgery token, or it
/// is refused (400) and changes nothing; bearer tokens and API keys are not ambient credentials and pass as before. The
/// routes come from the app's own endpoint table, so a route added later is covered without touching this test.
/// </summary>
public sealed partial class ApiAntiforgeryTests(ITestOutputHelper output)
{
    private const string RefusalTitle = "Antiforgery token required";

    private static readonly string[] Mutating = ["POST", "PUT", "PATCH", "DELETE"];

    [Fact]
    public async Task MutatingApiRoutes_WithOnlyTheSignInCookie_AreRefusedAndChangeNothing_WhileTokensAndKeysPass()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database);
        var (_, owner) = await portal.RegisterAndLoginAsync("Forgery Targets");
        var tenant = await portal.RegisterTenantAsync("Cookie Holders");
        var (_, apiKey) = await PortalWebFactory.CreateApiKeyAsync(owner);
        using var keyClient = portal.CreateBearerClient(apiKey);
        using var http = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var browser = new CookieSession(http);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(tenant.Email, tenant.Password)).StatusCode);
        // The token a page renders for this user (the sign-out form), as a script on the portal's own page could read it.
        var token = await browser.FormTokenAsync("/create");
        var routes = MutatingApiRoutes(portal);
        Assert.NotEmpty(routes);

        var before = await FingerprintAsync(portal);
        var acceptedWithoutToken = new List<string>();
        foreach (var (method, path) in routes)
        {
            using var response = await browser.SendAsync(new HttpMethod(method), path, JsonBody());
            var problem = await ProblemAsync(response);
            if (response.StatusCode != HttpStatusCode.BadRequest || problem.Title != RefusalTitle
                || problem.Detail?.Contains("antiforgery token", StringComparison.Ordinal) != true)
            {
                acceptedWithoutToken.Add($"{method} {path}: HTTP {(int)response.StatusCode} {problem.Title}");
            }
        }

        var after = await FingerprintAsync(portal);

        var refusedWithToken = await RefusedByTheGuardAsync(routes, (method, path) =>
            browser.SendAsync(new HttpMethod(method), path, JsonBody(), r => r.Headers.Add("RequestVerificationToken", token)));
        var refusedBearer = await RefusedByTheGuardAsync(routes, (method, path) => owner.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonBody() }));
        var refusedKey = await RefusedByTheGuardAsync(routes, (method, path) => keyClient.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonBody() }));

        output.WriteLine($"cookie-only mutating calls accepted = {acceptedWithoutToken.Count} of {routes.Count} routes; database rows changed: {(before == after ? "none" : "some")}");
        output.WriteLine($"refused by the guard: cookie + valid token {refusedWithToken.Count} of {routes.Count}; bearer token {refusedBearer.Count}; API key {refusedKey.Count}");
        output.WriteLine($"routes: {string.Join(", ", routes.Select(r => $"{r.Method} {r.Path}"))}");
        Assert.Empty(acceptedWithoutToken);
        Assert.Equal(before, after);
        Assert.Empty(refusedWithToken);
        Assert.Empty(refusedBearer);
        Assert.Empty(refusedKey);
    }

    [Fact]
    public async Task CookieCall_WithAnotherUsersToken_IsRefused_AndWithItsOwnTokenWorks()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database);
        var victim = await portal.RegisterTenantAsync("Victims");
        var attacker = await portal.RegisterTenantAsync("Attackers");
        using var http = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var attackerSession = new CookieSession(http);
        await attackerSession.SignInAsync(attacker.Email, attacker.Password);
        var attackersToken = await attackerSession.FormTokenAsync("/create");
        var victimSession = new CookieSession(http);
        await victimSession.SignInAsync(victim.Email, victim.Password);
        var victimsToken = await victimSession.FormTokenAsync("/create");

        using var response = await victimSession.SendAsync(HttpMethod.Post, "/api/v1/api-keys", JsonContent.Create(new { name = "planted" }),
            r => r.Headers.Add("RequestVerificationToken", attackersToken));
        using var control = await victimSession.SendAsync(HttpMethod.Post, "/api/v1/api-keys", JsonContent.Create(new { name = "own" }),
            r => r.Headers.Add("RequestVerificationToken", string.Empty));
        var refusedKeys = await portal.WithContextAsync(victim.TenantId, db => db.ApiKeys.IgnoreQueryFilters().CountAsync(k => k.TenantId == victim.TenantId));
        // Control: the user's own token, as a page of the portal would send it, passes and the call does its work.
        using var own = await victimSession.SendAsync(HttpMethod.Post, "/api/v1/api-keys", JsonContent.Create(new { name = "own" }),
            r => r.Headers.Add("RequestVerificationToken", victimsToken));
        var keys = await portal.WithContextAsync(victim.TenantId, db => db.ApiKeys.IgnoreQueryFilters().CountAsync(k => k.TenantId == victim.TenantId));

        output.WriteLine($"cookie call with another user's token: HTTP {(int)response.StatusCode}; with an empty token: HTTP {(int)control.StatusCode}; keys created = {refusedKeys}; " +
                         $"with the user's own token: HTTP {(int)own.StatusCode}, keys = {keys}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(RefusalTitle, (await ProblemAsync(response)).Title);
        Assert.Equal(HttpStatusCode.BadRequest, control.StatusCode);
        Assert.Equal(0, refusedKeys);
        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
        Assert.Equal(1, keys);
    }

    /// <summary>Every POST, PUT, PATCH and DELETE route under /api, its route values filled with fresh ids.</summary>
    private static List<(string Method, string Path)> MutatingApiRoutes(PortalWebFactory portal) =>
    [
        .. portal.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Intersect(Mutating)
                .Select(m => (m, RouteValue().Replace(e.RoutePattern.RawText!, _ => Guid.NewGuid().ToString()))))
            .Distinct().OrderBy(r => r.Item2, StringComparer.Ordinal),
    ];

    private static async Task<List<string>> RefusedByTheGuardAsync(List<(string Method, string Path)> routes, Func<string, string, Task<HttpResponseMessage>> send)
    {
        var refused = new List<string>();
        foreach (var (method, path) in routes)
        {
            using var response = await send(method, path);
            if ((await ProblemAsync(response)).Title == RefusalTitle)
            {
                refused.Add($"{method} {path}");
            }
        }

        return refused;
    }

    private static StringContent JsonBody() => new("{}", Encoding.UTF8, "application/json");

    private static async Task<(string? Title, string? Detail)> ProblemAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json" || body.Length == 0)
        {
            return (null, null);
        }

        using var json = JsonDocument.Parse(body);
        return (json.RootElement.TryGetProperty("title", out var t) ? t.GetString() : null, json.RootElement.TryGetProperty("detail", out var d) ? d.GetString() : null);
    }

    /// <summary>Every row of every table of the portal's database, as one string: equal before and after means nothing changed.</summary>
    private static Task<string> FingerprintAsync(PortalWebFactory portal) => portal.WithContextAsync(null, async db =>
    {
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var all = new StringBuilder();
        foreach (var table in tables)
        {
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await select.ExecuteReaderAsync();
            all.Append(table).Append(':');
            while (await reader.ReadAsync())
            {
                AppendRow(all, reader);
            }
        }

        return all.ToString();
    });

    private static void AppendRow(StringBuilder all, DbDataReader reader)
    {
        for (var i = 0; i < reader.FieldCount; i++)
        {
            all.Append(reader.IsDBNull(i) ? "∅" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)).Append('|');
        }

        all.Append('\n');
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteValue();
}
