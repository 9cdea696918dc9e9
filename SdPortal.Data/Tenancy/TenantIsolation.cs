using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace SdPortal.Data.Tenancy;

/// <summary>Tenant isolation in the model: one named query filter per tenant-owned entity and a save-time check.</summary>
public static class TenantIsolation
{
    /// <summary>The name of the query filter; code that must see every tenant (operators) names it explicitly.</summary>
    public const string FilterName = "Tenant";

    /// <summary>Adds <c>e.TenantId == context.CurrentTenantId</c> to every entity type implementing <see cref="ITenantOwned"/>.</summary>
    public static void ApplyTenantFilters(this ModelBuilder modelBuilder, PortalDbContext context)
    {
        foreach (var entityType in modelBuilder.Model.GetEntityTypes())
        {
            if (!typeof(ITenantOwned).IsAssignableFrom(entityType.ClrType) || entityType.BaseType is not null)
            {
                continue;
            }

            var entity = Expression.Parameter(entityType.ClrType, "e");
            var tenantId = Expression.Property(entity, nameof(ITenantOwned.TenantId));
            // Parameterised on the context instance so each context filters by its own tenant; Guid.Empty never matches.
            var current = Expression.Property(Expression.Constant(context), nameof(PortalDbContext.CurrentTenantId));
            var filter = Expression.Lambda(Expression.Equal(tenantId, current), entity);
            modelBuilder.Entity(entityType.ClrType).HasQueryFilter(FilterName, filter);
            modelBuilder.Entity(entityType.ClrType).HasIndex(nameof(ITenantOwned.TenantId));
        }
    }

    /// <summary>Stamps added rows with the current tenant and rejects any tracked row of another tenant.</summary>
    internal static void EnforceOnSave(ChangeTracker changeTracker, Guid? currentTenant)
    {
        foreach (var entry in changeTracker.Entries<ITenantOwned>())
        {
            if (entry.State is EntityState.Unchanged or EntityState.Detached)
            {
                continue;
            }

            if (currentTenant is not { } tenant)
            {
                throw new TenantIsolationException(
                    $"Cannot save {entry.Metadata.ClrType.Name}: no tenant is set for this operation.");
            }

            if (entry.State == EntityState.Added && entry.Entity.TenantId == Guid.Empty)
            {
                entry.Entity.TenantId = tenant;
            }

            var original = entry.State == EntityState.Added
                ? entry.Entity.TenantId
                : entry.Property(e => e.TenantId).OriginalValue;
            if (entry.Entity.TenantId != tenant || original != tenant)
            {
                throw new TenantIsolationException(
                    $"Cannot save {entry.Metadata.ClrType.Name}: it belongs to another tenant.");
            }
        }
    }
}
