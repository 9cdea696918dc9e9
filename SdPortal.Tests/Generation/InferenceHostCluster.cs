using System.Diagnostics;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SdPortal.Data.Credits;
using SdPortal.Data.Generation;
using SdPortal.Inference.Jobs;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Generation;

/// <summary>
/// A distributed deployment in miniature: a web node on Kestrel without an in-process worker, on a fresh PostgreSQL
/// database, to which <see cref="InferenceHostProcess"/>es connect over loopback with the shared host token.
/// </summary>
internal sealed class InferenceHostCluster : IAsyncDisposable
{
    public const string HostToken = "test-host-token-0123456789";

    private readonly List<InferenceHostProcess> _hosts = [];

    private InferenceHostCluster(TestDatabase database, PortalWebFactory portal, int invisibilityTimeoutSeconds)
    {
        (Database, Portal, InvisibilityTimeoutSeconds) = (database, portal, invisibilityTimeoutSeconds);
    }

    public TestDatabase Database { get; }

    public PortalWebFactory Portal { get; }

    public int InvisibilityTimeoutSeconds { get; }

    /// <summary>The lease of running jobs in the cluster: a dead host's job is recovered this long after its last renewal.</summary>
    public const int LeaseSeconds = 5;

    /// <summary>How often the web node sweeps for lapsed leases.</summary>
    public const int RecoverySweepSeconds = 1;

    public static async Task<InferenceHostCluster> StartAsync(int invisibilityTimeoutSeconds)
    {
        var database = await TestDatabase.CreateAsync(SdPortal.Data.DatabaseProvider.PostgreSql);
        var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings(more:
        [
            ("Jobs:RunInferenceInProcess", "false"),
            ("Jobs:HostToken", HostToken),
            ("Jobs:InvisibilityTimeoutSeconds", invisibilityTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Generation:LeaseSeconds", LeaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Generation:RecoverySweepSeconds", RecoverySweepSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ]));
        portal.UseKestrel(0);
        portal.StartServer();
        return new InferenceHostCluster(database, portal, invisibilityTimeoutSeconds);
    }

    /// <summary>Starts a host process and waits until the portal sees its workers on the generation queue.</summary>
    public async Task<InferenceHostProcess> StartHostAsync(int workers, params (string Name, string Value)[] environment)
    {
        var before = GenerationWorkers();
        var host = InferenceHostProcess.Start(Database, Portal.ClientOptions.BaseAddress, HostToken, workers, InvisibilityTimeoutSeconds, environment);
        _hosts.Add(host);
        var watch = Stopwatch.StartNew();
        while (GenerationWorkers() < before + workers)
        {
            Assert.False(host.HasExited, $"The inference host exited with {(host.HasExited ? host.ExitCode : 0)}:\n{host.Output}");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"The inference host did not register its workers:\n{host.Output}");
            await Task.Delay(100);
        }

        return host;
    }

    /// <summary>Workers of live Hangfire servers on the generation queue, as the dispatcher counts them.</summary>
    public int GenerationWorkers() => Portal.Services.GetRequiredService<JobStorage>().GetMonitoringApi().Servers()
        .Where(s => s.Queues.Contains(GenerationWork.Queue) && _hosts.Any(h => !h.HasExited && s.Name.Contains($":{h.ProcessId}:", StringComparison.Ordinal)))
        .Sum(s => s.WorkersCount);

    public Task<List<GenerationJob>> JobsAsync(Guid tenantId, IReadOnlyCollection<Guid> ids) =>
        Portal.WithContextAsync(tenantId, db => db.GenerationJobs.AsNoTracking().Where(j => ids.Contains(j.Id)).ToListAsync());

    /// <summary>Lets the tenant run <paramref name="jobs"/> at once (the free plan allows 2).</summary>
    public Task AllowConcurrentJobsAsync(Guid tenantId, int jobs) =>
        Portal.WithContextAsync(tenantId, db => db.TenantLimits.ExecuteUpdateAsync(s => s.SetProperty(l => l.MaxConcurrentJobs, jobs)));

    /// <summary>Capture entries, release entries and stored images of one job.</summary>
    public async Task<(int Captures, int Releases, int Images)> SettlementAsync(Guid tenantId, Guid jobId) => (
        await Portal.LedgerEntriesAsync(tenantId, CreditEntryKind.Capture, jobId),
        await Portal.LedgerEntriesAsync(tenantId, CreditEntryKind.Release, jobId),
        await Portal.WithContextAsync(tenantId, db => db.GeneratedImages.CountAsync(i => i.JobId == jobId)));

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        await Portal.DisposeAsync();
        await Database.DisposeAsync();
    }
}
