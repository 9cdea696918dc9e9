using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using SdPortal.Data.Entities;
using SdPortal.Data.Tenancy;

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
