using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.Generation;
using SdPortal.Data.Tenancy;

namespace SdPortal.Web.Generation;

/// <summary>
/// The dispatcher's view of every tenant's queued and in-flight jobs. The dispatcher is the one reader that must see
/// across tenants, so it names the tenant filter it ignores; it writes only through tenant scopes. Only live work is in
/// flight: a running job whose lease lapsed and a dispatch stranded past <see cref="GenerationOptions.StrandedAfterSeconds"/>
/// hold no worker, so they never block other tenants while the recovery sweep deals with them.
/// </summary>
internal sealed record QueueSnapshot(
    IReadOnlyList<QueuedJob> Queued,
    IReadOnlyList<QueuedJob> InFlight,
    IReadOnlyDictionary<Guid, int> InFlightByTenant,
    IReadOnlyDictionary<Guid, int> InFlightByUser,
    IReadOnlyDictionary<Guid, int> MaxConcurrent)
{
    public static async Task<QueueSnapshot> ReadAsync(IServiceScopeFactory scopes, DateTime now, TimeSpan strandedAfter, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var dispatchedSince = now - strandedAfter;
        var open = await db.GenerationJobs.IgnoreQueryFilters([TenantIsolation.FilterName]).AsNoTracking()
            .Where(j => j.Status == GenerationJobStatus.Queued
                        || (j.Status == GenerationJobStatus.Dispatched && j.DispatchedAtUtc >= dispatchedSince)
                        || (j.Status == GenerationJobStatus.Running && j.LeaseExpiresAtUtc >= now))
            .Select(j => new { Job = new QueuedJob(j.Id, j.TenantId, j.UserId, j.CreatedAtUtc), j.Status })
            .ToListAsync(ct);
        var tenants = open.Select(j => j.Job.TenantId).Distinct().ToList();
        var limits = await db.TenantLimits.IgnoreQueryFilters([TenantIsolation.FilterName]).AsNoTracking()
            .Where(l => tenants.Contains(l.TenantId))
            .ToDictionaryAsync(l => l.TenantId, l => l.MaxConcurrentJobs, ct);
        var inFlight = open.Where(j => j.Status != GenerationJobStatus.Queued).Select(j => j.Job).ToList();
        return new QueueSnapshot(
            open.Where(j => j.Status == GenerationJobStatus.Queued).Select(j => j.Job).ToList(),
            inFlight,
            inFlight.CountBy(j => j.TenantId).ToDictionary(),
            inFlight.CountBy(j => j.UserId).ToDictionary(),
            limits);
    }
}
