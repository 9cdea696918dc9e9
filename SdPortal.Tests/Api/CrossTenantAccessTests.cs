using System.Net;
using System.Net.Http.Json;
using SdPortal.Data;
using SdPortal.Tests.Support;
using Xunit.Abstractions;
using static SdPortal.Tests.Support.Routes;

namespace SdPortal.Tests.Api;

/// <summary>R16: a member of tenant A reaching for tenant B's resources gets 404 on every tenant-scoped route.</summary>
public sealed class CrossTenantAccessTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task EveryTenantScopedRoute_AimedAtAnotherTenant_Answers404(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database);
        var (a, ownerA) = await portal.RegisterAndLoginAsync("Alpha");
        var (b, ownerB) = await portal.RegisterAndLoginAsync("Beta");
        var (keyOfB, secretOfB) = await PortalWebFactory.CreateApiKeyAsync(ownerB);
        var (memberOfB, _) = await portal.AddMemberAsync(ownerB, "bee@example.test");
        var (_, keyOfA) = await PortalWebFactory.CreateApiKeyAsync(ownerA);

        var attempts = new List<(string Route, HttpStatusCode Status)>();
        async Task TryAsync(string route, Func<HttpClient, Task<HttpResponseMessage>> send, HttpClient client) =>
            attempts.Add((route, (await send(client)).StatusCode));

        // B's ids from inside A.
        await TryAsync("DELETE api-key of B", c => c.DeleteAsync(U($"/api/v1/api-keys/{keyOfB}")), ownerA);
        await TryAsync("DELETE member of B", c => c.DeleteAsync(U($"/api/v1/tenant/members/{memberOfB}")), ownerA);
        await TryAsync("PUT role of B's owner", c => c.PutAsJsonAsync(U($"/api/v1/tenant/members/{b.UserId}/role"), new { role = "Member" }, PortalWebFactory.Json), ownerA);

        // Every tenant-scoped route with B selected by slug and by id.
        foreach (var selector in new[] { b.TenantSlug, b.TenantId.ToString() })
        {
            using var asA = await portal.LoginAsync(a.Email);
            asA.DefaultRequestHeaders.Add("X-Tenant", selector);
            foreach (var (route, send) in TenantRoutes(memberOfB, keyOfB))
            {
                await TryAsync($"{route} with X-Tenant {selector}", send, asA);
            }
        }

        // An API key carries its tenant: X-Tenant cannot move it to B.
        using var keyA = portal.CreateBearerClient(keyOfA);
        keyA.DefaultRequestHeaders.Add("X-Tenant", b.TenantSlug);
        var keyView = await PortalWebFactory.GetJsonAsync(keyA, "/api/v1/tenant");

        var successes = attempts.Count(x => (int)x.Status < 400);
        output.WriteLine($"R16 [{provider}] cross-tenant requests: successful responses = {successes}/{attempts.Count}; " +
                         $"answered 404 = {attempts.Count(x => x.Status == HttpStatusCode.NotFound)}/{attempts.Count}");
        Assert.All(attempts, x => Assert.True(x.Status == HttpStatusCode.NotFound, $"{x.Route} answered {(int)x.Status}"));
        Assert.Equal(a.TenantId, keyView.GetProperty("id").GetGuid());

        // B is untouched: its key still works and its member is still there.
        using var keyB = portal.CreateBearerClient(secretOfB);
        var membersOfB = await PortalWebFactory.GetJsonAsync(keyB, "/api/v1/tenant/members");
        Assert.Equal(2, membersOfB.GetArrayLength());
    }

    private static IEnumerable<(string Route, Func<HttpClient, Task<HttpResponseMessage>> Send)> TenantRoutes(Guid memberId, Guid keyId) =>
    [
        ("GET /tenant", c => c.GetAsync(U("/api/v1/tenant"))),
        ("GET /tenant/usage", c => c.GetAsync(U("/api/v1/tenant/usage"))),
        ("GET /tenant/members", c => c.GetAsync(U("/api/v1/tenant/members"))),
        ("POST /tenant/invitations", c => c.PostAsJsonAsync(U("/api/v1/tenant/invitations"), new { email = "x@example.test" }, PortalWebFactory.Json)),
        ("DELETE /tenant/members/{id}", c => c.DeleteAsync(U($"/api/v1/tenant/members/{memberId}"))),
        ("PUT /tenant/members/{id}/role", c => c.PutAsJsonAsync(U($"/api/v1/tenant/members/{memberId}/role"), new { role = "Admin" }, PortalWebFactory.Json)),
        ("POST /api-keys", c => c.PostAsJsonAsync(U("/api/v1/api-keys"), new { name = "x" }, PortalWebFactory.Json)),
        ("GET /api-keys", c => c.GetAsync(U("/api/v1/api-keys"))),
        ("DELETE /api-keys/{id}", c => c.DeleteAsync(U($"/api/v1/api-keys/{keyId}"))),
    ];
}
