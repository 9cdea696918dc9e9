using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.Tenancy;
using SdPortal.Web.Api.Access;

namespace SdPortal.Web.Generation;

/// <summary>
/// The hub's questions, answered by the rules the REST API and the circuits use: <see cref="CallerResolver"/> (active
/// user, same security stamp, active tenant, API-key tenant pin, role) and <see cref="JobVisibility"/>. Nothing here
/// decides on its own; each call takes a fresh scope, so nothing is cached and nothing needs invalidating.
/// </summary>
public sealed class HubAccess(IServiceScopeFactory scopes)
{
    /// <summary>Whether <paramref name="user"/> is still a valid sign-in (checked on connect and on every invocation).</summary>
    public async Task<bool> IsActiveUserAsync(ClaimsPrincipal? user, CancellationToken ct)
    {
        if (user is null)
        {
            return false;
        }

        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CallerResolver>().IsActiveUserAsync(user, ct);
    }

    /// <summary>The job's tenant and owner when <paramref name="user"/> may watch it now; null answers "not found".</summary>
    public async Task<WatchedJob?> FindWatchableJobAsync(ClaimsPrincipal? user, Guid jobId, CancellationToken ct)
    {
        if (user is null)
        {
            return null;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        // A connection has no tenant of its own: the job names it, and the membership check below decides.
        var tenantId = await db.GenerationJobs.IgnoreQueryFilters([TenantIsolation.FilterName]).AsNoTracking()
            .Where(j => j.Id == jobId).Select(j => (Guid?)j.TenantId).SingleOrDefaultAsync(ct);
        if (tenantId is not { } tenant || await CheckAsync(scope.ServiceProvider, user, tenant, ct) is not { } caller)
        {
            return null;
        }

        // The resolver set the scope's tenant, so the tenant filter and the visibility rule apply as on REST.
        var owner = await db.GenerationJobs.AsNoTracking().VisibleTo(caller).Where(j => j.Id == jobId)
            .Select(j => (Guid?)j.UserId).SingleOrDefaultAsync(ct);
        return owner is { } ownerId ? new WatchedJob(jobId, tenant, ownerId) : null;
    }

    /// <summary>Whether <paramref name="user"/> is an admin or owner of <paramref name="tenantId"/> now.</summary>
    public async Task<bool> IsTenantAdminAsync(ClaimsPrincipal? user, Guid tenantId, CancellationToken ct) =>
        await MemberOfAsync(user, tenantId, ct) is { IsAdmin: true };

    /// <summary>The caller as <paramref name="tenantId"/>'s member, or null when they are not one (or may not act).</summary>
    public async Task<PortalCaller?> MemberOfAsync(ClaimsPrincipal? user, Guid tenantId, CancellationToken ct)
    {
        if (user is null)
        {
            return null;
        }

        await using var scope = scopes.CreateAsyncScope();
        return await CheckAsync(scope.ServiceProvider, user, tenantId, ct);
    }

    private static async Task<PortalCaller?> CheckAsync(IServiceProvider services, ClaimsPrincipal user, Guid tenantId, CancellationToken ct) =>
        await services.GetRequiredService<CallerResolver>().CheckMemberOfAsync(user, tenantId, ct) == CallerCheck.Allowed
            ? services.GetRequiredService<PortalCaller>()
            : null;
}

/// <summary>A job a connection watches: the tenant and owner its re-checks need (neither changes during a job's life).</summary>
public sealed record WatchedJob(Guid JobId, Guid TenantId, Guid OwnerUserId);
