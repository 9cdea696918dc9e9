using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Tests.Support;
using Xunit.Abstractions;

namespace SdPortal.Tests.Api;

/// <summary>
/// R30: bad input answers a 4xx problem details naming the field, in Development (the README's `dotnet run`) as in
/// Production; no stack trace, exception text, or echo of the caller's headers and API key; nothing written.
/// </summary>
public sealed class HostileInputTests(ITestOutputHelper output)
{
    private const string OperatorEmail = "ops@hostile.test";
    private const string Marker = "marker-7f3a9c-header-value";

    /// <summary>One hostile request and the answer it must get: the status and the field the problem names.</summary>
    private sealed record Probe(string Name, HttpMethod Method, string Path, HttpContent? Body, int Status, string? Field = null);

    private static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    private static StringContent JsonOf(object value) => JsonBody(JsonSerializer.Serialize(value, PortalWebFactory.Json));

    private static IEnumerable<Probe> Probes(Guid tenantId)
    {
        yield return new("truncated JSON", HttpMethod.Post, "/api/v1/generations", JsonBody("{\"prompt\":"), 400, "body");
        yield return new("JSON array for an object", HttpMethod.Post, "/api/v1/generations", JsonBody("[1,2]"), 400, "body");
        yield return new("string for a number", HttpMethod.Post, "/api/v1/generations", JsonBody("{\"prompt\":\"x\",\"width\":\"wide\"}"), 400, "width");
        yield return new("number beyond int", HttpMethod.Post, "/api/v1/generations", JsonBody("{\"prompt\":\"x\",\"batchSize\":1e99}"), 400, "batchSize");
        yield return new("seed beyond long", HttpMethod.Post, "/api/v1/generations", JsonBody("{\"prompt\":\"x\",\"seed\":9223372036854775808}"), 400, "seed");
        yield return new("largest seed with a batch of 2", HttpMethod.Post, "/api/v1/generations", JsonOf(new { prompt = "x", seed = long.MaxValue, batchSize = 2 }), 400, "seed");
        yield return new("prompt over the limit", HttpMethod.Post, "/api/v1/generations", JsonOf(new { prompt = new string('a', 4001) }), 400, "prompt");
        yield return new("negative prompt over the limit", HttpMethod.Post, "/api/v1/generations", JsonOf(new { prompt = "x", negativePrompt = new string('b', 4001) }), 400, "negativePrompt");
        yield return new("control character in a prompt", HttpMethod.Post, "/api/v1/generations", JsonOf(new { prompt = "a\u0007b" }), 400, "prompt");
        yield return new("10 MB prompt", HttpMethod.Post, "/api/v1/generations", JsonOf(new { prompt = new string('a', 10 * 1024 * 1024) }), 413);
        yield return new("plain text body", HttpMethod.Post, "/api/v1/generations", new StringContent("prompt=x", Encoding.UTF8, "text/plain"), 415);
        yield return new("long model name", HttpMethod.Post, "/api/v1/generations", JsonOf(new { prompt = "x", model = new string('m', 3000) }), 400, "model");
        yield return new("long scheduler name", HttpMethod.Post, "/api/v1/generations", JsonOf(new { prompt = "x", scheduler = new string('s', 3000) }), 400, "scheduler");
        yield return new("cost query of the wrong type", HttpMethod.Get, "/api/v1/generations/cost?width=wide", null, 400, "width");
        yield return new("cost that would overflow", HttpMethod.Get, "/api/v1/generations/cost?width=2147483647&height=2147483647&steps=2147483647&batchSize=2147483647", null, 400, "width");
        yield return new("cursor that is not one", HttpMethod.Get, "/api/v1/generations?cursor=%3Cscript%3E", null, 400, "cursor");
        yield return new("undefined role number", HttpMethod.Post, "/api/v1/tenant/invitations", JsonBody("{\"email\":\"a@hostile.test\",\"role\":99}"), 400, "role");
        yield return new("undefined role name", HttpMethod.Post, "/api/v1/tenant/invitations", JsonBody("{\"email\":\"a@hostile.test\",\"role\":\"Root\"}"), 400, "role");
        yield return new("role as a digit string", HttpMethod.Post, "/api/v1/tenant/invitations", JsonBody("{\"email\":\"a@hostile.test\",\"role\":\"2\"}"), 400, "role");
        yield return new("roles combined", HttpMethod.Post, "/api/v1/tenant/invitations", JsonBody("{\"email\":\"a@hostile.test\",\"role\":\"Member, Owner\"}"), 400, "role");
        yield return new("NUL in an API key name", HttpMethod.Post, "/api/v1/api-keys", JsonOf(new { name = "ci\u0000key" }), 400, "name");
        yield return new("line break in an API key name", HttpMethod.Post, "/api/v1/api-keys", JsonOf(new { name = "ci\r\nInjected: yes" }), 400, "name");
        yield return new("no body at all", HttpMethod.Post, "/api/v1/api-keys", null, 400);
        yield return new("undefined tenant status", HttpMethod.Put, $"/api/v1/admin/tenants/{tenantId}/status", JsonBody("{\"status\":7}"), 400, "status");
        // The webhook's own limit (1 MiB) wins over the JSON API's 64 KiB: a large unsigned event reaches the signature check.
        yield return new("unsigned webhook of 200 KiB", HttpMethod.Post, "/api/v1/billing/stripe/webhook", JsonBody("{\"id\":\"evt_1\",\"pad\":\"" + new string('p', 200 * 1024) + "\"}"), 400);
        yield return new("webhook body over 1 MiB", HttpMethod.Post, "/api/v1/billing/stripe/webhook", JsonBody("{\"id\":\"evt_1\",\"pad\":\"" + new string('p', 2 * 1024 * 1024) + "\"}"), 413);
    }

    [Theory]
    [InlineData("Development")]
    [InlineData("Production")]
    public async Task HostileRequests_AnswerProblemDetailsNamingTheField_WithNothingLeakedOrWritten(string environment)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, new Dictionary<string, string?> { ["Portal:Operators:0"] = OperatorEmail })
        {
            EnvironmentName = environment,
        };
        // Kestrel, not the in-memory test server: body limits are the real server's to enforce.
        portal.UseKestrel(0);
        portal.StartServer();
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Hostile");
        var (_, apiKey) = await PortalWebFactory.CreateApiKeyAsync(owner);
        await portal.RegisterTenantAsync("Ops", OperatorEmail);
        using var operatorClient = await portal.LoginAsync(OperatorEmail);
        var before = await CountRowsAsync(portal);

        var (fivexx, leaks, wrong) = (0, 0, new List<string>());
        var probes = Probes(tenant.TenantId).ToList();
        foreach (var probe in probes)
        {
            using var client = probe.Path.Contains("/admin/", StringComparison.Ordinal) ? null : portal.CreateClient();
            var sender = client ?? operatorClient;
            using var request = new HttpRequestMessage(probe.Method, new Uri(probe.Path, UriKind.Relative)) { Content = probe.Body };
            if (client is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            }

            request.Headers.Add("X-Probe", Marker);
            // As a careful client uploads a large body: the server can refuse it before it is sent (otherwise Kestrel
            // answers 413 and closes the connection while the client is still writing, and the client sees a broken pipe).
            request.Headers.ExpectContinue = probe.Status == 413;
            using var response = await sender.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            fivexx += (int)response.StatusCode >= 500 ? 1 : 0;
            var leaked = text.Contains(Marker, StringComparison.Ordinal) || text.Contains(apiKey, StringComparison.Ordinal)
                         || text.Contains("   at ", StringComparison.Ordinal) || text.Contains("Exception", StringComparison.Ordinal)
                         || text.Contains("System.", StringComparison.Ordinal) || text.Length > 4096;
            leaks += leaked ? 1 : 0;
            var field = probe.Field is null ? null : ProblemField(text, probe.Field);
            if ((int)response.StatusCode != probe.Status || response.Content.Headers.ContentType?.MediaType != "application/problem+json"
                || (probe.Field is not null && field is null) || leaked)
            {
                wrong.Add($"{probe.Name}: HTTP {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType} {Truncate(text)}");
            }
        }

        var after = await CountRowsAsync(portal);
        output.WriteLine($"R30 ({environment}): {probes.Count} hostile requests; 5xx = {fivexx}; stack traces or echoed headers = {leaks}; wrong answers = {wrong.Count}; rows written = {after - before}");
        wrong.ForEach(output.WriteLine);
        Assert.Empty(wrong);
        Assert.Equal((0, 0, 0L), (fivexx, leaks, after - before));
    }

    [Theory]
    [InlineData("Development")]
    [InlineData("Production")]
    public async Task AnUnexpectedError_AnswersA500WithATraceIdAndNoInternals(string environment)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database) { EnvironmentName = environment, TestServices = ExplodingLedger.Install };
        var (_, owner) = await portal.RegisterAndLoginAsync("Exploding");
        owner.DefaultRequestHeaders.Add("X-Probe", Marker);

        using var response = await owner.PostAsJsonAsync(new Uri("/api/v1/generations", UriKind.Relative), new { prompt = "a cat" }, PortalWebFactory.Json);
        var text = await response.Content.ReadAsStringAsync();
        output.WriteLine($"{environment}: HTTP {(int)response.StatusCode} {text}");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(text);
        Assert.False(string.IsNullOrWhiteSpace(problem.RootElement.GetProperty("traceId").GetString()));
        Assert.DoesNotContain(ExplodingLedger.Secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Marker, text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Development")]
    [InlineData("Production")]
    public async Task AFormPostThePortalCannotRead_AnswersAPageWithTheStatusAndATraceId_NotAStackTrace(string environment)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database) { EnvironmentName = environment };
        portal.UseKestrel(0);
        portal.StartServer();
        using var browser = portal.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false,
            BaseAddress = portal.ClientOptions.BaseAddress,
        });

        var answers = new List<string>();
        foreach (var (name, body) in new[]
                 {
                     ("over the 1 MiB form limit", "returnUrl=/&pad=" + new string('a', 2 * 1024 * 1024)),
                     ("without an antiforgery token", "returnUrl=/"),
                 })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/account/logout", UriKind.Relative))
            {
                Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
            };
            request.Headers.ExpectContinue = true;
            request.Headers.Add("X-Probe", Marker);
            using var response = await browser.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            answers.Add($"{name}: HTTP {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType}");
            output.WriteLine($"{environment}, {name}: HTTP {(int)response.StatusCode} {Truncate(text)}");

            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Request id: <code>", text, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
            Assert.DoesNotContain(Marker, text, StringComparison.Ordinal);
        }

        Assert.Equal(["over the 1 MiB form limit: HTTP 413 text/html", "without an antiforgery token: HTTP 400 text/html"], answers);
    }

    [Fact]
    public async Task Logout_WithAControlCharacterInTheReturnUrl_RedirectsHomeInsteadOfFailing()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database) { EnvironmentName = "Development" };
        using var browser = portal.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var token = await AntiforgeryForm.TokenAsync(browser, "/account/login");

        var answers = new List<string>();
        foreach (var returnUrl in new[] { "/gallery\u0001", "/\r\nSet-Cookie: x=1", "/ok" })
        {
            using var response = await browser.PostAsync(new Uri("/account/logout", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["returnUrl"] = returnUrl,
                ["__RequestVerificationToken"] = token,
            }));
            answers.Add($"{(int)response.StatusCode} {response.Headers.Location}");
        }

        Assert.Equal(["302 /", "302 /", "302 /ok"], answers);
    }

    private static string? ProblemField(string text, string field)
    {
        try
        {
            using var json = JsonDocument.Parse(text);
            return json.RootElement.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out var messages)
                ? messages.ToString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";

    private static Task<long> CountRowsAsync(PortalWebFactory portal) => portal.WithContextAsync(null, async db =>
        await db.GenerationJobs.IgnoreQueryFilters().LongCountAsync()
        + await db.ApiKeys.IgnoreQueryFilters().LongCountAsync()
        + await db.Invitations.IgnoreQueryFilters().LongCountAsync()
        + await db.CreditLedger.IgnoreQueryFilters().LongCountAsync()
        + await db.AuditLog.IgnoreQueryFilters().LongCountAsync()
        + await db.StripeEvents.LongCountAsync());
}
