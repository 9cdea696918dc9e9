using Hangfire;
using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.Generation;
using SdPortal.Data.Tenancy;
using SdPortal.Inference.Jobs;
using SdPortal.Web.Generation;

namespace SdPortal.Web.Operators;

/// <summary>What the operators' GPU pool page shows: the workers and their devices, and each tenant's queue.</summary>
/// <param name="Workers">Workers heard from recently, with their devices (see <see cref="WorkerPool"/>).</param>
/// <param name="Servers">Live Hangfire servers listening on the generation queue, with their worker counts.</param>
/// <param name="Tenants">Tenants with queued or in-flight jobs, busiest first.</param>
/// <param name="EnqueuedInHangfire">Jobs handed to Hangfire and not yet fetched by a worker.</param>
public sealed record PoolOverview(
    IReadOnlyList<ReportedWorker> Workers,
    IReadOnlyList<GenerationServer> Servers,
    IReadOnlyList<TenantQueueDepth> Tenants,
    long EnqueuedInHangfire);

/// <summary>A Hangfire server serving generation jobs.</summary>
public sealed record GenerationServer(string Name, int WorkerCount, DateTime? HeartbeatUtc);

/// <summary>One tenant's share of the queue.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="Name">Its display name.</param>
/// <param name="Queued">Jobs waiting for the dispatcher.</param>
/// <param name="InFlight">Live work: dispatched, or running under a live lease.</param>
/// <param name="LeaseLapsed">Running jobs whose lease lapsed, waiting for the recovery sweep; they hold no worker.</param>
/// <param name="MaxConcurrentJobs">The tenant's limit of live jobs.</param>
public sealed record TenantQueueDepth(Guid TenantId, string Name, int Queued, int InFlight, int LeaseLapsed, int MaxConcurrentJobs);

/// <summary>
/// Reads <see cref="PoolOverview"/>. The queue depth is the one operator view across tenants, so it names the tenant
/// filter it ignores, and reads counts only — never a tenant's prompts.
/// </summary>
public sealed class PoolOverviewReader(PortalDbContext db, WorkerPool workers, JobStorage storage, TimeProvider time)
{
    public async Task<PoolOverview> ReadAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var counts = await db.GenerationJobs.IgnoreQueryFilters([TenantIsolation.FilterName]).AsNoTracking()
            .Where(j => JobStates.Open.Contains(j.Status))
            .GroupBy(j => j.TenantId)
            .Select(g => new
            {
                TenantId = g.Key,
                Queued = g.Count(j => j.Status == GenerationJobStatus.Queued),
                InFlight = g.Count(j => j.Status == GenerationJobStatus.Dispatched || (j.Status == GenerationJobStatus.Running && j.LeaseExpiresAtUtc >= now)),
                LeaseLapsed = g.Count(j => j.Status == GenerationJobStatus.Running && (j.LeaseExpiresAtUtc == null || j.LeaseExpiresAtUtc < now)),
            })
            .ToListAsync(cancellationToken);
        var ids = counts.Select(c => c.TenantId).ToList();
        var tenants = await db.Tenants.AsNoTracking().Where(t => ids.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.Name, cancellationToken);
        var limits = await db.TenantLimits.IgnoreQueryFilters([TenantIsolation.FilterName]).AsNoTracking()
            .Where(l => ids.Contains(l.TenantId)).ToDictionaryAsync(l => l.TenantId, l => l.MaxConcurrentJobs, cancellationToken);
        var depths = counts
            .Select(c => new TenantQueueDepth(c.TenantId, tenants.GetValueOrDefault(c.TenantId, "?"), c.Queued, c.InFlight, c.LeaseLapsed, limits.GetValueOrDefault(c.TenantId)))
            .OrderByDescending(d => d.Queued + d.InFlight + d.LeaseLapsed).ThenBy(d => d.Name, StringComparer.Ordinal)
            .ToList();

        // The same live servers the dispatcher counts as capacity.
        var servers = WorkerCapacity.LiveServers(storage, time.GetUtcNow())
            .Select(s => new GenerationServer(s.Name, s.WorkersCount, s.Heartbeat))
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .ToList();
        return new PoolOverview(await workers.CurrentAsync(), servers, depths, storage.GetMonitoringApi().EnqueuedCount(GenerationWork.Queue));
    }
}
