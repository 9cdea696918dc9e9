using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Tests.Support;
using static SdPortal.Tests.Support.Routes;

namespace SdPortal.Tests.Api;

public sealed class RegistrationAndLoginTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Register_CreatesTenantWithOwnerAndSignupCredits_AndTheLoginTokenReadsIt(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database);

        var (tenant, owner) = await portal.RegisterAndLoginAsync("Acme Studio!");
        var profile = await PortalWebFactory.GetJsonAsync(owner, "/api/v1/tenant");
        var members = await PortalWebFactory.GetJsonAsync(owner, "/api/v1/tenant/members");

        Assert.Equal("acme-studio", tenant.TenantSlug);
        Assert.Equal(tenant.TenantId, profile.GetProperty("id").GetGuid());
        Assert.Equal(100, profile.GetProperty("credits").GetInt64());
        Assert.Equal(4, profile.GetProperty("limits").GetProperty("maxBatch").GetInt32());
        Assert.Equal("Owner", Assert.Single(members.EnumerateArray()).GetProperty("role").GetString());

        // The helper confirmed the address through the link the SMTP server received.
        Assert.True(await portal.WithContextAsync(null, db => db.Users.Where(u => u.Id == tenant.UserId).Select(u => u.EmailConfirmed).SingleAsync()));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Register_WithTakenTenantName_Answers409AndWritesNothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database);
        var first = await portal.RegisterTenantAsync("Acme", "a@example.test");
        using var client = portal.CreateClient();

        // A taken tenant name may say so: it names a tenant (public in its URL), not an account. A taken email answers
        // like a new one (SignUpEnumerationTests).
        var sameSlug = await client.PostAsJsonAsync(U("/api/v1/auth/register"),
            new { email = "b@example.test", password = PortalWebFactory.DefaultPassword, tenantName = "ACME" });

        Assert.Equal(HttpStatusCode.Conflict, sameSlug.StatusCode);
        Assert.Equal("application/problem+json", sameSlug.Content.Headers.ContentType?.MediaType);
        var (tenants, users, ledger) = await portal.WithContextAsync(null, async db =>
            (await db.Tenants.CountAsync(), await db.Users.CountAsync(), await db.CreditLedger.IgnoreQueryFilters().CountAsync()));
        Assert.Equal((1, 1, 1), (tenants, users, ledger));
        Assert.NotEqual(Guid.Empty, first.TenantId);
    }

    [Fact]
    public async Task Register_WithBadInput_Answers400WithFieldErrors()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database);
        using var client = portal.CreateClient();

        var blank = await client.PostAsJsonAsync(U("/api/v1/auth/register"), new { email = "not-an-email", password = "", tenantName = "!" });
        var weak = await client.PostAsJsonAsync(U("/api/v1/auth/register"), new { email = "w@example.test", password = "short", tenantName = "Weak" });
        // A weak password and a bad tenant name in one request: both are named in one answer.
        var both = await client.PostAsJsonAsync(U("/api/v1/auth/register"), new { email = "x@example.test", password = "short", tenantName = "!" });

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (blank.StatusCode, weak.StatusCode));
        var blankErrors = (await blank.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["email", "password", "tenantName"], blankErrors.EnumerateObject().Select(p => p.Name).Order());
        Assert.True((await weak.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("password", out _));
        var bothErrors = (await both.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["password", "tenantName"], bothErrors.EnumerateObject().Select(p => p.Name).Order());
        Assert.Contains("10", bothErrors.GetProperty("password")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await portal.WithContextAsync(null, db => db.Users.CountAsync()));
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheV1Routes()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database);
        using var client = portal.CreateClient();

        var document = await PortalWebFactory.GetJsonAsync(client, "/openapi/v1.json");
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();

        Assert.Contains("/api/v1/auth/register", paths);
        Assert.Contains("/api/v1/tenant/members/{userId}/role", paths);
        Assert.Contains("/api/v1/admin/tenants/{id}/credits", paths);
    }
}
