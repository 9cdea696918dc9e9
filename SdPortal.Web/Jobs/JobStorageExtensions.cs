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

        builder.Services.AddHangfire(config => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UsePortalStorage(storage));

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

    private static IGlobalConfiguration UsePortalStorage(this IGlobalConfiguration config, PortalStorage storage) =>
        storage.Provider == DatabaseProvider.PostgreSql
            ? config.UsePostgreSqlStorage(
                options => options.UseNpgsqlConnection(storage.ConnectionString),
                new PostgreSqlStorageOptions { PrepareSchemaIfNecessary = true })
            : config.UseSQLiteStorage(storage.HangfireSqlitePath, new SQLiteStorageOptions());
}
