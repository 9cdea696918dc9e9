using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Inference.Telemetry;
using SdPortal.Tests.Generation;
using SdPortal.Tests.Support;
using Xunit.Abstractions;

namespace SdPortal.Tests.Observability;

/// <summary>
/// One job is one trace: its submit, dispatch, the worker's run and the settlement share the trace id of the submit
/// span stored with the job, in process and across an inference host's HTTP calls back to the portal.
/// </summary>
public sealed class JobTraceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task InProcess_SubmitDispatchRunAndSettle_ShareOneTrace()
    {
        using var spans = new SpanRecorder();
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var portal = new PortalWebFactory(database, PortalWebFactory.GenerationSettings(workers: 1));
        var (tenant, owner) = await portal.RegisterAndLoginAsync("Traced");

        var id = await PortalWebFactory.SubmitAcceptedAsync(owner);
        await PortalWebFactory.WaitForStatusAsync(owner, id, "succeeded");
        var stored = await portal.WithContextAsync(tenant.TenantId, db => db.GenerationJobs.Where(j => j.Id == id).Select(j => j.TraceParent).SingleAsync());
        var ofJob = spans.OfTraceOf(id);

        output.WriteLine($"job {id}: stored traceparent {stored}; spans {string.Join(", ", ofJob.Select(s => $"{s.OperationName}@{s.TraceId}"))}");
        Assert.Equal(["hangfire.perform", "job dispatch", "job run", "job settle", "job submit"], ofJob.Select(s => s.OperationName).Distinct().Order(StringComparer.Ordinal));
        var trace = Assert.Single(ofJob.Select(s => s.TraceId).Distinct());
        Assert.True(ActivityContext.TryParse(stored, null, out var submit));
        Assert.Equal(trace, submit.TraceId);
        // Each step hangs under the one before it, not merely beside it in the trace.
        var byId = ofJob.ToDictionary(s => s.SpanId);
        Assert.Equal("job dispatch", byId[ofJob.Single(s => s.OperationName == "hangfire.perform").ParentSpanId].OperationName);
        Assert.Equal("hangfire.perform", byId[ofJob.Single(s => s.OperationName == "job run").ParentSpanId].OperationName);
    }

    [Fact]
    public async Task ThroughAnInferenceHost_TheHostsCallsBackCarryTheTrace_AndItsEngineMetricsAreScraped()
    {
        using var spans = new SpanRecorder();
        await using var cluster = await InferenceHostCluster.StartAsync(invisibilityTimeoutSeconds: 1800);
        var (_, owner) = await cluster.Portal.RegisterAndLoginAsync("Traced Remotely");
        var metricsPort = FreePort();
        // The host records spans only when they can leave it: a collector address that nothing answers turns them on.
        await cluster.StartHostAsync(workers: 1, ("Telemetry__Otlp__Endpoint", "http://127.0.0.1:9"), ("Telemetry__HostMetricsPort", $"{metricsPort}"));

        var id = await PortalWebFactory.SubmitAcceptedAsync(owner, PortalWebFactory.TinyRequest(("steps", 4)));
        await PortalWebFactory.WaitForStatusAsync(owner, id, "succeeded", TimeSpan.FromSeconds(60));
        using var scraper = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}/") };
        var host = await PrometheusScrape.GetAsync(scraper);
        var ofJob = spans.OfJob(id);

        output.WriteLine($"job {id} on a host: web-side spans {string.Join(", ", ofJob.Select(s => $"{s.OperationName}@{s.TraceId}"))}; " +
                         $"host /metrics on :{metricsPort}: engine steps={host.Sum("sdportal_engine_steps_total")}, hangfire executions={host.Sum("sdportal_hangfire_executions_total")}, " +
                         $"service {host.Of("target_info").FirstOrDefault()?.Labels.GetValueOrDefault("service_name")}");
        Assert.Equal(["job dispatch", "job settle", "job submit"], ofJob.Select(s => s.OperationName).Distinct().Order(StringComparer.Ordinal));
        Assert.Single(ofJob.Select(s => s.TraceId).Distinct());
        // The settlement's parent is the portal's request span, whose parent is the host's: no web-side span of the job is it.
        Assert.DoesNotContain(ofJob, s => s.SpanId == ofJob.Single(s => s.OperationName == "job settle").ParentSpanId);
        Assert.Equal(4, host.Sum("sdportal_engine_steps_total", ("device", "cpu")));
        Assert.Equal(1, host.Sum("sdportal_hangfire_executions_total", ("outcome", "succeeded")));
        Assert.Equal("sdportal-inference", host.Of("target_info").Single().Labels["service_name"]);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Records every finished span of the job source and of ASP.NET Core (whose request spans carry a caller's trace in).</summary>
    private sealed class SpanRecorder : IDisposable
    {
        private readonly ConcurrentQueue<Activity> _stopped = new();
        private readonly ActivityListener _listener;

        public SpanRecorder()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name is SdPortalTelemetry.JobsActivitySourceName or "Microsoft.AspNetCore",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = _stopped.Enqueue,
            };
            ActivitySource.AddActivityListener(_listener);
        }

        /// <summary>The finished spans tagged with <paramref name="jobId"/>.</summary>
        public List<Activity> OfJob(Guid jobId) =>
            [.. _stopped.Where(a => a.GetTagItem(JobTrace.JobIdTag) as string == jobId.ToString())];

        /// <summary>The job's spans of the job source, tagged or not (Hangfire's), in the traces its tagged ones are in.</summary>
        public List<Activity> OfTraceOf(Guid jobId)
        {
            var traces = OfJob(jobId).Select(a => a.TraceId).ToHashSet();
            return [.. _stopped.Where(a => a.Source.Name == SdPortalTelemetry.JobsActivitySourceName && traces.Contains(a.TraceId))];
        }

        public void Dispose() => _listener.Dispose();
    }
}
