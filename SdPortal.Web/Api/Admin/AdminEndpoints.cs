using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.Audit;
using SdPortal.Data.Credits;
using SdPortal.Data.Entities;
using SdPortal.Data.Tenancy;
using SdPortal.Web.Adapters;
using SdPortal.Web.Api.Access;
using SdPortal.Web.Api.Tenants;

namespace SdPortal.Web.Api.Admin;

/// <summary>A tenant's new limits; the adapter limits, when left out, keep their current values.</summary>
public sealed record UpdateLimitsRequest(
    int MonthlyIncludedCredits, int MaxConcurrentJobs, int MaxImageSide, int MaxSteps, int MaxBatch, List<string>? AllowedModels,
    int? MaxAdapters = null, long? MaxAdapterBytes = null);

public sealed record CreditsRequest(long Amount, string? Reason);

public sealed record CreditsResponse(Guid? EntryId, CreditEntryKind? Kind, long Amount, long Balance, bool Replayed);

public sealed record TenantStatusRequest(TenantStatus? Status);

/// <summary>Operator actions on any tenant; each change writes an audit entry in the same transaction.</summary>
internal static class AdminEndpoints
{
    /// <summary>The longest <c>Idempotency-Key</c> an operator's credit change accepts.</summary>
    public const int MaxIdempotencyKeyLength = 150;

    public static void MapAdminEndpoints(this RouteGroupBuilder admin)
    {
        admin.WithTags("Operators");
        admin.MapPut("/tenants/{id:guid}/limits", UpdateLimitsAsync);
        admin.MapPost("/tenants/{id:guid}/credits", ChangeCreditsAsync);
        admin.MapPut("/tenants/{id:guid}/status", ChangeStatusAsync);
    }

    private static async Task<IResult> UpdateLimitsAsync(
        Guid id, UpdateLimitsRequest request, PortalDbContext db, TenantContext tenant, PortalCaller caller, TimeProvider time, CancellationToken ct)
    {
        var models = request.AllowedModels ?? [];
        var errors = new FieldErrors()
            .Require(request.MonthlyIncludedCredits is >= 0 and <= 10_000_000, "monthlyIncludedCredits", "Use 0 to 10,000,000.")
            .Require(request.MaxConcurrentJobs is >= 1 and <= 64, "maxConcurrentJobs", "Use 1 to 64.")
            .Require(request.MaxImageSide is >= 64 and <= 4096, "maxImageSide", "Use 64 to 4096.")
            .Require(request.MaxSteps is >= 1 and <= 500, "maxSteps", "Use 1 to 500.")
            .Require(request.MaxBatch is >= 1 and <= 16, "maxBatch", "Use 1 to 16.")
            .Require(request.MaxAdapters is null or (>= 0 and <= 100_000), "maxAdapters", "Use 0 to 100,000.")
            .Require(request.MaxAdapterBytes is null or (>= 1 and <= AdapterOptions.CeilingBytes), "maxAdapterBytes", $"Use 1 to {AdapterOptions.CeilingBytes} bytes.")
            .Require(models.Count <= 100 && models.All(m => FieldErrors.IsSingleLine(m, 1, 128) && m == m.Trim()), "allowedModels", "Up to 100 model keys of 1 to 128 characters.");
        if (errors.Any)
        {
            return errors.ToResult();
        }

        tenant.Set(id);
        var limits = await db.TenantLimits.SingleOrDefaultAsync(ct);
        if (limits is null)
        {
            return ApiProblems.NotFound();
        }

        (limits.MonthlyIncludedCredits, limits.MaxConcurrentJobs, limits.MaxImageSide, limits.MaxSteps, limits.MaxBatch, limits.AllowedModels) =
            (request.MonthlyIncludedCredits, request.MaxConcurrentJobs, request.MaxImageSide, request.MaxSteps, request.MaxBatch, models);
        limits.MaxAdapters = request.MaxAdapters ?? limits.MaxAdapters;
        limits.MaxAdapterBytes = request.MaxAdapterBytes ?? limits.MaxAdapterBytes;
        db.AuditLog.Add(Audit(caller, "limits.updated", System.Text.Json.JsonSerializer.Serialize(request), time));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(LimitsResponse.From(limits));
    }

    private static async Task<IResult> ChangeCreditsAsync(
        Guid id, CreditsRequest request, HttpRequest http, PortalDbContext db, ICreditLedger ledger, PortalCaller caller, TimeProvider time, CancellationToken ct)
    {
        var reason = request.Reason?.Trim();
        var errors = new FieldErrors()
            .Require(request.Amount is not 0 and >= -10_000_000 and <= 10_000_000, "amount", "Use a non-zero amount within ±10,000,000.")
            .Require(FieldErrors.IsSingleLine(reason, 1, 500), "reason", "Say why, in 1 to 500 characters on one line.");
        if (errors.Any)
        {
            return errors.ToResult();
        }

        if (!await db.Tenants.AnyAsync(t => t.Id == id, ct))
        {
            return ApiProblems.NotFound();
        }

        // A given key must be usable as given: silently replacing an unusable one with a fresh key would turn every
        // retry of the request into another grant.
        var given = http.Headers[IdempotencyKey.Header].FirstOrDefault();
        if (given is not null && !(given.Length is >= 1 and <= MaxIdempotencyKeyLength && !given.Any(char.IsControl)))
        {
            return new FieldErrors().Require(false, IdempotencyKey.Header, $"Use 1 to {MaxIdempotencyKeyLength} printable characters.").ToResult();
        }

        var key = $"admin:{given ?? Guid.NewGuid().ToString("N")}";
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var result = request.Amount > 0
            ? await ledger.GrantAsync(id, request.Amount, key, reason!, ct)
            : await ledger.AdjustAsync(id, request.Amount, key, reason!, ct);
        if (result.Outcome == CreditOutcome.InsufficientCredits)
        {
            return ApiProblems.Conflict("The adjustment would take the balance below zero.");
        }

        if (result.Outcome is CreditOutcome.Conflict
            || (result.Outcome is CreditOutcome.Replayed && !await SameChangeAsync(db, result, request.Amount, reason!, ct)))
        {
            return ApiProblems.KeyReused(given!);
        }

        if (result.Outcome == CreditOutcome.Applied)
        {
            db.AuditLog.Add(Audit(caller, result.Kind == CreditEntryKind.Grant ? "credits.granted" : "credits.adjusted", $"{request.Amount}: {reason}", time));
            await db.SaveChangesAsync(ct);
        }

        await transaction.CommitAsync(ct);
        var balance = await ledger.GetBalanceAsync(id, ct);
        return TypedResults.Ok(new CreditsResponse(result.EntryId, result.Kind, result.Amount, balance, result.Outcome == CreditOutcome.Replayed));
    }

    /// <summary>Whether the entry replayed under the key records this very change (amount and reason), i.e. a retry.</summary>
    private static async Task<bool> SameChangeAsync(PortalDbContext db, CreditResult replayed, long amount, string reason, CancellationToken ct) =>
        replayed.Amount == amount
        && await db.CreditLedger.IgnoreQueryFilters([TenantIsolation.FilterName]).AsNoTracking()
            .AnyAsync(e => e.Id == replayed.EntryId && e.Reason == reason, ct);

    private static async Task<IResult> ChangeStatusAsync(
        Guid id, TenantStatusRequest request, PortalDbContext db, TenantContext tenantContext, PortalCaller caller, TimeProvider time, CancellationToken ct)
    {
        if (request.Status is not { } status)
        {
            return new FieldErrors().Require(false, "status", "Choose Active or Suspended.").ToResult();
        }

        var tenant = await db.Tenants.SingleOrDefaultAsync(t => t.Id == id, ct);
        if (tenant is null)
        {
            return ApiProblems.NotFound();
        }

        tenantContext.Set(id);
        db.AuditLog.Add(Audit(caller, "tenant.status_changed", $"{tenant.Status} → {status}", time));
        tenant.Status = status;
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static AuditLogEntry Audit(PortalCaller caller, string action, string details, TimeProvider time) =>
        new() { ActorUserId = caller.UserId, Action = action, Details = details, CreatedAtUtc = time.GetUtcNow().UtcDateTime };
}
