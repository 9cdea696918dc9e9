using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SdPortal.Data;
using SdPortal.Tests.Support;
using Xunit.Abstractions;
using static SdPortal.Tests.Support.Routes;

namespace SdPortal.Tests.Api;

/// <summary>
/// Every route the portal maps (read from its endpoint table, so a new route is probed without editing this test),
/// aimed at tenant A's resources with every credential that is not A's: none, a forged token, a revoked key of A,
/// another tenant's owner and API key, and a plain member of A on A's admin routes and A's owner's job. Counts 5xx,
/// successful answers and answers that carry any of A's markers, and checks that A is unchanged afterwards.
/// </summary>
public sealed class RouteProbeTests(ITestOutputHelper output)
{
    private const string OperatorEmail = "ops@probe.test";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task EveryRoute_WithEveryCredentialThatIsNotAllowed_NeitherFailsNorLeaks(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings(more: [("Portal:Operators:0", OperatorEmail)]));
        var a = await ArrangeTenantAAsync(portal);
        var (_, ownerB) = await portal.RegisterAndLoginAsync("Bravo Probe");
        var (_, keyOfB) = await PortalWebFactory.CreateApiKeyAsync(ownerB);
        var before = await SnapshotAsync(a);

        // Redirects are not followed: a sign-in redirect is a refusal, not the login page's 200.
        HttpClient Client(AuthenticationHeaderValue? auth)
        {
            var client = portal.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
            client.DefaultRequestHeaders.Authorization = auth;
            return client;
        }

        var credentials = new List<(string Name, HttpClient Client, bool MemberOfA)>
        {
            ("anonymous", Client(null), false),
            ("forged bearer", Client(new("Bearer", "forged.token.value")), false),
            ("revoked key of A", Client(new("Bearer", a.RevokedKey)), false),
            ("owner of B", Client(ownerB.DefaultRequestHeaders.Authorization), false),
            ("API key of B", Client(new("Bearer", keyOfB)), false),
            ("member of A", Client(a.Member.DefaultRequestHeaders.Authorization), true),
        };
        var routes = MappedRoutes(portal).ToList();
        var (requests, fivexx, leaks, problems) = (0, 0, 0, new List<string>());
        foreach (var (method, pattern) in routes)
        {
            var path = Fill(pattern, a);
            foreach (var (name, client, memberOfA) in credentials)
            {
                // A plain member of A may use A's ordinary routes; what they must not reach is A's admin routes, the
                // owner's job, image and preview, and the owner's row of the usage report (their email is a marker).
                if (memberOfA && !IsAdminOnly(method, pattern) && !IsOwnersJob(pattern) && !pattern.EndsWith("/usage", StringComparison.Ordinal))
                {
                    continue;
                }

                using var request = new HttpRequestMessage(new HttpMethod(method), U(path)) { Content = BodyFor(method, pattern) };
                using var response = await client.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                requests++;
                var status = (int)response.StatusCode;
                // A route without A's ids acts on the caller's own tenant, so only A's markers in its answer are a leak;
                // a route with A's ids must refuse, and so must A's admin routes for a plain member of A.
                var aimedAtA = pattern.Contains('{', StringComparison.Ordinal) || (memberOfA && IsAdminOnly(method, pattern));
                var leaked = a.Markers.Any(m => text.Contains(m, StringComparison.OrdinalIgnoreCase))
                             || (status < 400 && aimedAtA && !IsAnonymousByDesign(pattern));
                // 503 is the portal saying a part is switched off (billing without a Stripe key), not a failure.
                fivexx += status >= 500 && status != 503 ? 1 : 0;
                leaks += leaked ? 1 : 0;
                if ((status >= 500 && status != 503) || leaked)
                {
                    problems.Add($"{method} {path} as {name}: HTTP {status} {(text.Length > 200 ? text[..200] : text)}");
                }
            }
        }

        var after = await SnapshotAsync(a);
        output.WriteLine($"R15/R16 probe ({provider}): {routes.Count} routes × {credentials.Count} credentials → {requests} requests; 5xx = {fivexx}; leaks = {leaks}; tenant A changed = {(before == after ? "no" : $"yes: {before} → {after}")}");
        problems.ForEach(output.WriteLine);
        Assert.Empty(problems);
        Assert.Equal(before, after);
        Assert.True(routes.Count >= 25, $"Only {routes.Count} routes found in the endpoint table.");
    }

    /// <summary>Tenant A: an owner with a finished job (and its image), an API key, a revoked key, a pending invitation and a member.</summary>
    private static async Task<TenantA> ArrangeTenantAAsync(PortalWebFactory portal)
    {
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Alpha Probe");
        var marker = $"probe-marker-{Guid.NewGuid():N}";
        var job = await PortalWebFactory.SubmitAcceptedAsync(owner, PortalWebFactory.TinyRequest(("prompt", marker)));
        var done = await PortalWebFactory.WaitForStatusAsync(owner, job, "succeeded");
        var image = done.GetProperty("images")[0].GetProperty("id").GetGuid();
        var (keyId, _) = await PortalWebFactory.CreateApiKeyAsync(owner, "probe-key-of-a");
        var (revokedId, revoked) = await PortalWebFactory.CreateApiKeyAsync(owner, "revoked");
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync(U($"/api/v1/api-keys/{revokedId}"))).StatusCode);
        var invitation = await owner.PostAsJsonAsync(U("/api/v1/tenant/invitations"), new { email = "pending@alpha-probe.test", role = "Member" }, PortalWebFactory.Json);
        var invitationId = (await invitation.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(PortalWebFactory.Json)).GetProperty("id").GetGuid();
        var (memberId, member) = await portal.AddMemberAsync(owner, "member@alpha-probe.test");
        // The owner's private adapter: another tenant and a plain member of A alike must not reach it.
        var lora = (await Lora.LoraTestFiles.UploadedAsync(owner, Lora.LoraTestFiles.Valid(portal), "probe-lora-of-a")).GetProperty("id").GetGuid();
        return new TenantA(portal, tenant, owner, member, memberId, job, image, keyId, invitationId, lora, revoked,
            [marker, tenant.Email, "probe-key-of-a", "pending@alpha-probe.test", "probe-lora-of-a"]);
    }

    private sealed record TenantA(
        PortalWebFactory Portal, RegisteredTenant Tenant, HttpClient Owner, HttpClient Member, Guid MemberId, Guid Job, Guid Image,
        Guid Key, Guid Invitation, Guid Lora, string RevokedKey, string[] Markers);

    /// <summary>What A holds: its balance, jobs, images, keys, members, status; any change by a probe shows here.</summary>
    private static async Task<string> SnapshotAsync(TenantA a)
    {
        var profile = await PortalWebFactory.GetJsonAsync(a.Owner, "/api/v1/tenant");
        var members = await PortalWebFactory.GetJsonAsync(a.Owner, "/api/v1/tenant/members");
        var keys = await PortalWebFactory.GetJsonAsync(a.Owner, "/api/v1/api-keys");
        var job = await PortalWebFactory.GetJsonAsync(a.Owner, $"/api/v1/generations/{a.Job}");
        var image = await a.Owner.GetAsync(U($"/api/v1/images/{a.Image}"));
        var lora = await PortalWebFactory.GetJsonAsync(a.Owner, $"/api/v1/loras/{a.Lora}");
        return $"lora {lora.GetProperty("name")} shared {lora.GetProperty("shared")}, credits {profile.GetProperty("credits")}, limits {profile.GetProperty("limits")}, members {members}, keys {keys.GetArrayLength()} " +
               $"(revoked {keys.EnumerateArray().Count(k => k.GetProperty("revoked").GetBoolean())}), job {job.GetProperty("status")}, image HTTP {(int)image.StatusCode}";
    }

    /// <summary>The portal's own routes with their methods: the API, the internal host API and the hub's negotiation.</summary>
    private static IEnumerable<(string Method, string Pattern)> MappedRoutes(PortalWebFactory portal) =>
        portal.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Methods: e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"], Pattern: "/" + e.RoutePattern.RawText!.TrimStart('/')))
            .Where(e => e.Pattern.StartsWith("/api/", StringComparison.Ordinal) || e.Pattern.StartsWith("/internal/", StringComparison.Ordinal)
                        || e.Pattern.StartsWith("/hubs/", StringComparison.Ordinal))
            .SelectMany(e => e.Methods.Select(m => (m, e.Pattern)))
            .Distinct()
            .OrderBy(e => e.Pattern, StringComparer.Ordinal).ThenBy(e => e.m, StringComparer.Ordinal);

    /// <summary>The route with A's ids in its parameters, each chosen by what the route is about.</summary>
    private static string Fill(string pattern, TenantA a) =>
        System.Text.RegularExpressions.Regex.Replace(pattern, @"\{(?<name>[A-Za-z]+)(:[^}]*)?\}", m => m.Groups["name"].Value switch
        {
            "tenantId" => a.Tenant.TenantId.ToString(),
            "userId" => a.Tenant.UserId.ToString(),
            "jobId" => a.Job.ToString(),
            "leaseId" => Guid.NewGuid().ToString(),
            "id" when pattern.Contains("/images", StringComparison.Ordinal) => a.Image.ToString(),
            "id" when pattern.Contains("/api-keys", StringComparison.Ordinal) => a.Key.ToString(),
            "id" when pattern.Contains("/invitations", StringComparison.Ordinal) => a.Invitation.ToString(),
            "id" when pattern.Contains("/tenants", StringComparison.Ordinal) => a.Tenant.TenantId.ToString(),
            "id" when pattern.Contains("/loras", StringComparison.Ordinal) => a.Lora.ToString(),
            "id" => a.Job.ToString(),
            _ => "probe",
        });

    /// <summary>A body the route would accept from an allowed caller, so the probe reaches its authorisation, not its validation.</summary>
    private static JsonContent? BodyFor(string method, string pattern)
    {
        if (method is "GET" or "HEAD")
        {
            return null;
        }

        object body = pattern switch
        {
            _ when pattern.EndsWith("/generations", StringComparison.Ordinal) => PortalWebFactory.TinyRequest(),
            _ when pattern.EndsWith("/invitations", StringComparison.Ordinal) => new { email = "intruder@probe.test", role = "Owner" },
            _ when pattern.EndsWith("/role", StringComparison.Ordinal) => new { role = "Member" },
            _ when pattern.EndsWith("/api-keys", StringComparison.Ordinal) => new { name = "intruder" },
            _ when pattern.EndsWith("/credits", StringComparison.Ordinal) => new { amount = 1_000, reason = "intrusion" },
            _ when pattern.EndsWith("/status", StringComparison.Ordinal) => new { status = "Suspended" },
            _ when pattern.EndsWith("/limits", StringComparison.Ordinal) => new { monthlyIncludedCredits = 1, maxConcurrentJobs = 1, maxImageSide = 64, maxSteps = 1, maxBatch = 1 },
            _ when pattern.EndsWith("/checkout", StringComparison.Ordinal) => new { kind = "pack", key = "starter" },
            _ when pattern.EndsWith("/loras/{id:guid}", StringComparison.Ordinal) => new { name = "renamed-by-intruder", shared = true },
            _ => new { },
        };
        return JsonContent.Create(body, options: PortalWebFactory.Json);
    }

    private static bool IsAdminOnly(string method, string pattern) =>
        pattern.Contains("/admin/", StringComparison.Ordinal) || pattern.Contains("/billing", StringComparison.Ordinal)
        || pattern.Contains("/audit", StringComparison.Ordinal)
        || pattern.Contains("/api-keys", StringComparison.Ordinal) || pattern.Contains("/invitations", StringComparison.Ordinal)
        || (pattern.Contains("/members/", StringComparison.Ordinal) && method != "GET");

    private static bool IsOwnersJob(string pattern) =>
        pattern.Contains("/generations/{id", StringComparison.Ordinal) || pattern.Contains("/images/{id", StringComparison.Ordinal)
        || pattern.Contains("/loras/{id", StringComparison.Ordinal);

    /// <summary>Routes anyone may call (sign-up and sign-in, the Stripe webhook, which checks its own signature).</summary>
    private static bool IsAnonymousByDesign(string pattern) =>
        pattern.StartsWith("/api/v1/auth/", StringComparison.Ordinal) || pattern.EndsWith("/stripe/webhook", StringComparison.Ordinal);
}
