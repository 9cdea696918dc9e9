using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using SdPortal.Data.Tenancy;

namespace SdPortal.Data.Providers;

/// <summary>Lets <c>dotnet ef migrations add --context SqlitePortalDbContext</c> build the model without a host.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqlitePortalDbContext>
{
    public SqlitePortalDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlitePortalDbContext>().UseSqlite("Data Source=design.db").Options, new TenantContext());
}

/// <summary>Lets <c>dotnet ef migrations add --context PostgresPortalDbContext</c> build the model without a server.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresPortalDbContext>
{
    public PostgresPortalDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresPortalDbContext>().UseNpgsql("Host=localhost").Options, new TenantContext());
}
