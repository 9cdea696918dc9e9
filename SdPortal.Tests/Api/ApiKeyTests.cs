using System.Net;
using SdPortal.Data;
using SdPortal.Tests.Support;
using static SdPortal.Tests.Support.Routes;

namespace SdPortal.Tests.Api;

public sealed class ApiKeyTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ApiKey_AuthenticatesLikeALogin_AndFailsOnTheNextRequestOnceRevoked(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database);
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Keys");

        var (keyId, key) = await PortalWebFactory.CreateApiKeyAsync(owner, "render farm");
        using var withKey = portal.CreateBearerClient(key);
        var profile = await PortalWebFactory.GetJsonAsync(withKey, "/api/v1/tenant");
        var listed = Assert.Single((await PortalWebFactory.GetJsonAsync(owner, "/api/v1/api-keys")).EnumerateArray());

        Assert.StartsWith("sdp_", key, StringComparison.Ordinal);
        Assert.Equal(tenant.TenantId, profile.GetProperty("id").GetGuid());
        Assert.Equal(key[..12], listed.GetProperty("prefix").GetString());
        Assert.Equal("render farm", listed.GetProperty("name").GetString());
        Assert.False(listed.GetProperty("revoked").GetBoolean());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, listed.GetProperty("lastUsedAt").ValueKind);
        Assert.DoesNotContain(key, listed.ToString(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync(U($"/api/v1/api-keys/{keyId}"))).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await withKey.GetAsync(U("/api/v1/tenant"))).StatusCode);
        var revoked = Assert.Single((await PortalWebFactory.GetJsonAsync(owner, "/api/v1/api-keys")).EnumerateArray());
        Assert.True(revoked.GetProperty("revoked").GetBoolean());
    }

    [Fact]
    public async Task ApiKey_Unknown_Answers401()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database);
        using var forged = portal.CreateBearerClient("sdp_" + new string('A', 43));
        using var anonymous = portal.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync(U("/api/v1/tenant"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(U("/api/v1/tenant"))).StatusCode);
    }
}
