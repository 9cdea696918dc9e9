using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SdPortal.Data;
using SdPortal.Tests.Support;
using SdPortal.Web.Generation;
using Xunit.Abstractions;
using static SdPortal.Tests.Support.Routes;

namespace SdPortal.Tests.Generation;

/// <summary>
/// R29 for circuits: the Create page follows its job through the in-process feed, and stops — events included, not
/// only its polling — once its next refresh finds that the user may no longer act in the tenant.
/// </summary>
public sealed class CircuitFeedRevocationTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ACreatePage_StopsReceivingItsJobsEvents_WhenTheMemberIsRemoved(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        // No worker: the job stays queued, so the page keeps following it until access ends.
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings(more: ("Jobs:RunInferenceInProcess", "false")));
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Circuits");
        var (memberId, member) = await portal.AddMemberAsync(owner, "member@circuits.test");
        var job = await PortalWebFactory.SubmitAcceptedAsync(member);
        await using var circuit = await portal.OpenCircuitAsync(memberId);
        var page = circuit.OpenCreatePage();
        await page.InitializeAsync(null, null);
        var feed = portal.Services.GetRequiredService<JobEventFeed>();
        Assert.Equal(job, page.Job?.Id);
        Assert.Equal(1, feed.SubscriberCount(job));

        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync(U($"/api/v1/tenant/members/{memberId}"))).StatusCode);
        // Bounded polling: the page's next refresh (every 1.5 s) is refused and ends the subscription.
        await HubRecorder.EventuallyAsync(() => feed.SubscriberCount(job) == 0, "the removed member's page unsubscribes from the job");
        await portal.Services.GetRequiredService<GenerationEvents>().EndedAsync(tenant.TenantId, job, "failed", "probe after removal");

        output.WriteLine($"R29 circuit [{provider}]: feed subscribers of the job after removal = {feed.SubscriberCount(job)}; " +
                         $"page status after a later event = {page.Job?.Status} (events applied after the change = {(page.Job?.Status == "failed" ? 1 : 0)})");
        Assert.NotEqual("failed", page.Job?.Status);
    }
}
