using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.Storage.SQLite;
using Microsoft.Extensions.Options;
using SdPortal.Data;

namespace SdPortal.Web.Jobs;

/// <summary>Hangfire on the same provider as the portal's data.</summary>
public static class JobStorageExtensions
{
    /// <summary>Adds Hangfire with SQLite storage (embedded) or PostgreSQL storage (distributed).</summary>
    public static IHostApplicationBuilder AddJobStorage(this IHostApplicationBuilder builder, PortalStorage storage)
    {
        builder.Services.AddOptions<JobsOptions>()
            .BindConfiguration(JobsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // The storage is this host's own singleton: Hangfire's fallback is the process-wide JobStorage.Current, which
        // several hosts in one process (the integration tests) would share and dispose under each other.
        builder.Services.AddSingleton(_ => CreateStorage(storage));
        builder.Services.AddHangfire((services, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseStorage(services.GetRequiredService<JobStorage>()));

        var jobs = builder.Configuration.GetSection(JobsOptions.SectionName).Get<JobsOptions>() ?? new JobsOptions();
        if (jobs.RunInferenceInProcess)
        {
            // Read through IOptions so a bad Jobs:WorkerCount fails validation with its name, not inside Hangfire.
            builder.Services.AddHangfireServer((services, options) =>
            {
                options.WorkerCount = services.GetRequiredService<IOptions<JobsOptions>>().Value.WorkerCount;
                options.ServerName = $"web-{Environment.MachineName}";
            });
        }

        return builder;
    }

#pragma warning disable CA1859 // the two providers' storages share only JobStorage
    private static JobStorage CreateStorage(PortalStorage storage)
    {
        if (storage.Provider == DatabaseProvider.PostgreSql)
        {
            var options = new PostgreSqlStorageOptions { PrepareSchemaIfNecessary = true };
            return new PostgreSqlStorage(new NpgsqlConnectionStringFactory(storage.ConnectionString), options);
        }

        return new SQLiteStorage(storage.HangfireSqlitePath, new SQLiteStorageOptions());
    }
#pragma warning restore CA1859
}
