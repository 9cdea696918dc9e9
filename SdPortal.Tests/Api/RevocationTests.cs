using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using SdPortal.Data;
using SdPortal.Data.Entities;
using SdPortal.Tests.Support;
using Xunit.Abstractions;
using static SdPortal.Tests.Support.Routes;

namespace SdPortal.Tests.Api;

/// <summary>R21: a disabled user or a suspended tenant is refused on the very next request, token or API key.</summary>
public sealed class RevocationTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task DisablingAUser_RejectsTheirVeryNextRequest(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database);
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Revoked");
        var (_, key) = await PortalWebFactory.CreateApiKeyAsync(owner);
        using var withKey = portal.CreateBearerClient(key);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync(U("/api/v1/tenant"))).StatusCode);

        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            var user = (await users.FindByIdAsync(tenant.UserId.ToString()))!;
            user.IsDisabled = true;
            Assert.True((await users.UpdateAsync(user)).Succeeded);
        }

        var token = await owner.GetAsync(U("/api/v1/tenant"));
        var apiKey = await withKey.GetAsync(U("/api/v1/tenant"));
        var login = await portal.TryLoginAsync(tenant.Email, tenant.Password);
        output.WriteLine($"R21 [{provider}] disabled user: next request with token {(int)token.StatusCode}, with API key {(int)apiKey.StatusCode}, " +
                         $"login {(int)login.StatusCode}; operations accepted after revocation = {new[] { token, apiKey, login }.Count(r => r.IsSuccessStatusCode)}");
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized],
            [token.StatusCode, apiKey.StatusCode, login.StatusCode]);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SuspendingATenant_RejectsItsVeryNextRequest_AndReactivatingRestoresIt(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database, new Dictionary<string, string?> { ["Portal:Operators:0"] = "ops@example.test" });
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Suspended");
        var (_, key) = await PortalWebFactory.CreateApiKeyAsync(owner);
        using var withKey = portal.CreateBearerClient(key);
        await portal.RegisterTenantAsync("Ops", "ops@example.test");
        using var ops = await portal.LoginAsync("ops@example.test");
        var status = U($"/api/v1/admin/tenants/{tenant.TenantId}/status");

        Assert.Equal(HttpStatusCode.NoContent, (await ops.PutAsJsonAsync(status, new { status = "Suspended" }, PortalWebFactory.Json)).StatusCode);
        var token = await owner.GetAsync(U("/api/v1/tenant"));
        var apiKey = await withKey.GetAsync(U("/api/v1/api-keys"));
        Assert.Equal(HttpStatusCode.NoContent, (await ops.PutAsJsonAsync(status, new { status = "Active" }, PortalWebFactory.Json)).StatusCode);
        var restored = await owner.GetAsync(U("/api/v1/tenant"));

        output.WriteLine($"R21 [{provider}] suspended tenant: next request with token {(int)token.StatusCode}, with API key {(int)apiKey.StatusCode}; " +
                         $"operations accepted while suspended = {new[] { token, apiKey }.Count(r => r.IsSuccessStatusCode)}; after reactivation {(int)restored.StatusCode}");
        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (token.StatusCode, apiKey.StatusCode));
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
    }
}
