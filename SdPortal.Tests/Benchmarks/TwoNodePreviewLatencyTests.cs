using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using SdPortal.Contracts.Jobs;
using SdPortal.Data;
using SdPortal.Inference.Jobs;
using SdPortal.Inference.Jobs.Remote;
using SdPortal.Tests.Generation;
using SdPortal.Tests.Support;
using SdPortal.Web.Generation;
using Xunit.Abstractions;

namespace SdPortal.Tests.Benchmarks;

/// <summary>
/// The two-node preview latency of docs/benchmarks.md (ADR-022): a host's progress report with a preview arrives at
/// node B's internal API; the time until node A's <see cref="JobEventFeed"/> subscriber (a Create page's circuit) has
/// it, against the time until node B's own subscriber has it (the same process, the same reports). Reports are sent
/// one at a time, each after node A received the previous one, so the figure is latency, not queueing. It asserts what
/// it measures (every report reaches node A once, in order), never how fast.
/// </summary>
public sealed class TwoNodePreviewLatencyTests(ITestOutputHelper output)
{
    /// <summary>Reports per run: <c>SDPORTAL_PREVIEW_REPORTS</c>, 600 by default (the figure needs at least 500).</summary>
    private static readonly int Reports = int.TryParse(Environment.GetEnvironmentVariable("SDPORTAL_PREVIEW_REPORTS"), CultureInfo.InvariantCulture, out var n) ? n : 600;

    [Fact]
    public async Task ProgressReportedToNodeB_ReachesNodeAsFeed_OnceAndInOrder_WithItsLatencyMeasured()
    {
        var redis = TestRedis.Create();
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.PostgreSql);
        var settings = PortalWebFactory.GenerationSettings(more: [("Jobs:RunInferenceInProcess", "false"), ("Jobs:HostToken", InferenceHostCluster.HostToken)]);
        foreach (var (key, value) in redis.Settings)
        {
            settings[key] = value;
        }

        await using var a = new PortalWebFactory(database, settings);
        await using var b = new PortalWebFactory(database, settings);
        var (tenant, owner) = await a.RegisterAndLoginAsync("Latency");
        var job = await PortalWebFactory.SubmitAcceptedAsync(owner);
        using var host = b.CreateClient();
        host.DefaultRequestHeaders.Add(InternalJobApi.TokenHeader, InferenceHostCluster.HostToken);
        using var started = await host.PostAsJsonAsync(InternalJobApi.JobPath(tenant.TenantId, job, InternalJobApi.Start), new StartJobBody("bench/1"), PortalWebFactory.Json);
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        var lease = new JobLease(new JobRef(tenant.TenantId, job), (await started.Content.ReadFromJsonAsync<JobTicketBody>(PortalWebFactory.Json))!.LeaseId);

        var clock = Stopwatch.StartNew();
        var onA = new ConcurrentDictionary<int, TimeSpan>();
        var onB = new ConcurrentDictionary<int, TimeSpan>();
        var orderOnA = new ConcurrentQueue<int>();
        using var feedA = a.Services.GetRequiredService<JobEventFeed>().Subscribe(job, e =>
        {
            if (e is JobProgressEvent { Step: > 0, PreviewPng: not null } p && onA.TryAdd(p.Step, clock.Elapsed))
            {
                orderOnA.Enqueue(p.Step);
            }
        });
        using var feedB = b.Services.GetRequiredService<JobEventFeed>().Subscribe(job, e =>
        {
            if (e is JobProgressEvent { Step: > 0 } p)
            {
                onB.TryAdd(p.Step, clock.Elapsed);
            }
        });

        // A preview of the pipeline's size (64 px PNGs are 2–9 KB); the portal never decodes it.
        var preview = new byte[6 * 1024];
        new Random(7).NextBytes(preview);
        await ReportAsync(host, lease, step: Reports + 1, preview); // warm: JIT, connections, the channel subscription
        await HubRecorder.EventuallyAsync(() => onA.ContainsKey(Reports + 1), "node A's relay is subscribed", TimeSpan.FromSeconds(30));
        var sentAt = new Dictionary<int, TimeSpan>();
        for (var step = 1; step <= Reports; step++)
        {
            sentAt[step] = clock.Elapsed;
            await ReportAsync(host, lease, step, preview);
            var received = step;
            await HubRecorder.EventuallyAsync(() => onA.ContainsKey(received), $"node A receives step {received}", TimeSpan.FromSeconds(10));
        }

        var twoNodes = sentAt.Select(s => (onA[s.Key] - s.Value).TotalMilliseconds).ToList();
        var sameNode = sentAt.Select(s => (onB[s.Key] - s.Value).TotalMilliseconds).ToList();
        output.WriteLine($"Two-node preview latency over {Reports} reports ({preview.Length} B previews, {Environment.ProcessorCount} CPUs): " +
                         $"report to node B → node A's feed p50 {Percentile(twoNodes, 50):F2} ms, p99 {Percentile(twoNodes, 99):F2} ms, max {twoNodes.Max():F2} ms; " +
                         $"→ node B's own feed p50 {Percentile(sameNode, 50):F2} ms, p99 {Percentile(sameNode, 99):F2} ms");

        Assert.Equal([.. Enumerable.Range(1, Reports).Prepend(Reports + 1)], orderOnA);
        Assert.All(sentAt.Keys, step => Assert.True(onB.ContainsKey(step)));
    }

    private static async Task ReportAsync(HttpClient host, JobLease lease, int step, byte[] preview)
    {
        using var response = await host.PostAsJsonAsync(lease.PathOf(InternalJobApi.Progress),
            new ProgressBody(step, Reports + 1, preview), PortalWebFactory.Json);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static double Percentile(List<double> values, double percentile)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
