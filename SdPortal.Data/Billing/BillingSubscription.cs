using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SdPortal.Data.Entities;
using SdPortal.Data.Tenancy;

namespace SdPortal.Data.Billing;

/// <summary>
/// The last known state of one Stripe subscription. Webhooks arrive in any order, so a snapshot replaces this row only
/// when it is newer (<see cref="LastEventUnix"/>), and a deleted subscription never comes back (<see cref="IsTerminal"/>).
/// The tenant's plan and limits are derived from these rows.
/// </summary>
public sealed class BillingSubscription : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid TenantId { get; set; }

    /// <summary>Stripe's subscription id (<c>sub_…</c>), unique.</summary>
    public required string StripeSubscriptionId { get; set; }

    /// <summary>Stripe's status as last applied: active, trialing, past_due, unpaid, canceled, …</summary>
    public required string Status { get; set; }

    /// <summary>The configured plan whose price the subscription carries; null for a price we do not sell.</summary>
    public string? PlanKey { get; set; }

    /// <summary>When Stripe created the subscription (Unix seconds); the newest live one decides the plan.</summary>
    public long StripeCreatedUnix { get; set; }

    /// <summary>The <c>created</c> time (Unix seconds) of the event whose snapshot this row holds.</summary>
    public long LastEventUnix { get; set; }

    public DateTime? CurrentPeriodEndUtc { get; set; }

    /// <summary>True once Stripe deleted (canceled) the subscription; later snapshots are ignored.</summary>
    public bool IsTerminal { get; set; }

    public DateTime UpdatedAtUtc { get; set; }
}

internal sealed class BillingSubscriptionConfiguration : IEntityTypeConfiguration<BillingSubscription>
{
    public void Configure(EntityTypeBuilder<BillingSubscription> builder)
    {
        builder.Property(s => s.StripeSubscriptionId).HasMaxLength(255);
        builder.HasIndex(s => s.StripeSubscriptionId).IsUnique();
        builder.Property(s => s.Status).HasMaxLength(32);
        builder.Property(s => s.PlanKey).HasMaxLength(64);
        builder.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}
