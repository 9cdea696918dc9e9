using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SdPortal.Data.Entities;
using SdPortal.Data.Tenancy;

namespace SdPortal.Data.Billing;

/// <summary>
/// The link between a tenant and its Stripe customer, created server-side before the first checkout. Webhooks find
/// the tenant to credit through <see cref="StripeCustomerId"/>, never through anything a browser sent.
/// </summary>
public sealed class BillingAccount : ITenantOwned
{
    /// <summary>The owning tenant, also the key: one Stripe customer per tenant.</summary>
    public Guid TenantId { get; set; }

    /// <summary>Stripe's customer id (<c>cus_…</c>), unique.</summary>
    public required string StripeCustomerId { get; set; }

    /// <summary>The invoice whose payment failed and is not yet paid; null when the account is in good standing.</summary>
    public string? PastDueInvoiceId { get; set; }

    public DateTime CreatedAtUtc { get; set; }
}

internal sealed class BillingAccountConfiguration : IEntityTypeConfiguration<BillingAccount>
{
    public void Configure(EntityTypeBuilder<BillingAccount> builder)
    {
        builder.HasKey(a => a.TenantId);
        builder.Property(a => a.StripeCustomerId).HasMaxLength(255);
        builder.HasIndex(a => a.StripeCustomerId).IsUnique();
        builder.Property(a => a.PastDueInvoiceId).HasMaxLength(255);
        builder.HasOne<Tenant>().WithOne().HasForeignKey<BillingAccount>(a => a.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}
