using System.Diagnostics;
using System.Globalization;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SdPortal.Data;
using SdPortal.Data.Credits;
using SdPortal.Tests.Support;
using Xunit.Abstractions;

namespace SdPortal.Tests.Generation;

/// <summary>
/// Jobs longer than every internal timeout (R12, issue 12). With every timeout set small — Hangfire's invisibility
/// (5 s, which SQLite does not slide), the lease (3 s, renewed every second), each gateway call (2 s), the stall
/// watchdog (5 s) — a 15 s job must run once, settle once and let the job queued behind it run; and a job of over
/// 45 s at the default settings must simply succeed.
/// </summary>
public sealed class LongJobTests(ITestOutputHelper output)
{
    private const int InvisibilityTimeoutSeconds = 5;
    private const int LeaseSeconds = 3;
    private const int Steps = 30;
    private static readonly TimeSpan PerStep = TimeSpan.FromMilliseconds(500);

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task JobLongerThanEveryTimeout_RunsOnceSettlesOnce_AndTheJobBehindItRuns(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        // Two workers: a second one is free to pick the job up again if anything lets go of it.
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings(workers: 2,
            ("Jobs:InvisibilityTimeoutSeconds", Text(InvisibilityTimeoutSeconds)),
            ("Jobs:GatewayCallSeconds", "2"),
            ("Generation:LeaseSeconds", Text(LeaseSeconds)),
            ("Generation:StallSeconds", "5"),
            ("Generation:RecoverySweepSeconds", "1")))
        {
            TestServices = TestEngines.Slow(PerStep),
        };
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Patient");
        var started = Stopwatch.StartNew();

        var id = await PortalWebFactory.SubmitAcceptedAsync(owner, PortalWebFactory.TinyRequest(("steps", Steps)));
        var behind = await PortalWebFactory.SubmitAcceptedAsync(owner, PortalWebFactory.TinyRequest(("seed", 8)));
        await PortalWebFactory.WaitForStatusAsync(owner, id, "succeeded", TimeSpan.FromSeconds(120));
        var ran = started.Elapsed;
        await PortalWebFactory.WaitForStatusAsync(owner, behind, "succeeded", TimeSpan.FromSeconds(60));
        // A second Hangfire execution (SQLite re-delivers after the invisibility timeout) must have found nothing to do.
        await WaitUntilNoJobIsProcessingAsync(portal.Services.GetRequiredService<JobStorage>(), TimeSpan.FromSeconds(60));

        var (attempts, recoveries) = await portal.WithContextAsync(tenant.TenantId, db => db.GenerationJobs.Where(j => j.Id == id)
            .Select(j => new ValueTuple<int, int>(j.Attempts, j.Recoveries)).SingleAsync());
        var settlement = await SettlementAsync(portal, database, tenant.TenantId, id);
        var balance = await PortalWebFactory.BalanceAsync(owner);

        output.WriteLine($"R12 [{provider}] job of {ran.TotalSeconds:F1} s vs invisibility {InvisibilityTimeoutSeconds} s, lease {LeaseSeconds} s, " +
                         $"gateway call 2 s, stall 5 s: starts {attempts}, recoveries {recoveries}; captures/releases/image rows/files = {settlement}; " +
                         $"job behind it succeeded; balance {balance} of {TenantLimitsDefaults.Credits}");
        Assert.True(ran >= 3 * TimeSpan.FromSeconds(InvisibilityTimeoutSeconds), $"The job took {ran}, not 3 × the longest timeout: the test proves nothing.");
        Assert.Equal((1, 0), (attempts, recoveries));
        Assert.Equal((1, 0, 1, 1), settlement);
        Assert.Equal(TenantLimitsDefaults.Credits - 2, balance);
    }

    [Fact]
    public async Task JobOfMoreThan45Seconds_AtTheDefaultSettings_SucceedsAndIsChargedOnce()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings())
        {
            TestServices = TestEngines.Slow(TimeSpan.FromSeconds(1)),
        };
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Very Patient");
        var started = Stopwatch.StartNew();

        var id = await PortalWebFactory.SubmitAcceptedAsync(owner, PortalWebFactory.TinyRequest(("steps", 46)));
        await PortalWebFactory.WaitForStatusAsync(owner, id, "succeeded", TimeSpan.FromSeconds(180));
        var ran = started.Elapsed;

        var settlement = await SettlementAsync(portal, database, tenant.TenantId, id);
        output.WriteLine($"Job of {ran.TotalSeconds:F1} s at the default settings: captures/releases/image rows/files = {settlement}");
        Assert.True(ran >= TimeSpan.FromSeconds(45), $"The job took {ran}: the test proves nothing.");
        Assert.Equal((1, 0, 1, 1), settlement);
        Assert.Equal(TenantLimitsDefaults.Credits - 1, await PortalWebFactory.BalanceAsync(owner));
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static async Task<(int Captures, int Releases, int ImageRows, int ImageFiles)> SettlementAsync(
        PortalWebFactory portal, TestDatabase database, Guid tenantId, Guid id)
    {
        var captures = await portal.LedgerEntriesAsync(tenantId, CreditEntryKind.Capture, id);
        var releases = await portal.LedgerEntriesAsync(tenantId, CreditEntryKind.Release, id);
        var rows = await portal.WithContextAsync(tenantId, db => db.GeneratedImages.Where(i => i.JobId == id).Select(i => i.ContentPath).ToListAsync());
        var folder = Path.Combine(database.DataDirectory, "images", tenantId.ToString("N"));
        var files = rows.Count(path => File.Exists(Path.Combine(folder, Path.GetFileName(path))));
        // No orphaned file from a discarded execution: every PNG of the tenant belongs to an image row.
        var allFiles = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.png").Length : 0;
        Assert.Equal(await portal.WithContextAsync(tenantId, db => db.GeneratedImages.CountAsync()), allFiles);
        return (captures, releases, rows.Count, files);
    }

    private static async Task WaitUntilNoJobIsProcessingAsync(JobStorage storage, TimeSpan timeout)
    {
        var monitoring = storage.GetMonitoringApi();
        var watch = Stopwatch.StartNew();
        while (monitoring.ProcessingCount() > 0)
        {
            Assert.True(watch.Elapsed < timeout, $"A Hangfire job was still processing after {timeout}");
            await Task.Delay(200);
        }
    }
}
