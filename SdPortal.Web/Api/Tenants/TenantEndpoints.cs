using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.Credits;
using SdPortal.Data.Tenants;
using SdPortal.Web.Api.Access;

namespace SdPortal.Web.Api.Tenants;

public sealed record LimitsResponse(
    int MonthlyIncludedCredits, int MaxConcurrentJobs, int MaxImageSide, int MaxSteps, int MaxBatch, IReadOnlyList<string> AllowedModels,
    int MaxAdapters, long MaxAdapterBytes)
{
    internal static LimitsResponse From(TenantLimits l) =>
        new(l.MonthlyIncludedCredits, l.MaxConcurrentJobs, l.MaxImageSide, l.MaxSteps, l.MaxBatch, l.AllowedModels, l.MaxAdapters, l.MaxAdapterBytes);
}

public sealed record TenantResponse(Guid Id, string Name, string Slug, string Plan, long Credits, LimitsResponse Limits);

public sealed record LedgerTotal(CreditEntryKind Kind, int Entries, long Amount);

public sealed record UserUsage(Guid UserId, string? Email, int Jobs, long ReservedCredits);

/// <summary>One UTC day of the ledger: the net change and the balance at its end.</summary>
public sealed record DailyBalance(DateOnly Day, long NetChange, long Balance);

public sealed record UsageResponse(
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<LedgerTotal> Ledger,
    IReadOnlyList<UserUsage> JobsPerUser,
    long OpeningBalance,
    IReadOnlyList<DailyBalance> Daily);

/// <summary>The caller's tenant: its profile, credits and limits, and a usage summary from the ledger.</summary>
internal static class TenantEndpoints
{
    public static void MapTenantEndpoints(this RouteGroupBuilder api)
    {
        var tenant = api.MapGroup("/tenant").WithTags("Tenant");
        tenant.MapGet(string.Empty, GetAsync);
        tenant.MapGet("/usage", UsageAsync);
        tenant.MapGet("/audit", AuditAsync);
    }

    private static async Task<IResult> GetAsync(PortalDbContext db, PortalCaller caller, CancellationToken ct) =>
        TypedResults.Ok(await DescribeAsync(db, caller, ct));

    /// <summary>The caller's tenant with its credits and limits (the API's GET and the tenant page).</summary>
    internal static async Task<TenantResponse> DescribeAsync(PortalDbContext db, PortalCaller caller, CancellationToken ct)
    {
        var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == caller.TenantId, ct);
        var limits = await db.TenantLimits.AsNoTracking().SingleAsync(ct);
        return new TenantResponse(tenant.Id, tenant.Name, tenant.Slug, tenant.Plan, limits.CreditBalance, LimitsResponse.From(limits));
    }

    private static async Task<IResult> UsageAsync(
        DateTimeOffset? from, DateTimeOffset? to, TenantUsageReader usage, TimeProvider time, CancellationToken ct)
    {
        var end = to ?? time.GetUtcNow();
        var start = from ?? end.AddDays(-30);
        var errors = new FieldErrors()
            .Require(start < end, "from", "'from' must be before 'to'.")
            .Require(end - start <= TenantUsageReader.MaxWindow, "from", "Ask for at most 366 days at a time.");
        return errors.Any ? errors.ToResult() : TypedResults.Ok(await usage.ReadAsync(start, end, ct));
    }

    private static async Task<IResult> AuditAsync(
        Guid? cursor, int? limit, string? action, AuditLogReader audit, PortalCaller caller, CancellationToken ct)
    {
        if (!caller.IsAdmin)
        {
            return ApiProblems.Forbidden(AuditAdminsOnly);
        }

        var pageSize = limit ?? AuditLogReader.DefaultPageSize;
        var errors = new FieldErrors().Require(pageSize is >= 1 and <= AuditLogReader.MaxPageSize, "limit", $"Use 1 to {AuditLogReader.MaxPageSize}.");
        return errors.Any ? errors.ToResult() : TypedResults.Ok(await audit.PageAsync(cursor, pageSize, action, ct));
    }

    /// <summary>Why a plain member cannot read the audit log.</summary>
    public const string AuditAdminsOnly = "Only owners and admins read the audit log.";
}
