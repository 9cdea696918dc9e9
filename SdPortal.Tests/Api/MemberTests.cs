using System.Net;
using System.Net.Http.Json;
using SdPortal.Data;
using SdPortal.Tests.Support;
using static SdPortal.Tests.Support.Routes;

namespace SdPortal.Tests.Api;

public sealed class MemberTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Invitation_AcceptedByANewUser_JoinsWithTheRole_AndWorksOnlyOnce(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database);
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Team");

        var token = await PortalWebFactory.InviteAsync(owner, "bob@example.test", "Admin");
        var accepted = await portal.AcceptInvitationAsync(token);
        var reused = await portal.AcceptInvitationAsync(token);
        using var bob = await portal.LoginAsync("bob@example.test");
        var members = await PortalWebFactory.GetJsonAsync(owner, "/api/v1/tenant/members");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.NotFound), (accepted.StatusCode, reused.StatusCode));
        Assert.Equal(tenant.TenantId, (await PortalWebFactory.GetJsonAsync(bob, "/api/v1/tenant")).GetProperty("id").GetGuid());
        Assert.Equal(["Admin", "Owner"], members.EnumerateArray().Select(m => m.GetProperty("role").GetString()).Order());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task LastOwner_CannotLeaveOrBeDemoted_UntilAnotherOwnerExists(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database);
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Owners");
        var (bobId, _) = await portal.AddMemberAsync(owner, "bob@example.test");

        var demote = await owner.PutAsJsonAsync(U($"/api/v1/tenant/members/{tenant.UserId}/role"), new { role = "Admin" }, PortalWebFactory.Json);
        var leave = await owner.DeleteAsync(U($"/api/v1/tenant/members/{tenant.UserId}"));
        var promote = await owner.PutAsJsonAsync(U($"/api/v1/tenant/members/{bobId}/role"), new { role = "Owner" }, PortalWebFactory.Json);
        var leaveNow = await owner.DeleteAsync(U($"/api/v1/tenant/members/{tenant.UserId}"));

        Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.Conflict), (demote.StatusCode, leave.StatusCode));
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.NoContent), (promote.StatusCode, leaveNow.StatusCode));
    }

    [Fact]
    public async Task Member_CannotInviteChangeRolesOrManageKeys()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database);
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Roles");
        var (_, carol) = await portal.AddMemberAsync(owner, "carol@example.test");

        var invite = await carol.PostAsJsonAsync(U("/api/v1/tenant/invitations"), new { email = "dan@example.test" }, PortalWebFactory.Json);
        var promoteSelf = await carol.PutAsJsonAsync(U($"/api/v1/tenant/members/{tenant.UserId}/role"), new { role = "Member" }, PortalWebFactory.Json);
        var key = await carol.PostAsJsonAsync(U("/api/v1/api-keys"), new { name = "mine" }, PortalWebFactory.Json);
        var badRole = await owner.PutAsJsonAsync(U($"/api/v1/tenant/members/{tenant.UserId}/role"), new { role = (string?)null }, PortalWebFactory.Json);

        Assert.Equal([HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden], [invite.StatusCode, promoteSelf.StatusCode, key.StatusCode]);
        Assert.Equal(HttpStatusCode.BadRequest, badRole.StatusCode);
    }

    [Fact]
    public async Task UserInSeveralTenants_PicksOneWithTheXTenantHeader_AndTheFirstByDefault()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database);
        var (first, firstOwner) = await portal.RegisterAndLoginAsync("First");
        var (second, secondOwner) = await portal.RegisterAndLoginAsync("Second");
        var (stranger, _) = await portal.RegisterAndLoginAsync("Stranger");
        var joined = await portal.AcceptInvitationAsync(await PortalWebFactory.InviteAsync(secondOwner, first.Email), password: null);
        Assert.Equal(HttpStatusCode.OK, joined.StatusCode);

        using var client = await portal.LoginAsync(first.Email);
        var byDefault = await PortalWebFactory.GetJsonAsync(client, "/api/v1/tenant");
        client.DefaultRequestHeaders.Add("X-Tenant", second.TenantSlug);
        var bySlug = await PortalWebFactory.GetJsonAsync(client, "/api/v1/tenant");
        client.DefaultRequestHeaders.Remove("X-Tenant");
        client.DefaultRequestHeaders.Add("X-Tenant", stranger.TenantId.ToString());
        var foreign = await client.GetAsync(U("/api/v1/tenant"));

        Assert.Equal(first.TenantId, byDefault.GetProperty("id").GetGuid());
        Assert.Equal(second.TenantId, bySlug.GetProperty("id").GetGuid());
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        firstOwner.Dispose();
    }
}
