using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SdPortal.Data.Generation;
using SdPortal.Tests.Support;
using SdPortal.Web.Operators;
using Xunit.Abstractions;

namespace SdPortal.Tests.Generation;

/// <summary>
/// Inference hosts as separate processes on the real PostgreSQL queue: a host killed mid-job (R11) and a host stopped
/// with SIGTERM mid-job (R13). Jobs are the tiny synthetic model at 128² (20 at once) or 320² (one), long enough to be caught running.
/// </summary>
public sealed class InferenceHostTests(ITestOutputHelper output)
{
    /// <summary>Hangfire's invisibility timeout at its default: recovery must come from the job lease, not from Hangfire.</summary>
    private const int InvisibilityTimeoutSeconds = 1800;

    [Fact]
    public async Task KillDashNine_HostMidJob_EveryJobRunsAgainOnTheOtherHostAndCapturesOnce()
    {
        // 20 trials at once: 20 jobs running on the host that is killed, so one invisibility timeout covers them all.
        const int trials = 20;
        await using var cluster = await InferenceHostCluster.StartAsync(InvisibilityTimeoutSeconds);
        var (tenant, owner) = await cluster.Portal.RegisterAndLoginAsync("Crash Test");
        var victim = await cluster.StartHostAsync(workers: trials);
        // A warm-up job first: a cold host JITs, connects and opens its sessions while its first jobs already compute,
        // and ONNX Runtime's spinning threads then starve the other workers' start, staggering it by seconds.
        var warmUp = await PortalWebFactory.SubmitAcceptedAsync(owner, PortalWebFactory.TinyRequest());
        await PortalWebFactory.WaitForStatusAsync(owner, warmUp, "succeeded", TimeSpan.FromSeconds(60));
        await cluster.AllowConcurrentJobsAsync(tenant.TenantId, trials);
        var ids = new List<Guid>();
        // At 256² × 50 steps, twenty jobs sharing two cores run for many seconds: none finishes before all have started.
        for (var i = 0; i < trials; i++)
        {
            ids.Add(await PortalWebFactory.SubmitAcceptedAsync(owner, PortalWebFactory.TinyRequest(("steps", 50), ("width", 256), ("height", 256), ("seed", i))));
        }

        var running = await WaitForJobsAsync(cluster, tenant.TenantId, ids, j => j.Status == GenerationJobStatus.Running, TimeSpan.FromSeconds(60), victim);
        Assert.All(running, j => Assert.Equal(victim.WorkerName, j.WorkerName));
        var killed = Stopwatch.StartNew();
        await victim.KillHardAsync();
        var survivor = await cluster.StartHostAsync(workers: 4);
        // Another tenant's work must not wait for the dead host's jobs: its job runs while they are still held.
        var (_, neighbour) = await cluster.Portal.RegisterAndLoginAsync("Neighbour");
        var neighbourJob = await PortalWebFactory.SubmitAcceptedAsync(neighbour, PortalWebFactory.TinyRequest());
        var requeued = new Dictionary<Guid, TimeSpan>();

        var recovered = new Dictionary<Guid, TimeSpan>();
        while (recovered.Count < trials)
        {
            foreach (var job in await cluster.JobsAsync(tenant.TenantId, ids))
            {
                Assert.False(job.Status is GenerationJobStatus.Failed or GenerationJobStatus.Cancelled, $"Job {job.Id} ended {job.Status}: {job.Error}");
                if (job.Status == GenerationJobStatus.Succeeded)
                {
                    recovered.TryAdd(job.Id, killed.Elapsed);
                }

                if (job.WorkerName != victim.WorkerName || job.Status != GenerationJobStatus.Running)
                {
                    requeued.TryAdd(job.Id, killed.Elapsed);
                }
            }

            Assert.True(killed.Elapsed < TimeSpan.FromSeconds(180),
                $"{recovered.Count}/{trials} recovered after {killed.Elapsed}; survivor output:\n{survivor.Output}");
            await Task.Delay(250);
        }

        var jobs = await cluster.JobsAsync(tenant.TenantId, ids);
        var settlements = new List<(int Captures, int Releases, int Images)>();
        foreach (var id in ids)
        {
            settlements.Add(await cluster.SettlementAsync(tenant.TenantId, id));
        }

        var reExecuted = jobs.Count(j => j.WorkerName == survivor.WorkerName && j.Attempts == 2);
        var seconds = recovered.Values.Select(t => t.TotalSeconds).Order().ToList();
        var back = requeued.Values.Select(t => t.TotalSeconds).Order().ToList();
        var neighbourDone = await PortalWebFactory.WaitForStatusAsync(neighbour, neighbourJob, "succeeded", TimeSpan.FromSeconds(60));
        output.WriteLine($"R11: re-executions {reExecuted}/{trials} on the other host; captures per job {settlements.Min(s => s.Captures)}–{settlements.Max(s => s.Captures)}, " +
            $"releases {settlements.Sum(s => s.Releases)}, images per job {settlements.Min(s => s.Images)}–{settlements.Max(s => s.Images)}; " +
            $"taken back from the dead host after kill p50 {back[back.Count / 2]:F1} s, max {back[^1]:F1} s (lease {InferenceHostCluster.LeaseSeconds} s + sweep " +
            $"{InferenceHostCluster.RecoverySweepSeconds} s; Hangfire's invisibility {InvisibilityTimeoutSeconds} s); succeeded after kill p50 {seconds[seconds.Count / 2]:F1} s, " +
            $"max {seconds[^1]:F1} s; another tenant's job meanwhile succeeded ({neighbourDone.GetProperty("status").GetString()})");
        Assert.Equal(trials, reExecuted);
        // Renewed every third of the lease: at most a lease after the last renewal, plus a sweep and polling slack.
        Assert.True(back[^1] <= InferenceHostCluster.LeaseSeconds + InferenceHostCluster.RecoverySweepSeconds + 3,
            $"The dead host's jobs came back {back[^1]:F1} s after the kill");
        Assert.All(settlements, s => Assert.Equal((1, 0, 1), s));
        Assert.Equal(TenantLimitsDefaults.Credits - trials - 1, await PortalWebFactory.BalanceAsync(owner));
    }

    [Fact]
    public async Task Sigterm_HostMidJob_HandsTheJobBackWhichRunsOnceOnTheOtherHost()
    {
        await using var cluster = await InferenceHostCluster.StartAsync(InvisibilityTimeoutSeconds);
        var stopping = await cluster.StartHostAsync(workers: 1);
        var (tenant, owner) = await cluster.Portal.RegisterAndLoginAsync("Rolling Deploy");
        var id = await PortalWebFactory.SubmitAcceptedAsync(owner, PortalWebFactory.TinyRequest(("steps", 50), ("width", 320), ("height", 320)));
        while ((await PortalWebFactory.GetJsonAsync(owner, $"/api/v1/generations/{id}")).GetProperty("step").GetInt32() < 2)
        {
            Assert.False(stopping.HasExited, stopping.Output);
            await Task.Delay(20);
        }

        var terminated = Stopwatch.StartNew();
        stopping.Terminate();
        var handedBack = await WaitForJobsAsync(cluster, tenant.TenantId, [id], j => j.Status != GenerationJobStatus.Running, TimeSpan.FromSeconds(30), null);
        var cancelLatency = terminated.Elapsed;
        var beforeRerun = await cluster.SettlementAsync(tenant.TenantId, id);
        var exited = await stopping.WaitForExitAsync(TimeSpan.FromSeconds(60));

        var survivor = await cluster.StartHostAsync(workers: 1);
        var rerunStarted = Stopwatch.StartNew();
        // Well under the invisibility timeout: the job was re-queued at once, not left to a lapsed lease.
        await PortalWebFactory.WaitForStatusAsync(owner, id, "succeeded", TimeSpan.FromSeconds(60));
        var job = Assert.Single(await cluster.JobsAsync(tenant.TenantId, [id]));
        var after = await cluster.SettlementAsync(tenant.TenantId, id);

        output.WriteLine($"R13: cancel latency (SIGTERM → job handed back) {cancelLatency.TotalMilliseconds:F0} ms; host exited gracefully: {exited} " +
            $"(code {(exited ? stopping.ExitCode : -1)}); captures before the re-run {beforeRerun.Captures}, after {after.Captures}; " +
            $"re-run on the other host succeeded {rerunStarted.Elapsed.TotalSeconds:F1} s after it started; attempts {job.Attempts}");
        // Back in the queue; the dispatcher may already have handed it to Hangfire again.
        Assert.Contains(Assert.Single(handedBack).Status, new[] { GenerationJobStatus.Queued, GenerationJobStatus.Dispatched });
        Assert.Equal((0, 0, 0), beforeRerun);
        Assert.True(exited, $"The host did not stop after SIGTERM:\n{stopping.Output}");
        // A hand-back at shutdown gives its attempt back: the re-run is the job's one counted attempt.
        Assert.Equal((survivor.WorkerName, 1), (job.WorkerName, job.Attempts));
        Assert.Equal((1, 0, 1), after);
        // The host's periodic device report reached the operators' pool over the same internal API.
        var reported = Assert.Single(await cluster.Portal.Services.GetRequiredService<WorkerPool>().CurrentAsync(), w => w.Report.WorkerName == survivor.WorkerName);
        Assert.Equal("cpu", Assert.Single(reported.Report.Devices).Device);
    }

    private static async Task<List<GenerationJob>> WaitForJobsAsync(
        InferenceHostCluster cluster, Guid tenantId, List<Guid> ids, Func<GenerationJob, bool> condition, TimeSpan timeout, InferenceHostProcess? host)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var jobs = await cluster.JobsAsync(tenantId, ids);
            if (jobs.Count == ids.Count && jobs.All(condition))
            {
                return jobs;
            }

            Assert.True(watch.Elapsed < timeout,
                $"Jobs not there after {timeout}: {string.Join(", ", jobs.Select(j => $"{j.Status}@{j.WorkerName}"))}\n{host?.Output}");
            await Task.Delay(20);
        }
    }
}
