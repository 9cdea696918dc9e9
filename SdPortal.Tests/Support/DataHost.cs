using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SdPortal.Data;
using SdPortal.Data.Credits;
using SdPortal.Data.Entities;
using SdPortal.Data.Tenancy;
using SdPortal.Data.Tenants;

namespace SdPortal.Tests.Support;

/// <summary>The data layer alone (no web host, no Hangfire) on a test database, for ledger and isolation tests.</summary>
public sealed class DataHost(IHost host) : IAsyncDisposable
{
    public IServiceProvider Services => host.Services;

    public static async Task<DataHost> StartAsync(TestDatabase database)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing", DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(database.Settings);
        builder.AddPortalData();
        var host = builder.Build();
        await host.Services.MigratePortalDatabaseAsync();
        return new DataHost(host);
    }

    /// <summary>Creates a tenant with a limits row and, when <paramref name="credits"/> &gt; 0, a grant of that many.</summary>
    public async Task<Guid> CreateTenantAsync(string slug, long credits = 0)
    {
        var tenant = new Tenant { Name = slug, Slug = slug, CreatedAtUtc = DateTime.UtcNow };
        await using var scope = Services.GetRequiredService<IServiceScopeFactory>().CreateTenantScope(tenant.Id);
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        db.Tenants.Add(tenant);
        db.TenantLimits.Add(new TenantLimits { TenantId = tenant.Id });
        await db.SaveChangesAsync();
        if (credits > 0)
        {
            await scope.ServiceProvider.GetRequiredService<ICreditLedger>().GrantAsync(tenant.Id, credits, "seed", "test seed");
        }

        return tenant.Id;
    }

    /// <summary>Runs <paramref name="action"/> in a fresh scope (own context, own connection) acting for the tenant, or none.</summary>
    public async Task<T> InScopeAsync<T>(Guid? tenantId, Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = Services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        if (tenantId is { } id)
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(id);
        }

        return await action(scope.ServiceProvider);
    }

    /// <summary>Runs a ledger call in a fresh scope.</summary>
    public Task<T> WithLedgerAsync<T>(Func<ICreditLedger, Task<T>> action) =>
        InScopeAsync(null, sp => action(sp.GetRequiredService<ICreditLedger>()));

    public Task<T> WithContextAsync<T>(Guid? tenantId, Func<PortalDbContext, Task<T>> action) =>
        InScopeAsync(tenantId, sp => action(sp.GetRequiredService<PortalDbContext>()));

    /// <summary>(balance, ledger sum) of a tenant, read in one scope.</summary>
    public Task<(long Balance, long LedgerSum)> ReadBalanceAndLedgerSumAsync(Guid tenantId) =>
        WithContextAsync(tenantId, async db => (
            await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.TenantLimits.Select(l => l.CreditBalance)),
            await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SumAsync(db.CreditLedger, e => e.Amount)));

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}
