using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SdPortal.Data.Generation;
using SdPortal.Tests.Support;
using SdPortal.Web.Generation;
using Xunit.Abstractions;
using static SdPortal.Tests.Support.Routes;

namespace SdPortal.Tests.Generation;

/// <summary>
/// Several web nodes, one truth (issue 16, ADR-022): two web nodes on one PostgreSQL and one real Redis, one
/// inference host reporting to node B. The user's Create page, API calls and cancel go to node A.
/// </summary>
public sealed class MultiNodeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ACreatePageOnNodeA_FollowsAJobReportedToNodeB_WithPreviews_AndItsCancelStopsTheJob_AndThePoolIsTheSameOnBoth()
    {
        var redis = TestRedis.Create();
        await using var nodes = await TwoWebNodes.StartAsync(redis);
        var (tenant, owner) = await nodes.A.RegisterAndLoginAsync("Two Nodes");
        var host = await nodes.StartHostOnBAsync(workers: 1);

        // Long enough on two shared cores to be watched for a while and cancelled well before its end.
        using var submitted = await PortalWebFactory.SubmitGenerationAsync(owner, PortalWebFactory.TinyRequest(("steps", 50), ("width", 512), ("height", 512)));
        Assert.True(submitted.StatusCode == HttpStatusCode.Accepted, await submitted.Content.ReadAsStringAsync());
        var job = (await submitted.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetGuid();
        var onA = new ConcurrentQueue<(IJobEvent Event, TimeSpan At)>();
        var clock = Stopwatch.StartNew();
        using var feed = nodes.A.Services.GetRequiredService<JobEventFeed>().Subscribe(job, e => onA.Enqueue((e, clock.Elapsed)));
        await using var circuit = await nodes.A.OpenCircuitAsync(tenant.UserId);
        var page = circuit.OpenCreatePage();
        await page.InitializeAsync(null, null);
        Assert.Equal(job, page.Job?.Id);

        // Node A's feed (what the page's circuit subscribes to) gets the steps and previews node B received.
        await HubRecorder.EventuallyAsync(() => onA.Any(e => e.Event is JobProgressEvent { Step: >= 2, PreviewPng: not null }),
            "node A's feed receives a preview reported to node B", TimeSpan.FromSeconds(90));
        await HubRecorder.EventuallyAsync(() => page.Job is { Status: "running", Step: > 0, PreviewUrl: not null }, "the Create page on node A shows the live step and preview");
        using (var preview = await owner.GetAsync(U($"/api/v1/generations/{job}/preview")))
        {
            Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
            Assert.Equal("image/png", preview.Content.Headers.ContentType?.MediaType);
            Assert.Equal([0x89, 0x50, 0x4E, 0x47], (await preview.Content.ReadAsByteArrayAsync())[..4]);
        }

        // The operator pool page: the same workers (and servers, and queue) on both nodes, though only B hears the host.
        var (poolA, poolB) = (await TwoWebNodes.PoolAsync(nodes.A), await TwoWebNodes.PoolAsync(nodes.B));
        Assert.Contains(poolA.Workers, w => w.Report.WorkerName == host.WorkerName);
        Assert.Equal(poolB.Workers.Select(w => (w.Report.WorkerName, w.ReceivedAt)), poolA.Workers.Select(w => (w.Report.WorkerName, w.ReceivedAt)));
        Assert.Equal(poolB.Servers.Select(s => s.Name), poolA.Servers.Select(s => s.Name));

        // Cancel on node A: node B, which the host reports to, knows at once (the shared key, not the row's 1 s check).
        var stepAtCancel = onA.Select(e => e.Event).OfType<JobProgressEvent>().Max(e => e.Step);
        var cancelledAt = clock.Elapsed;
        Assert.StartsWith("Stopping:", await page.CancelAsync(), StringComparison.Ordinal);
        Assert.True(await nodes.B.Services.GetRequiredService<JobCancellations>().IsRequestedAsync(job), "node B sees node A's cancel request");
        var ended = await PortalWebFactory.WaitForStatusAsync(owner, job, "canceled", TimeSpan.FromSeconds(30));
        var row = await nodes.A.WithContextAsync(tenant.TenantId, db => db.GenerationJobs.AsNoTracking().SingleAsync(j => j.Id == job));
        var stepsAfter = onA.Where(e => e.At > cancelledAt).Select(e => e.Event).OfType<JobProgressEvent>().Select(e => e.Step).DefaultIfEmpty(stepAtCancel).Max() - stepAtCancel;
        await HubRecorder.EventuallyAsync(() => onA.Any(e => e.Event is JobFailedEvent { Status: "canceled" }), "node A's feed receives the end");
        await HubRecorder.EventuallyAsync(() => page.Job is { Status: "canceled" }, "the page on node A shows the job cancelled");

        output.WriteLine($"Two nodes: {onA.Count(e => e.Event is JobProgressEvent)} progress events on A " +
                         $"({onA.Count(e => e.Event is JobProgressEvent { PreviewPng: not null })} with previews); cancel at step {stepAtCancel}, " +
                         $"{stepsAfter} more step(s) reported, row ended at step {row.Step}/{row.TotalSteps}; pool on A/B: " +
                         $"{string.Join(",", poolA.Workers.Select(w => w.Report.WorkerName))} / {string.Join(",", poolB.Workers.Select(w => w.Report.WorkerName))}");
        Assert.Equal(GenerationJobStatus.Cancelled, row.Status);
        Assert.Equal("canceled", ended.GetProperty("status").GetString());
        Assert.True(row.Step < row.TotalSteps, $"the job stopped before its end (step {row.Step}/{row.TotalSteps})");
        Assert.Equal(0, await nodes.A.WithContextAsync(tenant.TenantId, db => db.GeneratedImages.CountAsync(i => i.JobId == job)));
        // Ended: its preview is gone for both nodes.
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync(U($"/api/v1/generations/{job}/preview"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await nodes.A.CreateClient().GetAsync(U("/health/ready"))).StatusCode);
    }

    [Fact]
    public async Task TheSubmissionLimit_HoldsAcrossTwoWebNodes_NotPerNode()
    {
        const int limit = 3;
        var redis = TestRedis.Create();
        var database = await TestDatabase.CreateAsync(SdPortal.Data.DatabaseProvider.PostgreSql);
        await using var _ = database;
        var settings = new Dictionary<string, string?>(redis.Settings)
        {
            ["Jobs:RunInferenceInProcess"] = "false",
            ["Generation:SubmitsPerMinute"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in PortalWebFactory.GenerationSettings())
        {
            settings.TryAdd(key, value);
        }

        await using var a = new PortalWebFactory(database, settings);
        await using var b = new PortalWebFactory(database, settings);
        var tenant = await a.RegisterTenantAsync("Limited");
        var (onA, onB) = (await a.LoginAsync(tenant.Email, tenant.Password), await b.LoginAsync(tenant.Email, tenant.Password));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 2 * limit; i++)
        {
            using var response = await PortalWebFactory.SubmitGenerationAsync(i % 2 == 0 ? onA : onB, PortalWebFactory.TinyRequest());
            statuses.Add(response.StatusCode);
        }

        output.WriteLine($"Limit {limit}/min over two nodes, alternating: {string.Join(", ", statuses.Select(s => (int)s))}");
        Assert.Equal(limit, statuses.Count(s => s == HttpStatusCode.Accepted));
        Assert.Equal(limit, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task TheSignInBudgetOfAnAddress_HoldsAcrossTwoWebNodes_NotPerNode()
    {
        const int budget = 4;
        var redis = TestRedis.Create();
        await using var database = await TestDatabase.CreateAsync(SdPortal.Data.DatabaseProvider.PostgreSql);
        var settings = new Dictionary<string, string?>(redis.Settings) { ["Auth:LoginAttemptsPerWindow"] = budget.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        await using var a = new PortalWebFactory(database, settings);
        await using var b = new PortalWebFactory(database, settings);

        // Credential stuffing from one address, spread over both nodes by the load balancer.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 2 * budget; i++)
        {
            using var response = await (i % 2 == 0 ? a : b).TryLoginAsync($"victim{i}@example.test", "Summer2024!");
            statuses.Add(response.StatusCode);
        }

        output.WriteLine($"Sign-in budget {budget} over two nodes, alternating: {string.Join(", ", statuses.Select(s => (int)s))}");
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, budget).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, budget)), statuses);
    }
}
