using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using SdPortal.Data.Credits;
using SdPortal.Data.Images;
using SdPortal.Data.Providers;
using SdPortal.Data.Tenancy;

namespace SdPortal.Data;

/// <summary>Registers the portal's data layer.</summary>
public static class PortalDataExtensions
{
    /// <summary>
    /// Adds <see cref="PortalOptions"/> (validated on start), the tenant context, the credit ledger, the image store and the provider's
    /// <see cref="IDbContextFactory{PortalDbContext}"/> plus a scoped <see cref="PortalDbContext"/> for Identity.
    /// </summary>
    public static PortalStorage AddPortalData(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PortalOptions>()
            .BindConfiguration(PortalOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var storage = PortalStorage.Resolve(builder.Configuration);
        builder.Services.AddSingleton(storage);
        builder.Services.AddScoped<TenantContext>();
        builder.Services.AddScoped<ITenantContext>(sp => sp.GetRequiredService<TenantContext>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<LedgerWriteGate>();
        builder.Services.AddScoped<ICreditLedger, CreditLedger>();
        builder.Services.AddSingleton<IImageStore, FileImageStore>();

        if (storage.Provider == DatabaseProvider.PostgreSql)
        {
            AddContext<PostgresPortalDbContext>(builder.Services, o => o.UseNpgsql(storage.ConnectionString));
        }
        else
        {
            AddContext<SqlitePortalDbContext>(builder.Services, o => o.UseSqlite(storage.ConnectionString));
        }

        builder.Services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext());
        return storage;
    }

    /// <summary>Applies pending migrations of the configured provider; call once before the host starts serving.</summary>
    public static async Task MigratePortalDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        await using var context = await scope.ServiceProvider
            .GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(cancellationToken);
        if (context.Database.IsSqlite())
        {
            // WAL lets readers (the UI) proceed while a job writes; the setting persists in the file.
            await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        await context.Database.MigrateAsync(cancellationToken);
    }

    private static void AddContext<TContext>(IServiceCollection services, Action<DbContextOptionsBuilder> configure)
        where TContext : PortalDbContext
    {
        // Scoped factory: contexts get the scope's tenant context; Blazor components create one context per operation.
        services.AddDbContextFactory<TContext>(configure, ServiceLifetime.Scoped);
        services.AddScoped<IDbContextFactory<PortalDbContext>>(sp =>
            new PortalDbContextFactory<TContext>(sp.GetRequiredService<IDbContextFactory<TContext>>()));
    }
}
