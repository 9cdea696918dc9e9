using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using SdPortal.Data;
using SdPortal.Tests.Support;
using SdPortal.Web.Generation;
using Xunit.Abstractions;
using static SdPortal.Tests.Support.Routes;

namespace SdPortal.Tests.Api;

/// <summary>
/// R16 inside a tenant: one visibility rule for a job and everything of it. A member asking for another member's job,
/// image (by id), image file, preview or events gets "not found"; the tenant's admin and the job's owner get them.
/// </summary>
public sealed class JobVisibilityTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AMember_CannotReachAnotherMembersJobImagePreviewOrEvents_WhileTheAdminAndTheOwnerCan(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings());
        var (_, admin) = await portal.RegisterAndLoginAsync("Studio");
        var (_, author) = await portal.AddMemberAsync(admin, "author@studio.test");
        var (_, other) = await portal.AddMemberAsync(admin, "other@studio.test");
        var job = await PortalWebFactory.SubmitAcceptedAsync(author);
        var done = await PortalWebFactory.WaitForStatusAsync(author, job, "succeeded");
        var image = done.GetProperty("images")[0];
        var imageId = image.GetProperty("id").GetGuid();
        // The preview route serves a running job's latest preview; give this one a preview as a running job would have.
        await portal.Services.GetRequiredService<LivePreviews>().SetAsync(job, 1, [0x89, 0x50, 0x4E, 0x47]);

        string[] reads =
        [
            $"/api/v1/generations/{job}",
            image.GetProperty("url").GetString()!, // the image file by id: /api/v1/images/{id}
            $"/api/v1/generations/{job}/preview",
        ];
        var asOther = new List<HttpStatusCode>();
        foreach (var path in reads)
        {
            asOther.Add((await other.GetAsync(U(path))).StatusCode);
        }

        var galleryOfOther = await PortalWebFactory.GetJsonAsync(other, "/api/v1/images");
        var historyOfOther = await PortalWebFactory.GetJsonAsync(other, "/api/v1/generations");
        var join = await SubscribeAsync(portal, other, job);
        asOther.Add((await other.DeleteAsync(U($"/api/v1/images/{imageId}"))).StatusCode);
        var leaks = asOther.Count(s => s != HttpStatusCode.NotFound)
                    + Count(galleryOfOther, "items", "imageId", imageId) + Count(historyOfOther, "items", "id", job) + (join is null ? 1 : 0);
        var attempts = asOther.Count + 3;

        var asAdmin = new List<HttpStatusCode>();
        var asAuthor = new List<HttpStatusCode>();
        foreach (var path in reads)
        {
            asAdmin.Add((await admin.GetAsync(U(path))).StatusCode);
            asAuthor.Add((await author.GetAsync(U(path))).StatusCode);
        }

        var adminGallery = await PortalWebFactory.GetJsonAsync(admin, "/api/v1/images?scope=tenant");
        var adminJoin = await SubscribeAsync(portal, admin, job);
        var authorJoin = await SubscribeAsync(portal, author, job);

        output.WriteLine($"R16 [{provider}] another member's job, image file by id, preview, gallery, history, hub join, delete: " +
                         $"successes = {leaks}/{attempts} (statuses {string.Join(", ", asOther.Select(s => (int)s))}; join: {join?.Message ?? "allowed"})");
        output.WriteLine($"R16 [{provider}] the tenant's admin: {asAdmin.Count(s => s == HttpStatusCode.OK)}/{reads.Length} reads, gallery has it: " +
                         $"{Count(adminGallery, "items", "imageId", imageId) == 1}, hub join {(adminJoin is null ? "allowed" : "refused")}; " +
                         $"the job's owner: {asAuthor.Count(s => s == HttpStatusCode.OK)}/{reads.Length}, hub join {(authorJoin is null ? "allowed" : "refused")}");
        Assert.Equal(0, leaks);
        Assert.All(asAdmin, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.All(asAuthor, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(1, Count(adminGallery, "items", "imageId", imageId));
        Assert.Null(adminJoin);
        Assert.Null(authorJoin);
    }

    private static int Count(JsonElement page, string list, string idField, Guid id) =>
        page.GetProperty(list).EnumerateArray().Count(e => e.GetProperty(idField).GetGuid() == id);

    /// <summary>Subscribes to the job on a fresh connection; answers the refusal, or null when allowed.</summary>
    private static async Task<HubException?> SubscribeAsync(PortalWebFactory portal, HttpClient client, Guid job)
    {
        await using var hub = await portal.ConnectHubAsync(client);
        try
        {
            await hub.InvokeAsync(nameof(GenerationHub.SubscribeToJob), job);
            return null;
        }
        catch (HubException refused)
        {
            return refused;
        }
    }
}
