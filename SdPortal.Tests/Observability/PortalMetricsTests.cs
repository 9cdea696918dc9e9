using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SdPortal.Data;
using SdPortal.Inference.Engine;
using SdPortal.Inference.Gpu;
using SdPortal.Inference.Telemetry;
using SdPortal.Tests.Browser;
using SdPortal.Tests.Generation;
using SdPortal.Tests.Support;
using SdPortal.Web.Observability;
using Xunit.Abstractions;
using static SdPortal.Tests.Support.Routes;

namespace SdPortal.Tests.Observability;

/// <summary>
/// The portal's series as Prometheus scrapes them from a real portal: the queue gauges follow the job table, and a job
/// that ran leaves its wait, run, outcome, credits and the engine's steps behind. The queue gauges are refreshed
/// through <see cref="QueueMetrics.RefreshAsync"/> here rather than waiting out the refresher's period.
/// </summary>
public sealed class PortalMetricsTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task QueueDepth_RisesWhileJobsWaitForAWorker_AndFallsWhenTheyEnd(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        // No worker anywhere: what is submitted waits, as it does while the first GPU host starts.
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings(more: ("Jobs:RunInferenceInProcess", "false")));
        portal.StartOnKestrel();
        var (busy, busyOwner) = await portal.RegisterAndLoginAsync("Busy");
        var (quiet, quietOwner) = await portal.RegisterAndLoginAsync("Quiet");
        var queue = portal.Services.GetRequiredService<QueueMetrics>();
        using var scraper = new HttpClient { BaseAddress = new Uri(portal.Url("/")) };

        var busyJobs = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            busyJobs.Add(await PortalWebFactory.SubmitAcceptedAsync(busyOwner));
        }

        var quietJob = await PortalWebFactory.SubmitAcceptedAsync(quietOwner);
        await queue.RefreshAsync(CancellationToken.None);
        var queued = await PrometheusScrape.GetAsync(scraper);

        foreach (var id in busyJobs.Append(quietJob))
        {
            var owner = id == quietJob ? quietOwner : busyOwner;
            Assert.True((await owner.PostAsync(U($"/api/v1/generations/{id}/cancel"), null)).IsSuccessStatusCode);
        }

        await queue.RefreshAsync(CancellationToken.None);
        var drained = await PrometheusScrape.GetAsync(scraper);

        var busyTag = ("tenant", busy.TenantId.ToString());
        var quietTag = ("tenant", quiet.TenantId.ToString());
        output.WriteLine($"[{provider}] queued: depth busy={queued.Sum("sdportal_queue_depth", busyTag)} quiet={queued.Sum("sdportal_queue_depth", quietTag)}, " +
                         $"oldest wait busy={queued.Sum("sdportal_queue_oldest_wait_seconds", busyTag):0.000} s, jobs queued={queued.Sum("sdportal_jobs", ("state", "queued"))}; " +
                         $"after cancelling: depth series {drained.Of("sdportal_queue_depth").Count()}, canceled={drained.Sum("sdportal_jobs_finished_total", ("outcome", "canceled"))}, " +
                         $"reserved={drained.Sum("sdportal_credits_reserved_total")} released={drained.Sum("sdportal_credits_released_total")}");
        Assert.Equal(3, queued.Sum("sdportal_queue_depth", busyTag));
        Assert.Equal(1, queued.Sum("sdportal_queue_depth", quietTag));
        Assert.InRange(queued.Sum("sdportal_queue_oldest_wait_seconds", busyTag), 0, 600);
        Assert.Equal(4, queued.Sum("sdportal_jobs", ("state", "queued")) + queued.Sum("sdportal_jobs", ("state", "dispatched")));
        Assert.Empty(drained.Of("sdportal_queue_depth"));
        Assert.Equal(0, drained.Sum("sdportal_jobs"));
        Assert.Equal(4, drained.Sum("sdportal_jobs_finished_total", ("outcome", "canceled")));
        // None of them had started: no run time to record.
        Assert.Equal(0, drained.Sum("sdportal_job_run_duration_seconds_count"));
        Assert.True(drained.Sum("sdportal_credits_reserved_total") > 0);
        Assert.Equal(drained.Sum("sdportal_credits_reserved_total"), drained.Sum("sdportal_credits_released_total"));
    }

    [Fact]
    public async Task AJobThatRan_LeavesItsWaitRunOutcomeCreditsAndSteps()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings(workers: 1));
        portal.StartOnKestrel();
        var (_, owner) = await portal.RegisterAndLoginAsync("Ran");
        using var scraper = new HttpClient { BaseAddress = new Uri(portal.Url("/")) };

        var id = await PortalWebFactory.SubmitAcceptedAsync(owner, PortalWebFactory.TinyRequest(("steps", 4)));
        await PortalWebFactory.WaitForStatusAsync(owner, id, "succeeded");
        var scrape = await PrometheusScrape.GetAsync(scraper);

        var steps = scrape.Sum("sdportal_engine_steps_total");
        output.WriteLine($"after one 4-step job: succeeded={scrape.Sum("sdportal_jobs_finished_total", ("outcome", "succeeded"))}, " +
                         $"wait count={scrape.Sum("sdportal_job_wait_duration_seconds_count")} sum={scrape.Sum("sdportal_job_wait_duration_seconds_sum"):0.000} s, " +
                         $"run count={scrape.Sum("sdportal_job_run_duration_seconds_count")} sum={scrape.Sum("sdportal_job_run_duration_seconds_sum"):0.000} s, " +
                         $"reserved={scrape.Sum("sdportal_credits_reserved_total")} captured={scrape.Sum("sdportal_credits_captured_total")}, engine steps={steps}, " +
                         $"model loads={scrape.Sum("sdportal_engine_model_loads_total")}, hangfire executions={scrape.Sum("sdportal_hangfire_executions_total")}");
        Assert.Equal(1, scrape.Sum("sdportal_jobs_finished_total", ("outcome", "succeeded")));
        Assert.Equal(1, scrape.Sum("sdportal_job_wait_duration_seconds_count"));
        Assert.Equal(1, scrape.Sum("sdportal_job_run_duration_seconds_count", ("outcome", "succeeded")));
        Assert.True(scrape.Sum("sdportal_job_run_duration_seconds_sum") > 0);
        Assert.True(scrape.Sum("sdportal_credits_reserved_total") > 0);
        Assert.Equal(scrape.Sum("sdportal_credits_reserved_total"), scrape.Sum("sdportal_credits_captured_total"));
        Assert.Equal(4, steps);
        Assert.Equal(1, scrape.Sum("sdportal_engine_model_loads_total", ("model", "tiny-synthetic")));
        Assert.Equal(1, scrape.Sum("sdportal_hangfire_executions_total", ("outcome", "succeeded"), ("job_type", "GenerationWork.RunAsync")));
        Assert.Contains("http_server_request_duration_seconds_count", scrape.Names);
        Assert.Contains("dotnet_gc_collections_total", scrape.Names);
    }

    [Fact]
    public async Task ARunningJobCanceled_RecordsItsRunTimeUnderItsOutcome()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings(workers: 1))
        {
            TestServices = TestEngines.Slow(TimeSpan.FromMilliseconds(100)),
        };
        portal.StartOnKestrel();
        var (_, owner) = await portal.RegisterAndLoginAsync("Changed Mind");
        using var scraper = new HttpClient { BaseAddress = new Uri(portal.Url("/")) };

        var id = await PortalWebFactory.SubmitAcceptedAsync(owner, PortalWebFactory.TinyRequest(("steps", 40)));
        await PortalWebFactory.WaitForStatusAsync(owner, id, "running");
        Assert.True((await owner.PostAsync(U($"/api/v1/generations/{id}/cancel"), null)).IsSuccessStatusCode);
        await PortalWebFactory.WaitForStatusAsync(owner, id, "canceled");
        var scrape = await PrometheusScrape.GetAsync(scraper);

        output.WriteLine($"canceled while running: finished={scrape.Sum("sdportal_jobs_finished_total", ("outcome", "canceled"))}, " +
                         $"run count={scrape.Sum("sdportal_job_run_duration_seconds_count", ("outcome", "canceled"))} sum={scrape.Sum("sdportal_job_run_duration_seconds_sum", ("outcome", "canceled")):0.000} s, " +
                         $"released={scrape.Sum("sdportal_credits_released_total")}");
        Assert.Equal(1, scrape.Sum("sdportal_jobs_finished_total", ("outcome", "canceled")));
        Assert.Equal(1, scrape.Sum("sdportal_job_run_duration_seconds_count", ("outcome", "canceled")));
        Assert.True(scrape.Sum("sdportal_job_run_duration_seconds_sum", ("outcome", "canceled")) > 0);
        Assert.Equal(scrape.Sum("sdportal_credits_reserved_total"), scrape.Sum("sdportal_credits_released_total"));
    }

    [Fact]
    public async Task AGpuWithoutNvml_GivesNoGpuSeries_AndTheScrapeStillAnswers()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        // The real NVML reader on a machine where the driver cannot be loaded.
        await using var portal = new PortalWebFactory(database, new Dictionary<string, string?> { ["Jobs:RunInferenceInProcess"] = "false" })
        {
            TestServices = services => services.AddSingleton<IDeviceTelemetry>(new NvmlDeviceTelemetry(NoDriver, null, NullLogger.Instance)),
        };
        portal.StartOnKestrel();
        using var scraper = new HttpClient { BaseAddress = new Uri(portal.Url("/")) };
        portal.Services.GetRequiredService<EngineMetrics>().Serving(["cuda:0", "cuda:1"]);

        var first = await PrometheusScrape.GetAsync(scraper);
        var second = await PrometheusScrape.GetAsync(scraper);

        var gpu = second.Names.Where(n => n.StartsWith("sdportal_gpu_", StringComparison.Ordinal)).ToList();
        output.WriteLine($"two CUDA devices served, NVML unavailable: {first.Samples.Count} then {second.Samples.Count} samples, GPU series [{string.Join(", ", gpu)}]");
        Assert.Empty(gpu);
        Assert.NotEmpty(second.Of("sdportal_jobs"));
    }

    private static INvml? NoDriver(out string? failure)
    {
        failure = "libnvidia-ml.so.1 could not be loaded (no NVIDIA driver on this machine)";
        return null;
    }
}
