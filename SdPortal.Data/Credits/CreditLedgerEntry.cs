using SdPortal.Data.Tenancy;

namespace SdPortal.Data.Credits;

/// <summary>
/// One append-only movement of a tenant's credits. The sum of a tenant's <see cref="Amount"/>s equals its balance;
/// (TenantId, IdempotencyKey) is unique, which makes every movement exactly-once.
/// </summary>
public sealed class CreditLedgerEntry : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid TenantId { get; set; }

    public CreditEntryKind Kind { get; set; }

    /// <summary>Signed change of the balance: negative for reserve, positive for grant and release, zero for capture.</summary>
    public long Amount { get; set; }

    /// <summary>The generation job a reserve, capture or release belongs to.</summary>
    public Guid? JobId { get; set; }

    /// <summary>The caller's key for this movement; repeating it repeats nothing.</summary>
    public required string IdempotencyKey { get; set; }

    public string? Reason { get; set; }

    public DateTime CreatedAtUtc { get; set; }
}

/// <summary>What a ledger entry records.</summary>
public enum CreditEntryKind
{
    /// <summary>Credits added: sign-up, monthly allowance, a paid pack.</summary>
    Grant = 0,

    /// <summary>Credits set aside for an accepted job (negative amount).</summary>
    Reserve = 1,

    /// <summary>A reservation made final when the job succeeded (zero amount).</summary>
    Capture = 2,

    /// <summary>A reservation returned when the job failed or was cancelled (positive amount).</summary>
    Release = 3,

    /// <summary>A manual correction by an operator (either sign).</summary>
    Adjust = 4,
}
