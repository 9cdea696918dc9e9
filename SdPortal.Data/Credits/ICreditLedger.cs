namespace SdPortal.Data.Credits;

/// <summary>
/// The only writer of credit balances. Every call moves the balance and appends one ledger entry in one transaction,
/// so the balance always equals the ledger sum; every call is idempotent by its key. Calls act for the given tenant
/// and fail with <see cref="InvalidOperationException"/> when the current scope already acts for another tenant.
/// When the scope's context has an open transaction the call joins it (through a savepoint).
/// </summary>
public interface ICreditLedger
{
    /// <summary>
    /// Sets <paramref name="amount"/> credits aside for <paramref name="jobId"/> if the balance covers it, with one
    /// conditional decrement; otherwise <see cref="CreditOutcome.InsufficientCredits"/>.
    /// </summary>
    Task<CreditResult> ReserveAsync(Guid tenantId, Guid jobId, long amount, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>Makes the job's reservation final; once per job (a release before it yields <see cref="CreditOutcome.Conflict"/>).</summary>
    Task<CreditResult> CaptureAsync(Guid tenantId, Guid jobId, CancellationToken cancellationToken = default);

    /// <summary>Returns the job's reservation to the balance; once per job (a capture before it yields <see cref="CreditOutcome.Conflict"/>).</summary>
    Task<CreditResult> ReleaseAsync(Guid tenantId, Guid jobId, CancellationToken cancellationToken = default);

    /// <summary>Adds <paramref name="amount"/> (&gt; 0) credits, once per <paramref name="idempotencyKey"/>.</summary>
    Task<CreditResult> GrantAsync(Guid tenantId, long amount, string idempotencyKey, string reason, CancellationToken cancellationToken = default);

    /// <summary>Corrects the balance by a signed amount; a negative one may not take the balance below zero.</summary>
    Task<CreditResult> AdjustAsync(Guid tenantId, long amount, string idempotencyKey, string reason, CancellationToken cancellationToken = default);

    /// <summary>The tenant's spendable balance.</summary>
    Task<long> GetBalanceAsync(Guid tenantId, CancellationToken cancellationToken = default);
}
