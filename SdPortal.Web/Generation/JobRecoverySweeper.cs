using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SdPortal.Data;
using SdPortal.Data.Generation;
using SdPortal.Data.Tenancy;
using SdPortal.Inference.Jobs;

namespace SdPortal.Web.Generation;

/// <summary>
/// Every web node, every <see cref="GenerationOptions.RecoverySweepSeconds"/> (and once at start, so a restarted
/// portal recovers its own dead jobs within a lease): enforces the deadlines of the open states (<see cref="JobStates"/>).
/// <list type="bullet">
/// <item>Running with a lapsed lease — the worker died, hung or lost the portal: <see cref="JobRecovery"/> requeues it,
/// cancels it (if its owner asked) or fails it once its attempts are used.</item>
/// <item>Dispatched more than <see cref="GenerationOptions.StrandedAfterSeconds"/> ago with no live Hangfire execution
/// on two sweeps in a row (one read can miss a job changing state) — a dispatcher crashed before enqueuing, or the
/// Hangfire job was deleted or failed before its start reached the portal: back to Queued, or failed after
/// <see cref="GenerationOptions.MaxAttempts"/> such recoveries (counted on the row, so every node counts the same).</item>
/// </list>
/// Every move is a guarded transition, so nodes sweeping at once move a job once.
/// </summary>
public sealed partial class JobRecoverySweeper(
    IServiceScopeFactory scopes,
    JobStorage storage,
    JobLifecycle lifecycle,
    JobRecovery recovery,
    JobSettlement settlement,
    FairDispatcher dispatcher,
    IOptionsMonitor<GenerationOptions> options,
    TimeProvider time,
    ILogger<JobRecoverySweeper> logger) : BackgroundService
{
    private HashSet<Guid> _suspects = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.CurrentValue.RecoverySweepSeconds), time);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or TimeoutException or System.Data.Common.DbException)
            {
                LogSweepFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One sweep; answers how many jobs it took back or ended.</summary>
    internal async Task<int> SweepAsync(CancellationToken ct)
    {
        var recovered = await RecoverLapsedAsync(ct) + await RecoverStrandedAsync(ct);
        if (recovered > 0)
        {
            dispatcher.Wake();
        }

        return recovered;
    }

    private async Task<int> RecoverLapsedAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var lapsed = await CandidatesAsync(JobLifecycle.Lapsed(null, now), ct);
        var recovered = 0;
        foreach (var job in lapsed)
        {
            LogLapsed(logger, job.JobId, job.TenantId, job.WorkerName ?? "unknown", job.LeaseExpiresAtUtc);
            recovered += await recovery.RecoverLapsedAsync(new JobRef(job.TenantId, job.JobId), job.LeaseId, ct) ? 1 : 0;
        }

        return recovered;
    }

    private async Task<int> RecoverStrandedAsync(CancellationToken ct)
    {
        var cutoff = time.GetUtcNow().UtcDateTime.AddSeconds(-options.CurrentValue.StrandedAfterSeconds);
        var candidates = await CandidatesAsync(j => j.Status == GenerationJobStatus.Dispatched && j.DispatchedAtUtc < cutoff, ct);
        if (candidates.Count == 0)
        {
            _suspects = [];
            return 0;
        }

        var live = LiveExecutions.Read(storage);
        var missing = candidates.Where(c => !live.Contains(c.JobId)).ToList();
        var confirmed = missing.Where(c => _suspects.Contains(c.JobId)).ToList();
        _suspects = [.. missing.Select(c => c.JobId).Except(confirmed.Select(c => c.JobId))];
        var recovered = 0;
        foreach (var job in confirmed)
        {
            recovered += await RecoverStrandedAsync(job, cutoff, ct) ? 1 : 0;
        }

        return recovered;
    }

    private async Task<bool> RecoverStrandedAsync(Candidate job, DateTime cutoff, CancellationToken ct)
    {
        var key = new JobRef(job.TenantId, job.JobId);
        if (job.Recoveries >= options.CurrentValue.MaxAttempts)
        {
            LogGivenUp(logger, job.JobId, job.TenantId, job.Recoveries);
            return await settlement.EndAsync(key, JobStates.Fail, "The generation could not be handed to a worker; its credits were released.",
                j => j.Status == GenerationJobStatus.Dispatched && j.DispatchedAtUtc < cutoff, ct);
        }

        await using var scope = scopes.CreateTenantScope(job.TenantId);
        var requeued = await lifecycle.RecoverStrandedAsync(scope.ServiceProvider.GetRequiredService<PortalDbContext>(), job.JobId, cutoff, ct);
        LogRequeued(logger, job.JobId, job.TenantId, job.Recoveries + 1, requeued);
        return requeued;
    }

    private async Task<List<Candidate>> CandidatesAsync(System.Linq.Expressions.Expression<Func<GenerationJob, bool>> where, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        // Like the dispatcher, the sweep must see every tenant's jobs; it writes only through tenant scopes.
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().GenerationJobs
            .IgnoreQueryFilters([TenantIsolation.FilterName]).AsNoTracking()
            .Where(where)
            .Select(j => new Candidate(j.Id, j.TenantId, j.LeaseId, j.LeaseExpiresAtUtc, j.WorkerName, j.Recoveries))
            .ToListAsync(ct);
    }

    private sealed record Candidate(Guid JobId, Guid TenantId, Guid? LeaseId, DateTime? LeaseExpiresAtUtc, string? WorkerName, int Recoveries);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} of tenant {TenantId}: the lease of worker {Worker} lapsed at {LeaseExpiresAtUtc:O}; recovering it")]
    private static partial void LogLapsed(ILogger logger, Guid jobId, Guid tenantId, string worker, DateTime? leaseExpiresAtUtc);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} of tenant {TenantId} was stranded in Dispatched without a live Hangfire job; back in the queue (recovery {Times}): {Requeued}")]
    private static partial void LogRequeued(ILogger logger, Guid jobId, Guid tenantId, int times, bool requeued);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} of tenant {TenantId} was stranded again after {Times} recoveries; failing it")]
    private static partial void LogGivenUp(ILogger logger, Guid jobId, Guid tenantId, int times);

    [LoggerMessage(Level = LogLevel.Error, Message = "Recovery sweep failed; trying again on the next tick")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
