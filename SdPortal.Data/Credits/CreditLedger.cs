using Microsoft.EntityFrameworkCore;
using SdPortal.Data.Tenancy;

namespace SdPortal.Data.Credits;

/// <summary>
/// <see cref="ICreditLedger"/> on the scope's <see cref="PortalDbContext"/>: a conditional balance update plus one
/// ledger row per call, in one transaction; a unique-key violation means a concurrent duplicate and is answered with
/// the entry that won.
/// </summary>
internal sealed class CreditLedger(PortalDbContext db, TenantContext tenantContext, LedgerWriteGate gate, TimeProvider time)
    : ICreditLedger
{
    private const string Savepoint = "credit_ledger";

    public Task<CreditResult> ReserveAsync(Guid tenantId, Guid jobId, long amount, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amount);
        var entry = NewEntry(CreditEntryKind.Reserve, -amount, idempotencyKey, jobId, reason: null);
        return WriteAsync(tenantId, entry, async ct =>
        {
            if (await db.CreditLedger.AnyAsync(e => e.JobId == jobId && e.Kind == CreditEntryKind.Reserve, ct))
            {
                return new CreditResult(CreditOutcome.Conflict);
            }

            return await MoveBalanceAsync(tenantId, -amount, ct) ? null : new CreditResult(CreditOutcome.InsufficientCredits);
        }, cancellationToken);
    }

    public Task<CreditResult> CaptureAsync(Guid tenantId, Guid jobId, CancellationToken cancellationToken = default) =>
        SettleAsync(tenantId, jobId, CreditEntryKind.Capture, cancellationToken);

    public Task<CreditResult> ReleaseAsync(Guid tenantId, Guid jobId, CancellationToken cancellationToken = default) =>
        SettleAsync(tenantId, jobId, CreditEntryKind.Release, cancellationToken);

    public Task<CreditResult> GrantAsync(Guid tenantId, long amount, string idempotencyKey, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amount);
        var entry = NewEntry(CreditEntryKind.Grant, amount, idempotencyKey, jobId: null, reason);
        return WriteAsync(tenantId, entry, async ct => await MoveBalanceAsync(tenantId, amount, ct)
            ? null
            : throw new InvalidOperationException($"Tenant {tenantId} has no limits row."), cancellationToken);
    }

    public Task<CreditResult> AdjustAsync(Guid tenantId, long amount, string idempotencyKey, string reason, CancellationToken cancellationToken = default)
    {
        if (amount == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), "An adjustment must change the balance.");
        }

        var entry = NewEntry(CreditEntryKind.Adjust, amount, idempotencyKey, jobId: null, reason);
        return WriteAsync(tenantId, entry, async ct =>
            await MoveBalanceAsync(tenantId, amount, ct) ? null : new CreditResult(CreditOutcome.InsufficientCredits), cancellationToken);
    }

    public async Task<long> GetBalanceAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        tenantContext.Set(tenantId);
        return await db.TenantLimits.Where(l => l.TenantId == tenantId).Select(l => l.CreditBalance).SingleAsync(cancellationToken);
    }

    private Task<CreditResult> SettleAsync(Guid tenantId, Guid jobId, CreditEntryKind kind, CancellationToken cancellationToken)
    {
        // Capture and release share one key per job, so the unique index lets exactly one of them ever exist.
        var entry = NewEntry(kind, 0, $"job:{jobId:N}:settle", jobId, reason: null);
        return WriteAsync(tenantId, entry, async ct =>
        {
            var reserved = await db.CreditLedger
                .Where(e => e.JobId == jobId && e.Kind == CreditEntryKind.Reserve)
                .Select(e => (long?)e.Amount).SingleOrDefaultAsync(ct);
            if (reserved is not { } amount)
            {
                return new CreditResult(CreditOutcome.NotReserved);
            }

            if (kind == CreditEntryKind.Release)
            {
                entry.Amount = -amount;
                await MoveBalanceAsync(tenantId, entry.Amount, ct);
            }

            return null;
        }, cancellationToken);
    }

    /// <summary>The conditional update: never takes the balance below zero, whatever runs concurrently.</summary>
    private async Task<bool> MoveBalanceAsync(Guid tenantId, long delta, CancellationToken ct)
    {
        var limits = db.TenantLimits.Where(l => l.TenantId == tenantId);
        if (delta < 0)
        {
            limits = limits.Where(l => l.CreditBalance >= -delta);
        }

        return await limits.ExecuteUpdateAsync(s => s.SetProperty(l => l.CreditBalance, l => l.CreditBalance + delta), ct) == 1;
    }

    /// <summary>
    /// Runs <paramref name="check"/> (which may move the balance, or answer a rejection) and appends <paramref name="entry"/>
    /// in one transaction; a key already used answers the earlier entry instead.
    /// </summary>
    private async Task<CreditResult> WriteAsync(
        Guid tenantId, CreditLedgerEntry entry, Func<CancellationToken, Task<CreditResult?>> check, CancellationToken ct)
    {
        tenantContext.Set(tenantId);
        var ambient = db.Database.CurrentTransaction;
        using var gateLease = ambient is null ? await gate.EnterAsync(ct) : null;
        await using var owned = ambient is null ? await db.Database.BeginTransactionAsync(ct) : null;
        var transaction = ambient ?? owned!;
        if (ambient is not null)
        {
            await ambient.CreateSavepointAsync(Savepoint, ct);
        }

        try
        {
            if (await FindAsync(entry.IdempotencyKey, ct) is { } earlier)
            {
                await UndoAsync(transaction, ambient, ct);
                return Replay(earlier, entry.Kind);
            }

            if (await check(ct) is { } rejection)
            {
                await UndoAsync(transaction, ambient, ct);
                return rejection;
            }

            db.CreditLedger.Add(entry);
            await db.SaveChangesAsync(ct);
            if (ambient is null)
            {
                await transaction.CommitAsync(ct);
            }
            else
            {
                await ambient.ReleaseSavepointAsync(Savepoint, ct);
            }

            return CreditResult.From(CreditOutcome.Applied, entry);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            // A concurrent call with the same key won; undo our balance move and answer with its entry.
            db.Entry(entry).State = EntityState.Detached;
            await UndoAsync(transaction, ambient, ct);
            var winner = await FindAsync(entry.IdempotencyKey, ct) ?? throw new InvalidOperationException(
                $"Ledger key '{entry.IdempotencyKey}' collided but no entry holds it.", ex);
            return Replay(winner, entry.Kind);
        }
    }

    private static CreditResult Replay(CreditLedgerEntry earlier, CreditEntryKind requested) =>
        CreditResult.From(earlier.Kind == requested ? CreditOutcome.Replayed : CreditOutcome.Conflict, earlier);

    private static async Task UndoAsync(
        Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction,
        Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction? ambient,
        CancellationToken ct)
    {
        if (ambient is null)
        {
            await transaction.RollbackAsync(ct);
        }
        else
        {
            await ambient.RollbackToSavepointAsync(Savepoint, ct);
        }
    }

    private Task<CreditLedgerEntry?> FindAsync(string key, CancellationToken ct) =>
        db.CreditLedger.AsNoTracking().SingleOrDefaultAsync(e => e.IdempotencyKey == key, ct);

    private CreditLedgerEntry NewEntry(CreditEntryKind kind, long amount, string key, Guid? jobId, string? reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        return new CreditLedgerEntry
        {
            Kind = kind,
            Amount = amount,
            IdempotencyKey = key,
            JobId = jobId,
            Reason = reason,
            CreatedAtUtc = time.GetUtcNow().UtcDateTime,
        };
    }
}
