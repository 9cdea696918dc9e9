using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SdPortal.Data.Entities;
using SdPortal.Data.Tenancy;

namespace SdPortal.Data.Billing;

/// <summary>
/// Credits bought through Stripe: a paid pack (one Checkout Session) or a plan's monthly credits (one paid invoice).
/// Written in the same transaction as the ledger grant; unique by <see cref="Source"/>, so it is the receipt that
/// refunds are reversed against.
/// </summary>
public sealed class BillingGrant : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid TenantId { get; set; }

    /// <summary>What paid for the credits: a Checkout Session (<c>cs_…</c>) or an invoice (<c>in_…</c>); unique.</summary>
    public required string Source { get; set; }

    public BillingGrantKind Kind { get; set; }

    /// <summary>The pack or plan key from the billing configuration.</summary>
    public required string ProductKey { get; set; }

    public long Credits { get; set; }

    /// <summary>The payment that a later <c>charge.refunded</c> names, when Stripe told us.</summary>
    public string? PaymentIntentId { get; set; }

    /// <summary>Amount paid in the currency's minor unit (cents).</summary>
    public long AmountPaid { get; set; }

    public string? Currency { get; set; }

    /// <summary>Credits already taken back because of refunds.</summary>
    public long ReversedCredits { get; set; }

    /// <summary>The Stripe event that caused the grant.</summary>
    public required string StripeEventId { get; set; }

    public DateTime CreatedAtUtc { get; set; }
}

/// <summary>What a <see cref="BillingGrant"/> was for.</summary>
public enum BillingGrantKind
{
    /// <summary>A one-off credit pack.</summary>
    Pack = 0,

    /// <summary>The monthly credits of a subscription plan.</summary>
    Plan = 1,
}

internal sealed class BillingGrantConfiguration : IEntityTypeConfiguration<BillingGrant>
{
    public void Configure(EntityTypeBuilder<BillingGrant> builder)
    {
        builder.Property(g => g.Source).HasMaxLength(255);
        builder.HasIndex(g => g.Source).IsUnique();
        builder.Property(g => g.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(g => g.ProductKey).HasMaxLength(64);
        builder.Property(g => g.PaymentIntentId).HasMaxLength(255);
        builder.HasIndex(g => g.PaymentIntentId);
        builder.Property(g => g.Currency).HasMaxLength(8);
        builder.Property(g => g.StripeEventId).HasMaxLength(255);
        builder.HasIndex(g => new { g.TenantId, g.CreatedAtUtc });
        builder.HasOne<Tenant>().WithMany().HasForeignKey(g => g.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}
