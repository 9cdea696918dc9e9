using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.Entities;
using SdPortal.Data.Tenancy;
using SdPortal.Web.Identity;

namespace SdPortal.Web.Generation;

/// <summary>
/// Who may watch what on the generation hub, checked on every join: an active member of an active tenant sees their
/// own jobs, its admins see all of them. A connection has no tenant of its own, so this names the filter it ignores
/// and checks the membership explicitly. An API key stays within its tenant.
/// </summary>
public sealed class HubAccess(IServiceScopeFactory scopes)
{
    public async Task<bool> CanWatchJobAsync(ClaimsPrincipal? user, Guid jobId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var job = await db.GenerationJobs.IgnoreQueryFilters([TenantIsolation.FilterName]).AsNoTracking()
            .Where(j => j.Id == jobId).Select(j => new { j.TenantId, j.UserId }).SingleOrDefaultAsync(ct);
        if (job is null || GenerationHub.UserId(user) is not { } userId)
        {
            return false;
        }

        var role = await RoleAsync(db, user!, userId, job.TenantId, ct);
        return role is not null && (job.UserId == userId || role >= TenantRole.Admin);
    }

    public async Task<bool> IsTenantAdminAsync(ClaimsPrincipal? user, Guid tenantId, CancellationToken ct)
    {
        if (GenerationHub.UserId(user) is not { } userId)
        {
            return false;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        return await RoleAsync(db, user!, userId, tenantId, ct) >= TenantRole.Admin;
    }

    private static async Task<TenantRole?> RoleAsync(PortalDbContext db, ClaimsPrincipal user, Guid userId, Guid tenantId, CancellationToken ct)
    {
        if (user.FindFirstValue(PortalClaims.TenantId) is { } keyTenant && keyTenant != tenantId.ToString())
        {
            return null;
        }

        if (await db.Users.AnyAsync(u => u.Id == userId && u.IsDisabled, ct))
        {
            return null;
        }

        var member = await db.Memberships.IgnoreQueryFilters([TenantIsolation.FilterName]).AsNoTracking()
            .Where(m => m.UserId == userId && m.TenantId == tenantId)
            .Join(db.Tenants, m => m.TenantId, t => t.Id, (m, t) => new { m.Role, t.Status })
            .SingleOrDefaultAsync(ct);
        return member is { Status: TenantStatus.Active } ? member.Role : null;
    }
}
