using System.ComponentModel.DataAnnotations;
using SdPortal.Data.Tenants;
using SdPortal.Web.Adapters;

namespace SdPortal.Web.Billing.Configuration;

/// <summary>What the portal sells and how webhook events are retried (section <c>Billing</c>).</summary>
public sealed class BillingOptions
{
    public const string SectionName = "Billing";

    /// <summary>Subscription plans; a plan without a Stripe price (e.g. "free") only describes limits.</summary>
    public IList<PlanOptions> Plans { get; } = [];

    /// <summary>One-off credit packs.</summary>
    public IList<CreditPackOptions> Packs { get; } = [];

    /// <summary>Processing attempts per stored event before it waits for an operator (or a Stripe redelivery).</summary>
    [Range(1, 50)]
    public int MaxProcessingAttempts { get; set; } = 8;

    /// <summary>The first retry delay; each later one doubles it.</summary>
    [Range(1, 3600)]
    public int RetryDelaySeconds { get; set; } = 30;

    /// <summary>How often the sweeper looks for stored events that are due for a retry.</summary>
    [Range(1, 3600)]
    public int SweepIntervalSeconds { get; set; } = 30;

    public PlanOptions? FindPlan(string key) => Plans.FirstOrDefault(p => p.Key == key);

    public PlanOptions? FindPlanByPrice(string priceId) => Plans.FirstOrDefault(p => p.StripePriceId == priceId);

    public CreditPackOptions? FindPack(string key) => Packs.FirstOrDefault(p => p.Key == key);
}

/// <summary>A subscription plan: its monthly credits and the limits it gives a tenant.</summary>
public sealed class PlanOptions
{
    /// <summary>The adapters a paid plan gives when it does not say.</summary>
    public const int PaidPlanMaxAdapters = 50;

    [Required(AllowEmptyStrings = false), RegularExpression("^[a-z0-9-]{1,64}$")]
    public string Key { get; set; } = string.Empty;

    [Required(AllowEmptyStrings = false)]
    public string Name { get; set; } = string.Empty;

    [Range(0, 10_000_000)]
    public int MonthlyCredits { get; set; }

    [Range(1, 64)]
    public int MaxConcurrentJobs { get; set; } = 2;

    [Range(64, 4096)]
    public int MaxImageSide { get; set; } = 768;

    [Range(1, 200)]
    public int MaxSteps { get; set; } = 50;

    [Range(1, 16)]
    public int MaxBatch { get; set; } = 4;

    /// <summary>LoRA adapters a tenant on the plan may keep; unset: <see cref="EffectiveMaxAdapters"/>.</summary>
    [Range(0, 100_000)]
    public int? MaxAdapters { get; set; }

    /// <summary>The largest LoRA adapter file in bytes (within <see cref="AdapterOptions.MaxBytes"/> of each node).</summary>
    [Range(1d, AdapterOptions.CeilingBytes)]
    public long MaxAdapterBytes { get; set; } = TenantLimits.DefaultMaxAdapterBytes;

    /// <summary>
    /// <see cref="MaxAdapters"/> when set; otherwise <see cref="TenantLimits.FreePlanMaxAdapters"/> on a plan that
    /// cannot be bought (no Stripe price: the free plan) and <see cref="PaidPlanMaxAdapters"/> on one that can.
    /// </summary>
    public int EffectiveMaxAdapters => MaxAdapters ?? (string.IsNullOrEmpty(StripePriceId) ? TenantLimits.FreePlanMaxAdapters : PaidPlanMaxAdapters);

    /// <summary>The recurring Stripe price (<c>price_…</c>); empty for a plan that cannot be bought.</summary>
    public string? StripePriceId { get; set; }
}

/// <summary>A one-off pack of credits.</summary>
public sealed class CreditPackOptions
{
    [Required(AllowEmptyStrings = false), RegularExpression("^[a-z0-9-]{1,64}$")]
    public string Key { get; set; } = string.Empty;

    [Required(AllowEmptyStrings = false)]
    public string Name { get; set; } = string.Empty;

    [Range(1, 10_000_000)]
    public int Credits { get; set; }

    /// <summary>The one-time Stripe price (<c>price_…</c>).</summary>
    [Required(AllowEmptyStrings = false)]
    public string StripePriceId { get; set; } = string.Empty;
}
