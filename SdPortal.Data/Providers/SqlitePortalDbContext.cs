using Microsoft.EntityFrameworkCore;
using SdPortal.Data.Tenancy;

namespace SdPortal.Data.Providers;

/// <summary>The portal model on SQLite, the embedded default; migrations in Migrations/Sqlite.</summary>
public sealed class SqlitePortalDbContext(DbContextOptions<SqlitePortalDbContext> options, ITenantContext tenantContext)
    : PortalDbContext(options, tenantContext);
