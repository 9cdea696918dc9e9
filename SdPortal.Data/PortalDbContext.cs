using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using SdPortal.Data.Adapters;
using SdPortal.Data.ApiKeys;
using SdPortal.Data.Audit;
using SdPortal.Data.Billing;
using SdPortal.Data.Credits;
using SdPortal.Data.Entities;
using SdPortal.Data.Generation;
using SdPortal.Data.Inputs;
using SdPortal.Data.Tenancy;
using SdPortal.Data.Tenants;

namespace SdPortal.Data;

/// <summary>
/// The portal's model, shared by both providers. Each provider has a derived context
/// (<see cref="Providers.SqlitePortalDbContext"/>, <see cref="Providers.PostgresPortalDbContext"/>) that owns its migrations.
/// Tenant-owned rows are filtered to <see cref="CurrentTenantId"/> and checked on save.
/// </summary>
public abstract class PortalDbContext(DbContextOptions options, ITenantContext tenantContext)
    : IdentityDbContext<PortalUser, IdentityRole<Guid>, Guid>(options)
{
    /// <summary>The tenant this context reads and writes for; <see cref="Guid.Empty"/> (matching nothing) when none is set.</summary>
    public Guid CurrentTenantId => tenantContext.TenantId ?? Guid.Empty;

    public DbSet<Tenant> Tenants => Set<Tenant>();

    public DbSet<TenantMembership> Memberships => Set<TenantMembership>();

    public DbSet<TenantLimits> TenantLimits => Set<TenantLimits>();

    public DbSet<TenantInvitation> Invitations => Set<TenantInvitation>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    /// <summary>The append-only credit ledger; write through <see cref="ICreditLedger"/> only.</summary>
    public DbSet<CreditLedgerEntry> CreditLedger => Set<CreditLedgerEntry>();

    public DbSet<GenerationJob> GenerationJobs => Set<GenerationJob>();

    public DbSet<GeneratedImage> GeneratedImages => Set<GeneratedImage>();

    /// <summary>Images members uploaded to generate from (image-to-image, inpainting).</summary>
    public DbSet<InputImage> InputImages => Set<InputImage>();

    /// <summary>LoRA adapters members uploaded, applied per job.</summary>
    public DbSet<LoraAdapter> LoraAdapters => Set<LoraAdapter>();

    public DbSet<AuditLogEntry> AuditLog => Set<AuditLogEntry>();

    /// <summary>Stripe webhook events as received; not tenant-owned.</summary>
    public DbSet<ProcessedStripeEvent> StripeEvents => Set<ProcessedStripeEvent>();

    /// <summary>Each tenant's Stripe customer.</summary>
    public DbSet<BillingAccount> BillingAccounts => Set<BillingAccount>();

    /// <summary>The last applied state of each Stripe subscription.</summary>
    public DbSet<BillingSubscription> BillingSubscriptions => Set<BillingSubscription>();

    /// <summary>Credits bought through Stripe, one row per paid session or invoice.</summary>
    public DbSet<BillingGrant> BillingGrants => Set<BillingGrant>();

    /// <inheritdoc />
    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        TenantIsolation.EnforceOnSave(ChangeTracker, tenantContext.TenantId);
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    /// <inheritdoc />
    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        TenantIsolation.EnforceOnSave(ChangeTracker, tenantContext.TenantId);
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
        builder.ApplyTenantFilters(this);
    }
}
