using Hangfire;
using Hangfire.Storage.SQLite;
using Microsoft.Extensions.Options;
using SdPortal.Data;
using SdPortal.Inference.Engine;
using SdPortal.Inference.Jobs;

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

        var jobs = JobsOptions.From(builder.Configuration);
        // One storage instance per host, registered before AddHangfire (which would otherwise hand out the static
        // JobStorage.Current): several portals in one process (the tests) must not serve each other's queues.
        builder.Services.AddSingleton(_ => CreateStorage(storage, jobs));
        builder.Services.AddHangfire(config => config.UsePortalConventions());

        if (jobs.RunInferenceInProcess)
        {
            // Read through IOptions so a bad Jobs:WorkerCount fails validation with its name, not inside Hangfire.
            builder.Services.AddHangfireServer((services, options) =>
            {
                options.WorkerCount = services.GetRequiredService<IOptions<JobsOptions>>().Value.WorkerCount;
                BlockingJobThreads.Reserve(options.WorkerCount);
                options.ServerName = $"web-{Environment.MachineName}-{Environment.ProcessId}";
                options.Queues = [GenerationWork.Queue, "default"];
                // Retries wait in the scheduled set; the default 15 s poll would add up to 15 s to each retry delay.
                options.SchedulePollingInterval = TimeSpan.FromSeconds(1);
            });
            builder.Services.AddWorkerStatusReporting();
        }

        return builder;
    }

    private static JobStorage CreateStorage(PortalStorage storage, JobsOptions jobs)
    {
        if (storage.Provider == DatabaseProvider.PostgreSql)
        {
            // The same storage settings as the inference hosts', which serve this queue from other processes.
            return GenerationJobStorage.CreatePostgreSql(storage.ConnectionString,
                TimeSpan.FromMilliseconds(jobs.QueuePollMilliseconds), TimeSpan.FromSeconds(jobs.InvisibilityTimeoutSeconds));
        }

        return new SQLiteStorage(storage.HangfireSqlitePath, new SQLiteStorageOptions
        {
            QueuePollInterval = TimeSpan.FromMilliseconds(jobs.QueuePollMilliseconds),
            InvisibilityTimeout = TimeSpan.FromSeconds(jobs.InvisibilityTimeoutSeconds),
        });
    }
}
