using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SdPortal.Data;
using SdPortal.Data.Credits;
using SdPortal.Tests.Support;
using Xunit.Abstractions;
using static SdPortal.Tests.Support.Routes;

namespace SdPortal.Tests.Generation;

public sealed class GalleryAndIdempotencyTests(ITestOutputHelper output)
{
    /// <summary>R9's server side: concurrent submissions under one idempotency key accept one job and reserve once.</summary>
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ConcurrentSubmits_WithOneIdempotencyKey_AcceptOneJobAndOneReservation(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings());
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Repeaters");

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, U("/api/v1/generations")) { Content = JsonContent.Create(PortalWebFactory.TinyRequest(), options: PortalWebFactory.Json) };
            request.Headers.Add("Idempotency-Key", "form-1");
            var response = await owner.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>(PortalWebFactory.Json)).GetProperty("id").GetGuid();
        }));

        var jobs = await portal.JobCountAsync(tenant.TenantId);
        var reservations = await portal.LedgerEntriesAsync(tenant.TenantId, CreditEntryKind.Reserve);
        output.WriteLine($"R9 ({provider}): submits = 10, distinct job ids = {responses.Distinct().Count()}, jobs = {jobs}, reservations = {reservations}");
        Assert.Single(responses.Distinct());
        Assert.Equal((1, 1), (jobs, reservations));
        await PortalWebFactory.WaitForStatusAsync(owner, responses[0], "succeeded");

        var another = await PortalWebFactory.SubmitAcceptedAsync(owner);
        Assert.NotEqual(responses[0], another);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Gallery_ListsOwnImagesFiltered_AdminsSeeTheTenant_DeleteRemovesRowAndFile(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings());
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Painters");
        var token = await PortalWebFactory.InviteAsync(owner, "member@painters.test");
        Assert.Equal(HttpStatusCode.OK, (await portal.AcceptInvitationAsync(token)).StatusCode);
        using var member = await portal.LoginAsync("member@painters.test");

        var fox = await PortalWebFactory.SubmitAcceptedAsync(owner, PortalWebFactory.TinyRequest(("prompt", "A Red FOX"), ("batchSize", 2)));
        var owl = await PortalWebFactory.SubmitAcceptedAsync(member, PortalWebFactory.TinyRequest(("prompt", "an owl at 100% zoom")));
        await PortalWebFactory.WaitForStatusAsync(owner, fox, "succeeded");
        await PortalWebFactory.WaitForStatusAsync(member, owl, "succeeded");

        Assert.Equal(2, (await Items(owner, "/api/v1/images")).Count);
        Assert.Equal(2, (await Items(owner, "/api/v1/images?prompt=red%20fox")).Count); // case-insensitive on both providers
        Assert.Empty(await Items(owner, "/api/v1/images?prompt=owl"));
        Assert.Single(await Items(member, "/api/v1/images?prompt=100%25"));
        Assert.Empty(await Items(member, "/api/v1/images?prompt=1_0"));
        Assert.Equal(3, (await Items(owner, "/api/v1/images?scope=tenant")).Count);
        Assert.Equal(HttpStatusCode.BadRequest, (await member.GetAsync(U("/api/v1/images?scope=tenant"))).StatusCode);
        Assert.Empty(await Items(owner, "/api/v1/images?model=sd15"));
        Assert.Empty(await Items(owner, $"/api/v1/images?from={DateTime.UtcNow.AddHours(1):O}"));
        var firstPage = await PortalWebFactory.GetJsonAsync(owner, "/api/v1/images?scope=tenant&pageSize=2");
        var cursor = firstPage.GetProperty("nextCursor").GetString();
        Assert.Single(await Items(owner, $"/api/v1/images?scope=tenant&pageSize=2&cursor={cursor}"));

        var owlImage = (await Items(member, "/api/v1/images"))[0];
        var owlUrl = owlImage.GetProperty("url").GetString()!;
        var owlId = owlImage.GetProperty("imageId").GetGuid();
        var file = await portal.WithContextAsync(tenant.TenantId, async db => (await db.GeneratedImages.FindAsync(owlId))!.ContentPath);
        var path = Path.Combine(database.DataDirectory, "images", file);
        Assert.True(File.Exists(path));

        var foxImage = (await Items(owner, "/api/v1/images"))[0].GetProperty("imageId").GetGuid();
        Assert.Equal(HttpStatusCode.NotFound, (await member.DeleteAsync(U($"/api/v1/images/{foxImage}"))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await member.DeleteAsync(U($"/api/v1/images/{owlId}"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await member.GetAsync(U(owlUrl))).StatusCode);
        Assert.False(File.Exists(path));
        Assert.Equal(HttpStatusCode.NotFound, (await member.DeleteAsync(U($"/api/v1/images/{owlId}"))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync(U($"/api/v1/images/{foxImage}"))).StatusCode);
        Assert.Single(await Items(owner, "/api/v1/images?scope=tenant"));
    }

    private static async Task<List<JsonElement>> Items(HttpClient client, string path) =>
        [.. (await PortalWebFactory.GetJsonAsync(client, path)).GetProperty("items").EnumerateArray()];
}
