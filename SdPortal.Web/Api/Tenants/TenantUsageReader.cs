using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Web.Api.Access;

namespace SdPortal.Web.Api.Tenants;

/// <summary>
/// The scope's tenant's usage over a window, for the REST API and the usage page alike: ledger totals per kind, jobs
/// and reserved credits per user, and the balance at the end of each day (the ledger's amounts sum to the balance, so
/// the series is exact, not sampled). The tenant's totals are every member's to see (they see its credits anyway); the
/// per-user rows of other members — their emails and activity — only an admin's.
/// </summary>
public sealed class TenantUsageReader(PortalDbContext db, PortalCaller caller)
{
    /// <summary>The longest window one request may ask for: a year of daily points.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(366);

    public async Task<UsageResponse> ReadAsync(DateTimeOffset start, DateTimeOffset end, CancellationToken ct)
    {
        var (startUtc, endUtc) = (start.UtcDateTime, end.UtcDateTime);
        var window = db.CreditLedger.Where(e => e.CreatedAtUtc >= startUtc && e.CreatedAtUtc < endUtc);
        var ledger = await window.GroupBy(e => e.Kind)
            .Select(g => new LedgerTotal(g.Key, g.Count(), g.Sum(e => e.Amount)))
            .ToListAsync(ct);
        var opening = await db.CreditLedger.Where(e => e.CreatedAtUtc < startUtc).SumAsync(e => e.Amount, ct);
        var perDay = await window.GroupBy(e => e.CreatedAtUtc.Date)
            .Select(g => new { Day = g.Key, Net = g.Sum(e => e.Amount) })
            .ToListAsync(ct);
        var balance = opening;
        var daily = perDay.OrderBy(d => d.Day)
            .Select(d => new DailyBalance(DateOnly.FromDateTime(d.Day), d.Net, balance += d.Net))
            .ToList();

        var seeAll = caller.IsAdmin;
        var me = caller.UserId;
        var jobs = await db.GenerationJobs.Where(j => j.CreatedAtUtc >= startUtc && j.CreatedAtUtc < endUtc && (seeAll || j.UserId == me))
            .GroupBy(j => j.UserId)
            .Select(g => new { UserId = g.Key, Jobs = g.Count(), Credits = g.Sum(j => j.ReservedCredits) })
            .ToListAsync(ct);
        var userIds = jobs.Select(j => j.UserId).ToList();
        var emails = await db.Users.Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email, ct);
        var perUser = jobs.Select(j => new UserUsage(j.UserId, emails.GetValueOrDefault(j.UserId), j.Jobs, j.Credits))
            .OrderByDescending(u => u.Jobs).ToList();
        return new UsageResponse(start, end, [.. ledger.OrderBy(l => l.Kind)], perUser, opening, daily);
    }
}
