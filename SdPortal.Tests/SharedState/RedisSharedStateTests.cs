using System.Collections.Concurrent;
using SdPortal.Inference.Engine;
using SdPortal.Inference.Jobs;
using SdPortal.Tests.Billing.Support;
using SdPortal.Tests.Support;
using SdPortal.Web.Generation;
using SdPortal.Web.Operators;
using SdPortal.Web.SharedState;
using Xunit.Abstractions;

namespace SdPortal.Tests.SharedState;

/// <summary>
/// Each Redis implementation of the per-node state against the real server (ADR-022): two connections stand for two
/// web nodes; what one writes the other reads, what ends on one is gone on both, TTLs expire, and limits hold in total.
/// </summary>
public sealed class RedisSharedStateTests(ITestOutputHelper output)
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 1, 2, 3];

    [Fact]
    public async Task APreview_SetOnOneNode_IsServedByTheOther_AndGoneOnBothWhenRemoved()
    {
        var redis = TestRedis.Create();
        await using var a = redis.OpenNode();
        await using var b = redis.OpenNode();
        var job = Guid.NewGuid();

        await b.Previews().SetAsync(job, 7, Png);
        var seen = await a.Previews().FindAsync(job);

        Assert.NotNull(seen);
        Assert.Equal(7, seen.Step);
        Assert.Equal(Png, seen.Png);
        await a.Previews().RemoveAsync(job);
        Assert.Null(await b.Previews().FindAsync(job));
    }

    [Fact]
    public async Task APreviewAndAStep_ExpireAfterTheirLifetime_WhenNoReportRefreshesThem()
    {
        var redis = TestRedis.Create();
        await using var node = redis.OpenNode(configure: o => o.LiveSeconds = 1);
        var job = Guid.NewGuid();
        await node.Previews().SetAsync(job, 1, Png);
        await node.Progress().RecordAsync(job, 1, 4);
        Assert.NotNull(await node.Previews().FindAsync(job));

        await EventuallyAsync(async () => await node.Previews().FindAsync(job) is null && await node.Progress().FindAsync(job) is null,
            "the preview and the step expire");
    }

    [Fact]
    public async Task AStep_RecordedOnOneNode_IsReadOnTheOther_OneByOneAndAsAPage()
    {
        var redis = TestRedis.Create();
        await using var a = redis.OpenNode();
        await using var b = redis.OpenNode();
        var (running, other, silent) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        await b.Progress().RecordAsync(running, 3, 20);
        await b.Progress().RecordAsync(other, 9, 10);

        Assert.Equal((3, 20), await a.Progress().FindAsync(running));
        var page = await a.Progress().FindStepsAsync([running, other, silent]);
        Assert.Equal(new Dictionary<Guid, int> { [running] = 3, [other] = 9 }, page);
        await a.Progress().RemoveAsync(running);
        Assert.Null(await b.Progress().FindAsync(running));
    }

    [Fact]
    public async Task ACancel_RequestedOnOneNode_IsSeenByTheOtherAtOnce_AndExpires()
    {
        var redis = TestRedis.Create();
        await using var a = redis.OpenNode(configure: o => o.CancelSeconds = 1);
        await using var b = redis.OpenNode(configure: o => o.CancelSeconds = 1);
        var (forgotten, lapsing) = (Guid.NewGuid(), Guid.NewGuid());

        await a.Cancellations().RequestAsync(forgotten);
        await a.Cancellations().RequestAsync(lapsing);
        Assert.True(await b.Cancellations().IsRequestedAsync(forgotten));
        Assert.True(await b.Cancellations().IsRequestedAsync(lapsing));
        Assert.False(await b.Cancellations().IsRequestedAsync(Guid.NewGuid()));

        await b.Cancellations().ForgetAsync(forgotten);
        Assert.False(await a.Cancellations().IsRequestedAsync(forgotten));
        await EventuallyAsync(async () => !await b.Cancellations().IsRequestedAsync(lapsing), "the cancel request expires");
    }

    [Fact]
    public async Task WorkerReports_ReachingEitherNode_AreTheSameListOnBoth_UntilTheirLifetimeEnds()
    {
        var redis = TestRedis.Create();
        var clock = new TestClock();
        await using var a = redis.OpenNode(clock);
        await using var b = redis.OpenNode(clock);

        await a.Workers().RecordAsync(Report("host-2/41"));
        clock.Advance(WorkerPool.ReportLifetime / 2);
        await b.Workers().RecordAsync(Report("host-1/17"));

        string[] both = ["host-1/17", "host-2/41"];
        Assert.Equal(both, (await a.Workers().CurrentAsync()).Select(w => w.Report.WorkerName));
        Assert.Equal(both, (await b.Workers().CurrentAsync()).Select(w => w.Report.WorkerName));
        Assert.Equal(4, Assert.Single(await a.Workers().CurrentAsync(), w => w.Report.WorkerName == "host-1/17").Report.Devices[0].JobsRunning);

        // The older report crosses its lifetime; the newer one still counts, on both nodes.
        clock.Advance((WorkerPool.ReportLifetime / 2) + TimeSpan.FromSeconds(1));
        Assert.Equal(["host-1/17"], (await b.Workers().CurrentAsync()).Select(w => w.Report.WorkerName));
        Assert.Equal(["host-1/17"], (await a.Workers().CurrentAsync()).Select(w => w.Report.WorkerName));
    }

    [Fact]
    public async Task AFixedWindowLimit_HoldsAcrossTwoNodes_NAcceptedInTotal_ThenOpensAgain()
    {
        const int limit = 5;
        var redis = TestRedis.Create();
        await using var a = redis.OpenNode();
        await using var b = redis.OpenNode();
        var window = TimeSpan.FromSeconds(2);
        var (left, right) = (a.Counter(), b.Counter());

        // Forty attempts at once, half on each node.
        var attempts = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => (i % 2 == 0 ? left : right).TryAcquireAsync("submit:tenant", limit, window).AsTask()));
        var accepted = attempts.Count(r => r is null);
        var retryAfter = attempts.Where(r => r is not null).Max()!.Value;
        output.WriteLine($"Two nodes, limit {limit}: {accepted} of {attempts.Length} accepted; longest Retry-After {retryAfter.TotalMilliseconds:F0} ms");

        Assert.Equal(limit, accepted);
        Assert.InRange(retryAfter, TimeSpan.FromMilliseconds(1), window);
        Assert.Null(await left.TryAcquireAsync("submit:other-tenant", limit, window));
        await EventuallyAsync(async () => await right.TryAcquireAsync("submit:tenant", limit, window) is null, "the window ends and admits again");
    }

    [Fact]
    public async Task TheRunTimeAverage_FoldsRunsSettledOnEitherNode_AndReadsTheSameOnBoth()
    {
        var redis = TestRedis.Create();
        await using var a = redis.OpenNode();
        await using var b = redis.OpenNode();
        Assert.Null(await a.RunTimes().ReadAsync());

        await a.RunTimes().RecordAsync(TimeSpan.FromSeconds(10));
        await b.RunTimes().RecordAsync(TimeSpan.FromSeconds(20));

        // The same fold as one node's: 0.8 × 10 + 0.2 × 20.
        var memory = new MemoryRunTimeAverage();
        await memory.RecordAsync(TimeSpan.FromSeconds(10));
        await memory.RecordAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(12, (await a.RunTimes().ReadAsync())!.Value, 9);
        Assert.Equal(await memory.ReadAsync(), await b.RunTimes().ReadAsync());
    }

    [Fact]
    public async Task JobEvents_PublishedOnOneNode_ReachEveryNodesFeedExactlyOnce_InOrder_EveryType()
    {
        var redis = TestRedis.Create();
        await using var a = redis.OpenNode();
        await using var b = redis.OpenNode();
        using var relayA = a.Relay();
        using var relayB = b.Relay();
        await relayA.StartAsync(CancellationToken.None);
        await relayB.StartAsync(CancellationToken.None);
        var job = Guid.NewGuid();
        var onA = new ConcurrentQueue<IJobEvent>();
        var onB = new ConcurrentQueue<IJobEvent>();
        using var subA = a.Feed.Subscribe(job, onA.Enqueue);
        using var subB = b.Feed.Subscribe(job, onB.Enqueue);
        await WaitForSubscriptionAsync(relayB, job, onA);
        onA.Clear();
        onB.Clear();

        IJobEvent[] sent =
        [
            new JobQueuedEvent(job, 2, 12.5),
            new JobProgressEvent(job, 1, 4, Convert.ToBase64String(Png), DateTimeOffset.UnixEpoch),
            new JobCompletedEvent(job, [new GenerationImageResponse(Guid.NewGuid(), "/api/v1/images/x", 42, 64, 64)]),
            new JobFailedEvent(job, "cancelled", "Canceled by its owner."),
        ];
        foreach (var e in sent)
        {
            await relayB.PublishAsync(e);
        }

        await EventuallyAsync(() => Task.FromResult(onA.Count >= sent.Length), "node A's feed receives node B's events");
        // A sentinel after the events: once it arrived, any duplicate of the earlier ones would have too (one channel, in order).
        await relayB.PublishAsync(new JobFailedEvent(job, "sentinel", null));
        await EventuallyAsync(() => Task.FromResult(onA.Any(e => e is JobFailedEvent { Status: "sentinel" })), "the sentinel arrives on A");

        Assert.Equal(sent.Select(Describe), onA.Take(sent.Length).Select(Describe));
        Assert.Equal(sent.Select(Describe).Append("failed sentinel"), onB.Select(Describe));
        Assert.Equal(sent.Length + 1, onA.Count);
        var images = Assert.IsType<JobCompletedEvent>(onA.ElementAt(2)).Images;
        Assert.Equal(42, Assert.Single(images).Seed);
        Assert.Equal(Png, Convert.FromBase64String(Assert.IsType<JobProgressEvent>(onA.ElementAt(1)).PreviewPng!));
    }

    [Fact]
    public async Task WhenRedisIsDown_EachPartDegradesToWhatTheNodeKnows_AndLogsIt_WithoutThrowing()
    {
        var redis = TestRedis.Create();
        using var logs = new CapturedLogs();
        using var factory = new Microsoft.Extensions.Logging.LoggerFactory([logs]);
        await using var down = redis.OpenUnreachableNode(factory);
        var job = Guid.NewGuid();
        var counter = down.Counter();

        await down.Previews().SetAsync(job, 1, Png);
        Assert.Null(await down.Previews().FindAsync(job));
        await down.Cancellations().RequestAsync(job);
        Assert.False(await down.Cancellations().IsRequestedAsync(job));
        await down.Progress().RecordAsync(job, 1, 4);
        Assert.Empty(await down.Workers().CurrentAsync());
        Assert.Null(await down.RunTimes().ReadAsync());
        using var relay = down.Relay();
        var local = new List<IJobEvent>();
        using var sub = down.Feed.Subscribe(job, local.Add);
        await relay.PublishAsync(new JobFailedEvent(job, "failed", "probe"));
        // The limit still holds on this node alone (a per-node limit for the outage, never none).
        var results = new List<TimeSpan?>();
        for (var i = 0; i < 4; i++)
        {
            results.Add(await counter.TryAcquireAsync("sign-in:127.0.0.1", 3, TimeSpan.FromMinutes(1)));
        }

        Assert.Single(local);
        Assert.Equal(3, results.Count(r => r is null));
        Assert.Contains(logs.Lines, l => l.Level == Microsoft.Extensions.Logging.LogLevel.Warning && l.Message.Contains("Redis did not answer (rate-limit count)", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.Message.Contains("Redis did not answer (cancel read); the job row's flag decides", StringComparison.Ordinal));
    }

    private static WorkerReport Report(string name) => new(name, [new DeviceStatus("cpu", ["tiny"], 4, 12.5, MemoryUsedBytes: 1 << 20)]);

    private static string Describe(IJobEvent e) => e switch
    {
        JobQueuedEvent q => $"queued {q.QueuePosition} {q.EstimatedStartSeconds}",
        JobProgressEvent p => $"progress {p.Step}/{p.TotalSteps} {p.PreviewPng?.Length} {p.SentAtUtc:O}",
        JobCompletedEvent c => $"completed {c.Images.Count}",
        JobFailedEvent f => $"failed {f.Status}",
        _ => e.GetType().Name,
    };

    /// <summary>Publishes probes until node A's subscription is live (SUBSCRIBE is asynchronous to the test).</summary>
    private static async Task WaitForSubscriptionAsync(RedisJobEventRelay relayB, Guid job, ConcurrentQueue<IJobEvent> onA)
    {
        await EventuallyAsync(async () =>
        {
            await relayB.PublishAsync(new JobFailedEvent(job, "probe", null));
            await Task.Delay(50);
            return !onA.IsEmpty;
        }, "node A's relay subscribes");
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"Timed out waiting for: {what}");
            await Task.Delay(50);
        }
    }
}
