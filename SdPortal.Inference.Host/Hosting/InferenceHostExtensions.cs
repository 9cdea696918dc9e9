using Hangfire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SdPortal.Contracts.Jobs;
using SdPortal.Inference.Engine;
using SdPortal.Inference.Jobs;
using SdPortal.Inference.Jobs.Remote;

namespace SdPortal.Inference.Hosting;

/// <summary>The separate inference host (<c>SdPortal.Inference host</c>): a Hangfire server on the portal's queue.</summary>
public static class InferenceHostExtensions
{
    /// <summary>The connection string naming the portal's PostgreSQL database, as on the web node.</summary>
    public const string PostgreSqlConnectionStringName = "PostgreSql";

    /// <summary>
    /// Adds the engine, <see cref="InferenceJobsOptions"/> (validated on start), the <see cref="HttpJobGateway"/> to the
    /// web node, a Hangfire server on the PostgreSQL storage that serves only the <see cref="GenerationWork.Queue"/>
    /// queue with <c>Jobs:WorkersPerDevice</c> workers per device, and the periodic device report for the operators.
    /// On SIGTERM the server stops fetching, running jobs see their token cancelled, hand themselves back
    /// (<see cref="IJobGateway.AbandonAsync"/>) and Hangfire re-queues them.
    /// </summary>
    public static IHostApplicationBuilder AddInferenceHost(this IHostApplicationBuilder builder)
    {
        builder.AddInferenceEngine();
        builder.Services.AddOptions<InferenceJobsOptions>()
            .BindConfiguration(InferenceJobsOptions.SectionName)
            .Configure<IConfiguration>((o, configuration) =>
                o.PostgreSqlConnectionString = configuration.GetConnectionString(PostgreSqlConnectionStringName) ?? string.Empty)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddTransient<TransientRetryHandler>();
        builder.Services.AddSingleton<RemoteAdapterFiles>();
        builder.Services.AddHttpClient<IJobGateway, HttpJobGateway>((services, http) =>
            {
                var jobs = services.GetRequiredService<IOptions<InferenceJobsOptions>>().Value;
                http.BaseAddress = new Uri(jobs.PortalUrl.EndsWith('/') ? jobs.PortalUrl : jobs.PortalUrl + "/");
                http.DefaultRequestHeaders.Add(InternalJobApi.TokenHeader, jobs.HostToken);
                // Above the retry handler's four attempts of 20 s with their back-off: the handler decides, not this.
                http.Timeout = TimeSpan.FromSeconds(90);
            })
            .AddHttpMessageHandler<TransientRetryHandler>();

        // The host's own storage instance, registered before AddHangfire, which would otherwise use JobStorage.Current.
        builder.Services.AddSingleton(services =>
        {
            var jobs = services.GetRequiredService<IOptions<InferenceJobsOptions>>().Value;
            return GenerationJobStorage.CreatePostgreSql(jobs.PostgreSqlConnectionString,
                TimeSpan.FromMilliseconds(jobs.QueuePollMilliseconds), TimeSpan.FromSeconds(jobs.InvisibilityTimeoutSeconds));
        });
        builder.Services.AddHangfire(configuration => configuration.UsePortalConventions());
        builder.Services.AddWorkerStatusReporting();
        builder.Services.AddHangfireServer((services, options) =>
        {
            var jobs = services.GetRequiredService<IOptions<InferenceJobsOptions>>().Value;
            options.ServerName = $"inference-{Environment.MachineName}-{Environment.ProcessId}";
            options.Queues = [GenerationWork.Queue];
            options.WorkerCount = services.GetRequiredService<IGenerationEngine>().Devices.Count * jobs.WorkersPerDevice;
            BlockingJobThreads.Reserve(options.WorkerCount);
            // Retries wait in the scheduled set; the default 15 s poll would add up to 15 s to each retry delay.
            options.SchedulePollingInterval = TimeSpan.FromSeconds(1);
            // Time for cancelled jobs to call AbandonAsync before Hangfire aborts them (StopTimeout 0: cancel at once).
            options.ShutdownTimeout = TimeSpan.FromSeconds(jobs.ShutdownSeconds);
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(
            (builder.Configuration.GetSection(InferenceJobsOptions.SectionName).Get<InferenceJobsOptions>()?.ShutdownSeconds ?? 30) + 15));
        return builder;
    }
}
