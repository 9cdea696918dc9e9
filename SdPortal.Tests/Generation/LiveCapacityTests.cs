using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.Generation;
using SdPortal.Tests.Support;
using Xunit.Abstractions;
using static SdPortal.Tests.Support.Routes;

namespace SdPortal.Tests.Generation;

/// <summary>
/// Capacity counts live work only (issue 12): running rows whose worker vanished (lapsed leases, not yet swept) must
/// not stop other tenants' jobs, and a waiting job says why it waits.
/// </summary>
public sealed class LiveCapacityTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RowsWithLapsedLeases_DoNotBlockAnotherTenant_OnASingleWorker(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        // One worker and no sweep during the test: two orphaned Running rows would have taken all capacity before leases.
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings(workers: 1, ("Generation:RecoverySweepSeconds", "3600")));
        var (stuck, stuckOwner) = await portal.RegisterAndLoginAsync("Orphaned");
        var orphans = new[] { await PortalWebFactory.SubmitAcceptedAsync(stuckOwner), await PortalWebFactory.SubmitAcceptedAsync(stuckOwner) };
        foreach (var id in orphans)
        {
            await PortalWebFactory.WaitForStatusAsync(stuckOwner, id, "succeeded");
        }

        // Make them look like a dead worker's jobs: Running, their lease lapsed a minute ago, never settled.
        var lapsed = DateTime.UtcNow.AddMinutes(-1);
        await portal.WithContextAsync(stuck.TenantId, db => db.GenerationJobs.Where(j => orphans.Contains(j.Id)).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, GenerationJobStatus.Running).SetProperty(j => j.LeaseId, Guid.NewGuid()).SetProperty(j => j.LeaseExpiresAtUtc, lapsed)));

        var (_, other) = await portal.RegisterAndLoginAsync("Unblocked");
        var job = await PortalWebFactory.SubmitAcceptedAsync(other);
        var done = await PortalWebFactory.WaitForStatusAsync(other, job, "succeeded", TimeSpan.FromSeconds(30));

        output.WriteLine($"[{provider}] 2 rows Running with lapsed leases on a 1-worker portal; another tenant's job {done.GetProperty("status").GetString()}");
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
    }

    [Fact]
    public async Task QueuedJobWithoutAnyWorker_SaysWhyItWaits_AndCancelAnswersThatItEnded()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings(more: ("Jobs:RunInferenceInProcess", "false")));
        var (_, owner) = await portal.RegisterAndLoginAsync("Scaled To Zero");
        var id = await PortalWebFactory.SubmitAcceptedAsync(owner);

        JsonElement job;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while ((job = await PortalWebFactory.GetJsonAsync(owner, $"/api/v1/generations/{id}")).GetProperty("waitReason").ValueKind != JsonValueKind.String)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"No wait reason: {job}");
            await Task.Delay(100);
        }

        var cancel = await owner.PostAsync(U($"/api/v1/generations/{id}/cancel"), null);
        var answer = await cancel.Content.ReadFromJsonAsync<JsonElement>();
        output.WriteLine($"Wait reason: {job.GetProperty("waitReason").GetString()}; cancel answered {(int)cancel.StatusCode} {answer.GetProperty("status").GetString()}");
        Assert.Equal(SdPortal.Web.Generation.FairDispatcher.WaitingForGpuReason, job.GetProperty("waitReason").GetString());
        Assert.Equal((HttpStatusCode.OK, "canceled", false), (cancel.StatusCode, answer.GetProperty("status").GetString(), answer.GetProperty("cancelRequested").GetBoolean()));
    }
}
