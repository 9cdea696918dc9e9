namespace SdPortal.Web.Generation;

/// <summary>A queued job as the dispatcher sees it.</summary>
public sealed record QueuedJob(Guid Id, Guid TenantId, Guid UserId, DateTime CreatedAtUtc);

/// <summary>
/// The fair order of the queue, a pure function so it can be tested alone. Tenants take turns, one job per turn
/// (equal weights), the tenant with the fewest jobs in flight first, then the one waiting longest; within a tenant its
/// users take turns the same way, each user's jobs first-in first-out. Ties on jobs in flight (the usual case when a
/// worker frees up) go to the tenant, then the user, served least recently. A tenant at its concurrency limit keeps its
/// place in the order but is skipped when picking jobs to start now.
/// </summary>
public static class FairOrder
{
    /// <summary>Orders <paramref name="queued"/> and picks up to <paramref name="free"/> jobs to start now.</summary>
    /// <param name="queued">Jobs waiting for the dispatcher.</param>
    /// <param name="inFlightByTenant">Dispatched or running jobs per tenant.</param>
    /// <param name="inFlightByUser">Dispatched or running jobs per user.</param>
    /// <param name="maxConcurrentByTenant">Each tenant's limit of jobs in flight.</param>
    /// <param name="lastServed">When each tenant and user last had a job started (any increasing number); absent = never.</param>
    /// <param name="free">Workers free now.</param>
    public static (IReadOnlyList<QueuedJob> Order, IReadOnlyList<QueuedJob> StartNow) Plan(
        IReadOnlyCollection<QueuedJob> queued,
        IReadOnlyDictionary<Guid, int> inFlightByTenant,
        IReadOnlyDictionary<Guid, int> inFlightByUser,
        IReadOnlyDictionary<Guid, int> maxConcurrentByTenant,
        IReadOnlyDictionary<Guid, long> lastServed,
        int free)
    {
        var tenants = queued.GroupBy(j => j.TenantId)
            .Select(g => (Tenant: g.Key, Jobs: new Queue<QueuedJob>(Interleave(g, j => j.UserId, inFlightByUser, lastServed))))
            .OrderBy(t => inFlightByTenant.GetValueOrDefault(t.Tenant))
            .ThenBy(t => lastServed.GetValueOrDefault(t.Tenant))
            .ThenBy(t => t.Jobs.Peek().CreatedAtUtc)
            .ToList();

        var order = new List<QueuedJob>(queued.Count);
        while (tenants.Count > 0)
        {
            foreach (var (_, jobs) in tenants)
            {
                order.Add(jobs.Dequeue());
            }

            tenants.RemoveAll(t => t.Jobs.Count == 0);
        }

        var inFlight = new Dictionary<Guid, int>(inFlightByTenant);
        var startNow = new List<QueuedJob>();
        foreach (var job in order)
        {
            if (startNow.Count >= free)
            {
                break;
            }

            var running = inFlight.GetValueOrDefault(job.TenantId);
            if (running < maxConcurrentByTenant.GetValueOrDefault(job.TenantId, 1))
            {
                inFlight[job.TenantId] = running + 1;
                startNow.Add(job);
            }
        }

        return (order, startNow);
    }

    /// <summary>Round-robin over the groups of <paramref name="jobs"/>: least in flight, then least recently served, first.</summary>
    private static IEnumerable<QueuedJob> Interleave(
        IEnumerable<QueuedJob> jobs, Func<QueuedJob, Guid> key, IReadOnlyDictionary<Guid, int> inFlight, IReadOnlyDictionary<Guid, long> lastServed)
    {
        var groups = jobs.GroupBy(key)
            .Select(g => new Queue<QueuedJob>(g.OrderBy(j => j.CreatedAtUtc).ThenBy(j => j.Id)))
            .OrderBy(q => inFlight.GetValueOrDefault(key(q.Peek())))
            .ThenBy(q => lastServed.GetValueOrDefault(key(q.Peek())))
            .ThenBy(q => q.Peek().CreatedAtUtc)
            .ToList();
        while (groups.Count > 0)
        {
            foreach (var group in groups)
            {
                yield return group.Dequeue();
            }

            groups.RemoveAll(g => g.Count == 0);
        }
    }
}
