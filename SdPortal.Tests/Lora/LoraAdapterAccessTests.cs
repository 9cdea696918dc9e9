using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SdPortal.Data;
using SdPortal.Data.Tenancy;
using SdPortal.Tests.Support;
using SdPortal.Web.Adapters;
using Xunit.Abstractions;
using static SdPortal.Tests.Lora.LoraTestFiles;
using static SdPortal.Tests.Support.Routes;

namespace SdPortal.Tests.Lora;

/// <summary>
/// <see cref="LoraAdapterAccess"/>'s rule, one test per part: a member uses their own and shared adapters, sees no
/// other member's private one, changes and deletes only their own; an admin sees, changes, deletes and shares any of
/// the tenant's; sharing by a member is 403; and a job's names resolve in order or fail on <c>loras[i].name</c>.
/// </summary>
public sealed class LoraAdapterAccessTests(ITestOutputHelper output)
{
    [Fact]
    public async Task LoraOfAnotherMember_IsInvisibleUntilShared_ThenUsableButNotChangeable()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, Settings());
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Sharers");
        var (_, alice) = await portal.AddMemberAsync(owner, "alice@sharers.test");
        var (_, bob) = await portal.AddMemberAsync(owner, "bob@sharers.test");
        var file = Valid(portal);
        var id = (await UploadedAsync(alice, file, "alice-mug")).GetProperty("id").GetGuid();

        // Private: bob gets what an unknown id gets, and no listing.
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync(U($"{Route}/{id}"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync(U($"{Route}/{id}/file"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PatchAsync(bob, id, new { name = "bobs-now" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.DeleteAsync(U($"{Route}/{id}"))).StatusCode);
        Assert.Equal(0, (await PortalWebFactory.GetJsonAsync(bob, Route)).GetProperty("items").GetArrayLength());

        // Shared by the admin: bob sees, downloads and may use it, but may not rename, unshare or delete it.
        Assert.Equal(HttpStatusCode.OK, (await PatchAsync(owner, id, new { shared = true })).StatusCode);
        var seen = Assert.Single((await PortalWebFactory.GetJsonAsync(bob, Route)).GetProperty("items").EnumerateArray());
        Assert.Equal((true, false), (seen.GetProperty("shared").GetBoolean(), seen.GetProperty("mine").GetBoolean()));
        Assert.Equal(file, await (await bob.GetAsync(U($"{Route}/{id}/file"))).Content.ReadAsByteArrayAsync());
        await FieldErrorAsync(await PatchAsync(bob, id, new { name = "bobs-now" }), HttpStatusCode.Forbidden, "name");
        await FieldErrorAsync(await PatchAsync(bob, id, new { shared = false }), HttpStatusCode.Forbidden, "name");
        await FieldErrorAsync(await bob.DeleteAsync(U($"{Route}/{id}")), HttpStatusCode.Forbidden, "file");
        var resolution = await ResolveAsync(portal, tenant.TenantId, await UserIdAsync(portal, "bob@sharers.test"), ["ALICE-MUG"]);
        Assert.Equal(["alice-mug"], resolution.Adapters.Select(a => a.Name));

        var row = await PortalWebFactory.GetJsonAsync(alice, $"{Route}/{id}");
        Assert.Equal(("alice-mug", true), (row.GetProperty("name").GetString(), row.GetProperty("shared").GetBoolean()));
    }

    [Fact]
    public async Task LoraSharing_ByAMemberEvenOfTheirOwn_Is403_AnAdminSharesAndUnsharesAny()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, Settings());
        var (_, owner) = await portal.RegisterAndLoginAsync("Share Rules");
        var (_, member) = await portal.AddMemberAsync(owner, "member@share-rules.test");
        var (_, admin) = await portal.AddMemberAsync(owner, "admin@share-rules.test", "Admin");
        var id = (await UploadedAsync(member, Valid(portal), "members-own")).GetProperty("id").GetGuid();

        var refusal = await FieldErrorAsync(await PatchAsync(member, id, new { shared = true }), HttpStatusCode.Forbidden, "shared");
        // Sending the value it already has changes nothing and is no share.
        Assert.Equal(HttpStatusCode.OK, (await PatchAsync(member, id, new { shared = false, triggerWords = "mug" })).StatusCode);

        using var shared = await PatchAsync(admin, id, new { shared = true });
        Assert.Equal(HttpStatusCode.OK, shared.StatusCode);
        Assert.True((await shared.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("shared").GetBoolean());
        await FieldErrorAsync(await PatchAsync(member, id, new { shared = false }), HttpStatusCode.Forbidden, "shared");
        Assert.Equal(HttpStatusCode.OK, (await PatchAsync(owner, id, new { shared = false })).StatusCode);
        output.WriteLine($"member sharing their own adapter: 403 {refusal}");
    }

    [Fact]
    public async Task LoraOfAMember_TheAdminSeesRenamesAndDeletes_TheMemberRenamesOwnButNotAnothers()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, Settings());
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Managers");
        var (_, member) = await portal.AddMemberAsync(owner, "member@managers.test");
        var first = (await UploadedAsync(member, Valid(portal, seed: 1), "first")).GetProperty("id").GetGuid();
        var second = (await UploadedAsync(member, Valid(portal, seed: 2), "second")).GetProperty("id").GetGuid();
        var admins = (await UploadedAsync(owner, Valid(portal, seed: 3), "admins")).GetProperty("id").GetGuid();

        using var own = await PatchAsync(member, first, new { name = "first-renamed", triggerWords = "" });
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PatchAsync(member, admins, new { name = "taken-over" })).StatusCode);

        var listed = (await PortalWebFactory.GetJsonAsync(owner, Route)).GetProperty("items").EnumerateArray()
            .Select(i => (i.GetProperty("name").GetString(), i.GetProperty("mine").GetBoolean())).ToList();
        Assert.Equal([("admins", true), ("second", false), ("first-renamed", false)], listed);
        Assert.Equal(HttpStatusCode.OK, (await PatchAsync(owner, second, new { name = "second-by-admin" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync(U($"{Route}/{first}"))).StatusCode);
        Assert.Equal(["second-by-admin"], (await PortalWebFactory.GetJsonAsync(member, Route)).GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("name").GetString()));
        Assert.Equal((2, 2), (await RowCountAsync(portal, tenant.TenantId), FileCount(database, tenant.TenantId)));
    }

    [Fact]
    public async Task LoraResolveForJob_GivesUsableAdaptersInOrder_OrAFieldErrorPerName()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, Settings());
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Resolvers");
        var (memberId, member) = await portal.AddMemberAsync(owner, "member@resolvers.test");
        var (_, otherTenant) = await portal.RegisterAndLoginAsync("Elsewhere");
        await UploadedAsync(otherTenant, Valid(portal, seed: 9), "foreign");
        var mine = await UploadedAsync(member, Valid(portal, seed: 1), "Mine");
        var shared = await UploadedAsync(owner, Valid(portal, seed: 2), "shared-one");
        await PatchAsync(owner, shared.GetProperty("id").GetGuid(), new { shared = true });
        await UploadedAsync(owner, Valid(portal, seed: 3), "admins-private");

        var ok = await ResolveAsync(portal, tenant.TenantId, memberId, ["shared-ONE", "mine"]);
        Assert.True(ok.Succeeded);
        Assert.Equal(
            [("shared-one", shared.GetProperty("id").GetGuid(), shared.GetProperty("contentHash").GetString()),
             ("Mine", mine.GetProperty("id").GetGuid(), mine.GetProperty("contentHash").GetString())],
            ok.Adapters.Select(a => (a.Name, a.AdapterId, (string?)a.ContentHash)));
        Assert.All(ok.Adapters, a => Assert.True(File.Exists(Path.Combine(database.DataDirectory, "images", a.ContentPath)), a.ContentPath));

        var refused = await ResolveAsync(portal, tenant.TenantId, memberId, ["mine", "admins-private", "foreign", "nothing-at-all"]);
        Assert.Empty(refused.Adapters);
        Assert.Equal(["loras[1].name", "loras[2].name", "loras[3].name"], refused.Errors.Select(e => e.Field));
        Assert.All(refused.Errors, e => Assert.Contains("names no adapter you can use", e.Message, StringComparison.Ordinal));
        output.WriteLine(string.Join("\n", refused.Errors));
    }

    [Fact]
    public async Task LoraResolveForJob_AnAdapterCheckedAgainstTheModelThatDoesNotFit_IsRefused_AnUncheckedOneIsMatchedThenRemembered()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, Settings());
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Fitters");
        var id = (await UploadedAsync(owner, Valid(portal), "fits-tiny")).GetProperty("id").GetGuid();
        await portal.WithContextAsync(tenant.TenantId, async db =>
            await db.LoraAdapters.ExecuteUpdateAsync(s => s.SetProperty(a => a.CompatibleModels, new List<string>()).SetProperty(a => a.CheckedModels, new List<string> { "tiny-synthetic" })));

        var misfit = await ResolveAsync(portal, tenant.TenantId, tenant.UserId, ["fits-tiny"]);
        var error = Assert.Single(misfit.Errors);
        Assert.Equal(("loras[0].name", true), (error.Field, error.Message.Contains("does not fit model 'tiny-synthetic'", StringComparison.Ordinal)));

        // A model the adapter was never matched against (one added to the catalogue later) is matched when a job names it.
        await portal.WithContextAsync(tenant.TenantId, async db =>
            await db.LoraAdapters.ExecuteUpdateAsync(s => s.SetProperty(a => a.CheckedModels, new List<string>())));
        var matched = await ResolveAsync(portal, tenant.TenantId, tenant.UserId, ["fits-tiny"]);
        Assert.True(matched.Succeeded, string.Join("; ", matched.Errors));
        var row = await portal.WithContextAsync(tenant.TenantId, db => db.LoraAdapters.AsNoTracking().SingleAsync(a => a.Id == id));
        Assert.Equal(["tiny-synthetic"], row.CompatibleModels);
        Assert.Equal(["tiny-synthetic"], row.CheckedModels);

        // A model this node does not hold is the inference host's to judge.
        var elsewhere = await ResolveAsync(portal, tenant.TenantId, tenant.UserId, ["fits-tiny"], model: "sd15-on-the-hosts");
        Assert.True(elsewhere.Succeeded);
    }

    [Fact]
    public async Task LoraResolveForJob_InAScopeOfAnotherTenant_Throws()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, Settings());
        var a = await portal.RegisterTenantAsync("Scope A");
        var b = await portal.RegisterTenantAsync("Scope B");

        await Assert.ThrowsAsync<ArgumentException>(() => ResolveAsync(portal, a.TenantId, a.UserId, ["x"], scopeTenant: b.TenantId));
    }

    private static async Task<LoraResolution> ResolveAsync(
        PortalWebFactory portal, Guid tenantId, Guid userId, IReadOnlyList<string> names, string model = "tiny-synthetic", Guid? scopeTenant = null)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(scopeTenant ?? tenantId);
        return await scope.ServiceProvider.GetRequiredService<LoraAdapterAccess>().ResolveForJobAsync(tenantId, userId, names, model, default);
    }

    private static Task<Guid> UserIdAsync(PortalWebFactory portal, string email) =>
        portal.WithContextAsync(null, db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());
}
