using Microsoft.EntityFrameworkCore;
using SdPortal.Data.Tenancy;

namespace SdPortal.Data.Providers;

/// <summary>The portal model on PostgreSQL, the distributed store; migrations in Migrations/Postgres.</summary>
public sealed class PostgresPortalDbContext(DbContextOptions<PostgresPortalDbContext> options, ITenantContext tenantContext)
    : PortalDbContext(options, tenantContext);
