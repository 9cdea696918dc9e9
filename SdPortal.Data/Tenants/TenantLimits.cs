using SdPortal.Data.Tenancy;

namespace SdPortal.Data.Tenants;

/// <summary>
/// A tenant's quotas and its spendable credit balance. The balance lives here (one row per tenant) so that a reservation
/// is one conditional <c>UPDATE … WHERE CreditBalance &gt;= @c</c>; only <see cref="Credits.ICreditLedger"/> changes it.
/// </summary>
public sealed class TenantLimits : ITenantOwned
{
    /// <summary>Credits a new free tenant receives on sign-up.</summary>
    public const int FreePlanIncludedCredits = 100;

    /// <summary>LoRA adapters a tenant without a plan that says otherwise may keep.</summary>
    public const int FreePlanMaxAdapters = 5;

    /// <summary>The largest LoRA adapter file of a tenant without a plan that says otherwise: 256 MiB.</summary>
    public const long DefaultMaxAdapterBytes = 256L * 1024 * 1024;

    /// <summary>The owning tenant, also the key: one limits row per tenant.</summary>
    public Guid TenantId { get; set; }

    /// <summary>Credits available to reserve now; always equals the sum of the tenant's ledger entries.</summary>
    public long CreditBalance { get; set; }

    /// <summary>Credits granted at the start of each billing month.</summary>
    public int MonthlyIncludedCredits { get; set; } = FreePlanIncludedCredits;

    /// <summary>Generations that may run at the same time for this tenant.</summary>
    public int MaxConcurrentJobs { get; set; } = 2;

    /// <summary>The largest width or height in pixels.</summary>
    public int MaxImageSide { get; set; } = 768;

    /// <summary>The most denoising steps per generation.</summary>
    public int MaxSteps { get; set; } = 50;

    /// <summary>The most images per generation.</summary>
    public int MaxBatch { get; set; } = 4;

    /// <summary>LoRA adapters the tenant may keep, all members together; an upload beyond answers 409.</summary>
    public int MaxAdapters { get; set; } = FreePlanMaxAdapters;

    /// <summary>The largest LoRA adapter file in bytes; an upload reads one byte more, then answers 413.</summary>
    public long MaxAdapterBytes { get; set; } = DefaultMaxAdapterBytes;

    /// <summary>Model keys this tenant may use; empty means every installed model.</summary>
    public List<string> AllowedModels { get; set; } = [];
}
