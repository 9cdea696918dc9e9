using System.Diagnostics;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SdPortal.Data;
using SdPortal.Data.Generation;
using SdPortal.Inference.Jobs;
using SdPortal.Tests.Support;
using Xunit.Abstractions;

namespace SdPortal.Tests.Generation;

/// <summary>Jobs left in Dispatched without a Hangfire job (a crash between claim and enqueue) go back to the queue.</summary>
public sealed class StrandedJobSweepTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Sweep_DispatchedWithoutHangfireJob_GoesBackToQueued_WhileOneWithAHangfireJobStays(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        // No worker anywhere: queued jobs stay queued, so the test sees exactly what the sweep does.
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings(more:
            [("Jobs:RunInferenceInProcess", "false"), ("Generation:RecoverySweepSeconds", "1"), ("Generation:StrandedAfterSeconds", "5")]));
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Stranded");
        var stranded = await PortalWebFactory.SubmitAcceptedAsync(owner);
        var enqueued = await PortalWebFactory.SubmitAcceptedAsync(owner);
        portal.Services.GetRequiredService<IBackgroundJobClient>()
            .Enqueue<GenerationWork>(w => w.RunAsync(tenant.TenantId, enqueued, null, CancellationToken.None));
        var longAgo = DateTime.UtcNow.AddHours(-1);
        await portal.WithContextAsync(tenant.TenantId, db => db.GenerationJobs.Where(j => j.Id == stranded || j.Id == enqueued)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, GenerationJobStatus.Dispatched).SetProperty(j => j.DispatchedAtUtc, longAgo)));

        var watch = Stopwatch.StartNew();
        while (await StatusAsync(portal, tenant.TenantId, stranded) != GenerationJobStatus.Queued)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), "The stranded job was not put back");
            await Task.Delay(100);
        }

        var recoveredAfter = watch.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(3)); // three more sweeps
        output.WriteLine($"[{provider}] stranded job back in the queue {recoveredAfter.TotalSeconds:F1} s after it was marked (sweep 1 s, two sweeps to confirm)");
        Assert.Equal(GenerationJobStatus.Dispatched, await StatusAsync(portal, tenant.TenantId, enqueued));
        Assert.Equal(GenerationJobStatus.Queued, await StatusAsync(portal, tenant.TenantId, stranded));
    }

    private static Task<GenerationJobStatus> StatusAsync(PortalWebFactory portal, Guid tenantId, Guid id) =>
        portal.WithContextAsync(tenantId, db => db.GenerationJobs.Where(j => j.Id == id).Select(j => j.Status).SingleAsync());
}
