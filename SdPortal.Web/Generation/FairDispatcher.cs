using System.Diagnostics;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SdPortal.Data;
using SdPortal.Data.Tenancy;
using SdPortal.Inference.Jobs;
using SdPortal.Inference.Telemetry;

namespace SdPortal.Web.Generation;

/// <summary>
/// Hands queued jobs to Hangfire as workers free up, in <see cref="FairOrder"/> order and within each tenant's
/// concurrency limit, and keeps the <see cref="QueueBoard"/> (positions, ETAs) current. Runs on every web node; a job
/// is claimed with a conditional update, so two nodes never dispatch the same job. Woken by submissions and
/// completions; otherwise it looks every <see cref="GenerationOptions.DispatchIntervalMilliseconds"/>.
/// </summary>
public sealed partial class FairDispatcher(
    IServiceScopeFactory scopes,
    IBackgroundJobClient hangfire,
    JobLifecycle lifecycle,
    WorkerCapacity capacity,
    QueueBoard board,
    RunTimeAverage runTimes,
    GenerationEvents events,
    IOptionsMonitor<GenerationOptions> options,
    TimeProvider time,
    ILogger<FairDispatcher> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly SemaphoreSlim _pass = new(1, 1);
    private readonly Dictionary<Guid, long> _lastServed = [];
    private long _served;

    /// <summary>Asks for a pass soon (a job finished, or was cancelled).</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Someone else woke it between the check and the release: one pass serves both.
            }
        }
    }

    /// <summary>Runs a pass now, so a job submitted to an idle portal starts at once, and answers its place.</summary>
    public async Task<QueueSpot> AfterSubmitAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await PassAsync(cancellationToken);
        return board.Find(jobId) ?? new QueueSpot(0, 0);
    }

    public override void Dispose()
    {
        _wake.Dispose();
        _pass.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PassAsync(stoppingToken);
                await _wake.WaitAsync(TimeSpan.FromMilliseconds(options.CurrentValue.DispatchIntervalMilliseconds), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or TimeoutException)
            {
                LogPassFailed(logger, ex);
                await Task.Delay(TimeSpan.FromMilliseconds(options.CurrentValue.DispatchIntervalMilliseconds), time, stoppingToken);
            }
        }
    }

    private async Task PassAsync(CancellationToken ct)
    {
        await _pass.WaitAsync(ct);
        try
        {
            var settings = options.CurrentValue;
            var snapshot = await QueueSnapshot.ReadAsync(scopes, time.GetUtcNow().UtcDateTime, TimeSpan.FromSeconds(settings.StrandedAfterSeconds), ct);
            var workers = capacity.Workers();
            var free = workers - snapshot.InFlight.Count;
            var (order, startNow) = FairOrder.Plan(
                snapshot.Queued, snapshot.InFlightByTenant, snapshot.InFlightByUser, snapshot.MaxConcurrent, _lastServed, free);
            var started = new HashSet<Guid>();
            foreach (var job in startNow)
            {
                if (await DispatchAsync(job, ct))
                {
                    started.Add(job.Id);
                    _lastServed[job.TenantId] = _lastServed[job.UserId] = ++_served;
                }
            }

            await PublishAsync(order.Where(j => !started.Contains(j.Id)).ToList(), workers, snapshot);
        }
        finally
        {
            _pass.Release();
        }
    }

    private async Task<bool> DispatchAsync(QueuedJob job, CancellationToken ct)
    {
        await using var scope = scopes.CreateTenantScope(job.TenantId);
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        // The submit span's context, read only while someone records traces: the job's trace continues here.
        var traceParent = JobTrace.Listening ? await db.GenerationJobs.Where(j => j.Id == job.Id).Select(j => j.TraceParent).SingleOrDefaultAsync(ct) : null;
        using var trace = JobTrace.Start("job dispatch", job.Id, ActivityKind.Producer, traceParent);
        if (!await lifecycle.ClaimAsync(db, job.Id, ct))
        {
            return false;
        }

        try
        {
            var hangfireId = hangfire.Enqueue<GenerationWork>(w => w.RunAsync(job.TenantId, job.Id, null, CancellationToken.None));
            LogDispatched(logger, job.Id, job.TenantId, job.UserId, hangfireId, (now - job.CreatedAtUtc).TotalMilliseconds);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Not in Hangfire: put it back so the next pass tries again, and let the error surface.
            await lifecycle.UnclaimAsync(db, job.Id, CancellationToken.None);
            throw;
        }
    }

    private async Task PublishAsync(List<QueuedJob> waiting, int workers, QueueSnapshot snapshot)
    {
        var runSeconds = await runTimes.ReadAsync() ?? options.CurrentValue.DefaultRunSeconds;
        var spots = new Dictionary<Guid, QueueSpot>(waiting.Count);
        for (var i = 0; i < waiting.Count; i++)
        {
            var position = i + 1;
            spots[waiting[i].Id] = workers == 0
                ? new QueueSpot(position, 0, WaitingForGpuReason, WaitingForGpu: true)
                : new QueueSpot(position, Math.Ceiling((double)position / workers) * runSeconds, WaitReason(waiting[i], workers, snapshot));
        }

        var before = waiting.ToDictionary(j => j.Id, j => board.Find(j.Id)?.Position);
        board.Publish(spots, Math.Max(workers, 1));
        foreach (var job in waiting.Where(j => before[j.Id] != spots[j.Id].Position))
        {
            await events.QueuedAsync(job.TenantId, job.Id, spots[job.Id]);
        }
    }

    /// <summary>Why a job waits while no worker serves the queue (the pool is scaled to zero or starting).</summary>
    public const string WaitingForGpuReason = "Waiting for a GPU to start: no inference host is connected yet (the pool is scaled to zero or starting).";

    /// <summary>Why a job is still waiting while workers serve the queue, in words for its owner and the operators.</summary>
    private static string WaitReason(QueuedJob job, int workers, QueueSnapshot snapshot)
    {
        var running = snapshot.InFlightByTenant.GetValueOrDefault(job.TenantId);
        var limit = snapshot.MaxConcurrent.GetValueOrDefault(job.TenantId, 1);
        return running >= limit ? $"The tenant already runs {running} of its {limit} concurrent jobs." : $"All {workers} workers are busy.";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} of tenant {TenantId} (user {UserId}) dispatched as Hangfire job {HangfireId} after {WaitMs:F0} ms in the queue")]
    private static partial void LogDispatched(ILogger logger, Guid jobId, Guid tenantId, Guid userId, string hangfireId, double waitMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dispatcher pass failed; retrying shortly")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
