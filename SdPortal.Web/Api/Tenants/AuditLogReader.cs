using Microsoft.EntityFrameworkCore;
using SdPortal.Data;

namespace SdPortal.Web.Api.Tenants;

/// <summary>One entry of the tenant's audit log, with the actor's email (operators act on tenants they do not belong to).</summary>
public sealed record AuditEntryResponse(Guid Id, DateTime At, string Action, string Details, Guid ActorUserId, string? ActorEmail);

/// <summary>A page of the audit log, newest first; pass <paramref name="NextCursor"/> back for the next page.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntryResponse> Entries, string? NextCursor);

/// <summary>The scope's tenant's audit log, newest first, keyset-paged by id (version-7 ids grow with time).</summary>
public sealed class AuditLogReader(PortalDbContext db)
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 100;

    /// <summary>Entries after <paramref name="cursor"/> (exclusive); <paramref name="action"/> filters by action prefix, e.g. "member.".</summary>
    public async Task<AuditPage> PageAsync(Guid? cursor, int pageSize, string? action, CancellationToken ct)
    {
        var query = db.AuditLog.AsNoTracking();
        if (cursor is { } after)
        {
            query = query.Where(e => e.Id.CompareTo(after) < 0);
        }

        if (!string.IsNullOrWhiteSpace(action))
        {
            query = query.Where(e => e.Action.StartsWith(action));
        }

        var rows = await query.OrderByDescending(e => e.Id).Take(pageSize + 1).ToListAsync(ct);
        var actorIds = rows.Select(r => r.ActorUserId).Distinct().ToList();
        var emails = await db.Users.Where(u => actorIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email, ct);
        var page = rows.Take(pageSize)
            .Select(e => new AuditEntryResponse(e.Id, e.CreatedAtUtc, e.Action, e.Details, e.ActorUserId, emails.GetValueOrDefault(e.ActorUserId)))
            .ToList();
        return new AuditPage(page, rows.Count > pageSize ? page[^1].Id.ToString() : null);
    }
}
