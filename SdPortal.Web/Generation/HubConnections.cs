using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.SignalR;

namespace SdPortal.Web.Generation;

/// <summary>
/// This web node's open hub connections and what each subscribed to, so that their authorisation can be checked again
/// (<see cref="HubReauthorizer"/>). A connection lives on exactly one node, so per-node state is the whole truth about it;
/// nothing here is shared between nodes.
/// </summary>
public sealed class HubConnections
{
    private readonly ConcurrentDictionary<string, HubWatcher> _connections = new(StringComparer.Ordinal);

    public HubWatcher Add(HubCallerContext context, Guid userId) => _connections[context.ConnectionId] = new HubWatcher(context, userId);

    public HubWatcher? Find(string connectionId) => _connections.GetValueOrDefault(connectionId);

    public void Remove(string connectionId) => _connections.TryRemove(connectionId, out _);

    /// <summary>Every connection of this node (the periodic re-check).</summary>
    public IReadOnlyList<HubWatcher> All() => [.. _connections.Values];

    /// <summary>The connections of one of <paramref name="users"/>, or subscribed to anything of one of <paramref name="tenants"/>.</summary>
    public IReadOnlyList<HubWatcher> Affected(IReadOnlySet<Guid> users, IReadOnlySet<Guid> tenants) =>
        [.. _connections.Values.Where(c => users.Contains(c.UserId) || c.Tenants().Any(tenants.Contains))];
}

/// <summary>
/// One connection and its subscriptions. <see cref="Gate"/> orders a subscription (check, then join) against a
/// re-check (check, then leave): a re-check that starts while a join is under way waits for it and then sees it, so a
/// join authorised just before a change cannot survive the change's re-check.
/// </summary>
public sealed class HubWatcher(HubCallerContext context, Guid userId)
{
    private readonly ConcurrentDictionary<Guid, WatchedJob> _jobs = new();
    private readonly ConcurrentDictionary<Guid, byte> _adminTenants = new();

    public HubCallerContext Context => context;

    public string ConnectionId => context.ConnectionId;

    public Guid UserId => userId;

    public ClaimsPrincipal? User => context.User;

    public SemaphoreSlim Gate { get; } = new(1, 1);

    public IReadOnlyCollection<WatchedJob> Jobs => [.. _jobs.Values];

    public IReadOnlyCollection<Guid> AdminTenants => [.. _adminTenants.Keys];

    public IEnumerable<Guid> Tenants() => _jobs.Values.Select(j => j.TenantId).Concat(_adminTenants.Keys);

    public void AddJob(WatchedJob job) => _jobs[job.JobId] = job;

    public void RemoveJob(Guid jobId) => _jobs.TryRemove(jobId, out _);

    public void AddAdminTenant(Guid tenantId) => _adminTenants[tenantId] = 0;

    public void RemoveAdminTenant(Guid tenantId) => _adminTenants.TryRemove(tenantId, out _);
}
