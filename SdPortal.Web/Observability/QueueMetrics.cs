using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SdPortal.Data;
using SdPortal.Data.Generation;
using SdPortal.Data.Tenancy;
using SdPortal.Inference.Telemetry;

namespace SdPortal.Web.Observability;

/// <summary>
/// The job table as gauges: <c>sdportal.queue.depth</c> and <c>sdportal.queue.oldest_wait</c> per tenant (jobs Queued
/// or Dispatched: the backlog the KEDA scaler counts, waiting for a worker to start them) and <c>sdportal.jobs</c> by open
/// state. One GROUP BY every <see cref="MetricsEndpointOptions.QueueRefreshSeconds"/> fills a snapshot the gauges read,
/// so a scrape never queries and the cost does not grow with scrapers or tenants. Tenants appear while they have open
/// jobs (bounded by active tenants); a tenant whose queue empties drops out of the next snapshot.
/// </summary>
public sealed partial class QueueMetrics : BackgroundService
{
    private readonly IServiceScopeFactory _scopes;
    private readonly IOptions<MetricsEndpointOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<QueueMetrics> _logger;
    private readonly Histogram<double> _refreshDuration;
    private volatile Snapshot _snapshot = Snapshot.Empty;

    public QueueMetrics(IMeterFactory meters, IServiceScopeFactory scopes, IOptions<MetricsEndpointOptions> options, TimeProvider time, ILogger<QueueMetrics> logger)
    {
        (_scopes, _options, _time, _logger) = (scopes, options, time, logger);
        var meter = meters.Create(SdPortalTelemetry.PortalMeterName);
        meter.CreateObservableGauge("sdportal.queue.depth", () => _snapshot.Depth, "{job}",
            "Jobs waiting for a worker to start them (Queued or Dispatched), per tenant.");
        meter.CreateObservableGauge("sdportal.queue.oldest_wait", () => _snapshot.OldestWait(_time.GetUtcNow().UtcDateTime), "s",
            "How long the oldest job waiting for a worker has waited, per tenant.");
        meter.CreateObservableGauge("sdportal.jobs", () => _snapshot.ByState, "{job}", "Open jobs by state (queued, dispatched, running).");
        _refreshDuration = meter.CreateHistogram<double>("sdportal.queue.refresh.duration", "s",
            "How long one refresh of the queue gauges (one GROUP BY over the open jobs) took.",
            advice: new() { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] });
    }

    /// <summary>Reads the job table once and replaces the gauges' snapshot; the tests and the benchmark call it directly.</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        var started = _time.GetTimestamp();
        await using var scope = _scopes.CreateAsyncScope();
        var rows = await OpenJobsByTenantAndState(scope.ServiceProvider.GetRequiredService<PortalDbContext>()).ToListAsync(ct);
        _snapshot = Snapshot.Of(rows);
        _refreshDuration.Record(_time.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>
    /// The one query: open jobs counted per tenant and state, with the oldest creation time (the (Status, CreatedAtUtc)
    /// index serves the filter). The one cross-tenant reader besides the dispatcher: it names the filter it ignores and
    /// only counts.
    /// </summary>
    internal static IQueryable<GroupRow> OpenJobsByTenantAndState(PortalDbContext db) =>
        db.GenerationJobs.IgnoreQueryFilters([TenantIsolation.FilterName]).AsNoTracking()
            .Where(j => JobStates.Open.Contains(j.Status))
            .GroupBy(j => new { j.TenantId, j.Status })
            .Select(g => new GroupRow(g.Key.TenantId, g.Key.Status, g.Count(), g.Min(j => j.CreatedAtUtc)));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_options.Value.QueueRefreshSeconds), _time);
        do
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The gauges keep the last snapshot; the next tick tries again.
                LogRefreshFailed(_logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the job table for the queue metrics failed; the last reading stands")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);

    internal sealed record GroupRow(Guid TenantId, GenerationJobStatus Status, int Count, DateTime OldestCreatedAtUtc);

    /// <summary>One reading of the job table, as the gauges' measurements.</summary>
    private sealed record Snapshot(Measurement<long>[] Depth, (KeyValuePair<string, object?> Tenant, DateTime Oldest)[] Oldest, Measurement<long>[] ByState)
    {
        public static readonly Snapshot Empty = Of([]);

        /// <summary>The oldest waits as of <paramref name="now"/> (the scrape), so they grow between refreshes as they do in fact.</summary>
        public IEnumerable<Measurement<double>> OldestWait(DateTime now) =>
            Oldest.Select(o => new Measurement<double>(Math.Max(0, (now - o.Oldest).TotalSeconds), o.Tenant));

        public static Snapshot Of(IReadOnlyList<GroupRow> rows)
        {
            var waiting = rows.Where(r => r.Status is GenerationJobStatus.Queued or GenerationJobStatus.Dispatched)
                .GroupBy(r => r.TenantId)
                .Select(g => (Tenant: new KeyValuePair<string, object?>("tenant", g.Key.ToString()), Count: g.Sum(r => (long)r.Count),
                    Oldest: g.Min(r => r.OldestCreatedAtUtc)))
                .ToList();
            return new Snapshot(
                [.. waiting.Select(w => new Measurement<long>(w.Count, w.Tenant))],
                [.. waiting.Select(w => (w.Tenant, w.Oldest))],
                // Every open state, zero included, so a panel shows an empty queue rather than no data.
                [.. JobStates.Open.Select(s => new Measurement<long>(rows.Where(r => r.Status == s).Sum(r => (long)r.Count),
                    new KeyValuePair<string, object?>("state", s.ToString().ToLowerInvariant())))]);
        }
    }
}
