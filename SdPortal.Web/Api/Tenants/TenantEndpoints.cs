using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.Credits;
using SdPortal.Data.Tenants;
using SdPortal.Web.Api.Access;

namespace SdPortal.Web.Api.Tenants;

public sealed record LimitsResponse(
    int MonthlyIncludedCredits, int MaxConcurrentJobs, int MaxImageSide, int MaxSteps, int MaxBatch, IReadOnlyList<string> AllowedModels)
{
    internal static LimitsResponse From(TenantLimits l) =>
        new(l.MonthlyIncludedCredits, l.MaxConcurrentJobs, l.MaxImageSide, l.MaxSteps, l.MaxBatch, l.AllowedModels);
}

public sealed record TenantResponse(Guid Id, string Name, string Slug, string Plan, long Credits, LimitsResponse Limits);

public sealed record LedgerTotal(CreditEntryKind Kind, int Entries, long Amount);

public sealed record UserUsage(Guid UserId, string? Email, int Jobs, long ReservedCredits);

public sealed record UsageResponse(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<LedgerTotal> Ledger, IReadOnlyList<UserUsage> JobsPerUser);

/// <summary>The caller's tenant: its profile, credits and limits, and a usage summary from the ledger.</summary>
internal static class TenantEndpoints
{
    public static void MapTenantEndpoints(this RouteGroupBuilder api)
    {
        var tenant = api.MapGroup("/tenant").WithTags("Tenant");
        tenant.MapGet(string.Empty, GetAsync);
        tenant.MapGet("/usage", UsageAsync);
    }

    private static async Task<IResult> GetAsync(PortalDbContext db, PortalCaller caller, CancellationToken ct)
    {
        var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == caller.TenantId, ct);
        var limits = await db.TenantLimits.AsNoTracking().SingleAsync(ct);
        return TypedResults.Ok(new TenantResponse(tenant.Id, tenant.Name, tenant.Slug, tenant.Plan, limits.CreditBalance, LimitsResponse.From(limits)));
    }

    private static async Task<IResult> UsageAsync(
        DateTimeOffset? from, DateTimeOffset? to, PortalDbContext db, TimeProvider time, CancellationToken ct)
    {
        var end = to ?? time.GetUtcNow();
        var start = from ?? end.AddDays(-30);
        if (start >= end)
        {
            return new FieldErrors().Require(false, "from", "'from' must be before 'to'.").ToResult();
        }

        var (startUtc, endUtc) = (start.UtcDateTime, end.UtcDateTime);
        var ledger = await db.CreditLedger.Where(e => e.CreatedAtUtc >= startUtc && e.CreatedAtUtc < endUtc)
            .GroupBy(e => e.Kind)
            .Select(g => new LedgerTotal(g.Key, g.Count(), g.Sum(e => e.Amount)))
            .ToListAsync(ct);
        var jobs = await db.GenerationJobs.Where(j => j.CreatedAtUtc >= startUtc && j.CreatedAtUtc < endUtc)
            .GroupBy(j => j.UserId)
            .Select(g => new { UserId = g.Key, Jobs = g.Count(), Credits = g.Sum(j => j.ReservedCredits) })
            .ToListAsync(ct);
        var userIds = jobs.Select(j => j.UserId).ToList();
        var emails = await db.Users.Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email, ct);
        var perUser = jobs.Select(j => new UserUsage(j.UserId, emails.GetValueOrDefault(j.UserId), j.Jobs, j.Credits))
            .OrderByDescending(u => u.Jobs).ToList();
        return TypedResults.Ok(new UsageResponse(start, end, [.. ledger.OrderBy(l => l.Kind)], perUser));
    }
}
